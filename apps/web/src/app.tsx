import { navigate, useRoute } from "./lib/route";
import { Toasts } from "./lib/toast";
import { EditorPage } from "./pages/editor/editor-page";
import { WorkflowListPage } from "./pages/workflow-list/workflow-list-page";

export function App() {
  const route = useRoute();
  return (
    <div className="flex h-screen flex-col">
      {route.page !== "editor" && (
        <nav className="flex h-12 shrink-0 items-center gap-6 border-slate-200 border-b bg-white px-6">
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
        </nav>
      )}
      {route.page === "editor" ? (
        <EditorPage
          key={`${route.name}:${route.isNew}:${route.version ?? ""}`}
          name={route.name}
          isNew={route.isNew}
          version={route.version}
        />
      ) : (
        <WorkflowListPage />
      )}
      <Toasts />
    </div>
  );
}
