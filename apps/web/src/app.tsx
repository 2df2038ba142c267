import { navigate, useRoute } from "./lib/route";
import { ThemeToggle } from "./lib/theme-toggle";
import { Toasts } from "./lib/toast";
import { ComparePage } from "./pages/compare/compare-page";
import { EditorPage } from "./pages/editor/editor-page";
import { WorkflowListPage } from "./pages/workflow-list/workflow-list-page";
import { AlertBanner } from "./run/alerts/alert-banner";
import { RunsPage } from "./run/runs-list/runs-page";
import { RunPage } from "./run/view/run-page";

export function App() {
  const route = useRoute();
  return (
    <div className="flex h-screen flex-col">
      <AlertBanner />
      {route.page !== "editor" && route.page !== "run" && (
        <nav
          aria-label="Main"
          className="flex h-12 shrink-0 items-center gap-6 border-slate-200 border-b bg-white px-6"
        >
          <button
            type="button"
            onClick={() => navigate({ page: "list" })}
            className="flex items-center gap-2 font-semibold text-slate-900"
          >
            <span className="flex h-7 w-7 items-center justify-center rounded-lg bg-indigo-600 text-white text-xs">
              SF
            </span>
            Sagaflow
          </button>
          <button
            type="button"
            onClick={() => navigate({ page: "list" })}
            className={`text-[13px] ${route.page === "list" ? "font-semibold text-indigo-700" : "text-slate-500 hover:text-slate-800"}`}
          >
            Workflows
          </button>
          <button
            type="button"
            data-testid="nav-runs"
            onClick={() => navigate({ page: "runs" })}
            className={`text-[13px] ${route.page === "runs" ? "font-semibold text-indigo-700" : "text-slate-500 hover:text-slate-800"}`}
          >
            Runs
          </button>
          <div className="flex-1" />
          <ThemeToggle />
        </nav>
      )}
      <main className="flex min-h-0 flex-1 flex-col">
        {/* The run header has no heading of its own: name the page for screen readers. */}
        {route.page === "run" && <h1 className="sr-only">Run {route.runId}</h1>}
        {route.page === "editor" ? (
          <EditorPage
            key={`${route.name}:${route.isNew}:${route.version ?? ""}`}
            name={route.name}
            isNew={route.isNew}
            version={route.version}
          />
        ) : route.page === "runs" ? (
          <RunsPage />
        ) : route.page === "run" ? (
          <RunPage key={route.runId} runId={route.runId} />
        ) : route.page === "compare" ? (
          <ComparePage
            key={`${route.name}:${route.a}:${route.b}`}
            name={route.name}
            a={route.a}
            b={route.b}
          />
        ) : (
          <WorkflowListPage />
        )}
      </main>
      <Toasts />
    </div>
  );
}
