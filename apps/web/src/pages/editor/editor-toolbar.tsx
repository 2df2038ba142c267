import { memo, type ReactNode, useState } from "react";
import { useEditor, useEditorStore, useHistory } from "../../canvas/store/editor-context";
import type { LayoutDirection } from "../../canvas/utils/elk-layout";
import { navigate } from "../../lib/route";
import { ThemeToggle } from "../../lib/theme-toggle";
import { StartRunButton } from "../../run/start/start-run-button";
import { VersionsMenu } from "./versions-menu";

interface ToolbarProps {
  dirty: boolean;
  saving: boolean;
  version: number | undefined;
  isNew: boolean;
  showJson: boolean;
  showProblems: boolean;
  showInspector: boolean;
  onToggleInspector: () => void;
  /** Simulate mode: the workflow as drawn runs in the browser (simulate/). */
  simulating: boolean;
  onToggleSimulate: () => void;
  onSave: () => void;
  onLayout: (direction: LayoutDirection) => void;
  onToggleJson: () => void;
  onToggleProblems: () => void;
  onExport: () => void;
  onHelp: () => void;
  onSearch: () => void;
  /** Saves before a run; answers the saved version, or undefined when it was not saved. */
  onSaveForRun: () => Promise<number | undefined>;
}

export const EditorToolbar = memo(function EditorToolbar(props: ToolbarProps) {
  const store = useEditorStore();
  const name = useEditor((s) => s.meta.name);
  const title = useEditor((s) => s.meta.title);
  const direction = useEditor((s) => s.direction);
  const errors = useEditor((s) => s.diagnostics.filter((d) => d.severity === "error").length);
  const warnings = useEditor((s) => s.diagnostics.length) - errors;
  const canUndo = useHistory((h) => h.pastStates.length > 0);
  const canRedo = useHistory((h) => h.futureStates.length > 0);
  const [showVersions, setShowVersions] = useState(false);

  return (
    <header className="flex h-14 shrink-0 items-center gap-2 border-slate-200 border-b bg-white px-3">
      <button
        type="button"
        onClick={() => navigate({ page: "list" })}
        className="rounded-lg px-2 py-1.5 text-slate-500 hover:bg-slate-100 hover:text-slate-800"
        title="All workflows"
      >
        ←
      </button>
      <div className="min-w-[6rem] flex-1 pr-2 xl:min-w-0 xl:flex-none">
        <div className="flex items-center gap-2">
          <h1 className="truncate font-semibold text-slate-800" data-testid="workflow-name">
            {title || name}
          </h1>
          {props.version !== undefined && !props.isNew && (
            <span className="rounded-md bg-slate-100 px-1.5 py-px font-medium text-[11px] text-slate-500">
              v{props.version}
            </span>
          )}
          {props.dirty ? (
            <span className="flex items-center gap-1 text-[11px] text-amber-600" data-testid="dirty">
              <span className="h-1.5 w-1.5 rounded-full bg-amber-500" /> unsaved
            </span>
          ) : (
            <span className="text-[11px] text-emerald-600" data-testid="clean">
              saved
            </span>
          )}
        </div>
        {title && <div className="truncate font-mono text-[11px] text-slate-400">{name}</div>}
      </div>

      <Group>
        <ToolButton title="Undo (Ctrl+Z)" disabled={!canUndo} onClick={store.undo} testId="undo">
          ↶
        </ToolButton>
        <ToolButton title="Redo (Ctrl+Shift+Z)" disabled={!canRedo} onClick={store.redo} testId="redo">
          ↷
        </ToolButton>
      </Group>
      <Group>
        <ToolButton title="Auto-layout (Shift+L)" onClick={() => props.onLayout(direction)} testId="layout">
          ⊞<span className="max-xl:sr-only"> Layout</span>
        </ToolButton>
        <ToolButton
          title="Left to right"
          active={direction === "LR"}
          onClick={() => props.onLayout("LR")}
          testId="layout-lr"
        >
          →
        </ToolButton>
        <ToolButton
          title="Top down"
          active={direction === "TB"}
          onClick={() => props.onLayout("TB")}
          testId="layout-tb"
        >
          ↓
        </ToolButton>
      </Group>

      <div className="flex-1" />

      <button
        type="button"
        onClick={props.onToggleProblems}
        data-testid="problems-toggle"
        className={`flex items-center gap-1.5 whitespace-nowrap rounded-lg border px-2.5 py-1.5 font-medium text-[12px] transition ${props.showProblems ? "border-slate-300 bg-slate-50" : "border-slate-200"} hover:bg-slate-50`}
      >
        <span
          className={`h-2 w-2 rounded-full ${errors ? "bg-rose-500" : warnings ? "bg-amber-400" : "bg-emerald-500"}`}
        />
        {/* Narrow screens: the counts only (the words stay for screen readers). */}
        <span data-testid="error-count">{errors}</span>
        <span className="max-xl:sr-only">errors</span> · {warnings}
        <span className="max-xl:sr-only">warnings</span>
      </button>
      <ToolButton
        title="JSON view (Shift+J)"
        active={props.showJson}
        onClick={props.onToggleJson}
        testId="json-toggle"
      >
        {"{ }"} JSON
      </ToolButton>
      <ToolButton
        title="Show or hide the inspector (more room for the canvas)"
        active={props.showInspector}
        onClick={props.onToggleInspector}
        testId="inspector-toggle"
      >
        Inspector
      </ToolButton>
      <div className="relative">
        <ToolButton
          title="Versions"
          disabled={props.isNew}
          onClick={() => setShowVersions((v) => !v)}
          testId="versions"
        >
          Versions
        </ToolButton>
        {showVersions && (
          <VersionsMenu name={name} current={props.version} onClose={() => setShowVersions(false)} />
        )}
      </div>
      <ToolButton title="Download as JSON" onClick={props.onExport} testId="export">
        Export
      </ToolButton>
      <ToolButton title="Find a state (Ctrl+K or /)" onClick={props.onSearch} testId="search-button">
        Find
      </ToolButton>
      <ThemeToggle />
      <ToolButton title="Keyboard shortcuts (?)" onClick={props.onHelp} testId="help-button">
        ?
      </ToolButton>
      <ToolButton
        title="Simulate: run the workflow as drawn in this browser, picking each state's outcome (nothing is saved)"
        active={props.simulating}
        onClick={props.onToggleSimulate}
        testId="simulate"
      >
        ⚗<span className="max-xl:sr-only"> Simulate</span>
      </ToolButton>
      <StartRunButton
        name={name}
        version={props.isNew ? undefined : props.version}
        dirty={props.dirty}
        saveFirst={props.onSaveForRun}
      />
      <button
        type="button"
        onClick={props.onSave}
        disabled={props.saving}
        data-testid="save"
        title="Save as a new version (Ctrl+S)"
        className="ml-1 rounded-lg bg-indigo-600 px-4 py-1.5 font-semibold text-[13px] text-white shadow-sm transition hover:bg-indigo-500 disabled:opacity-60"
      >
        {props.saving ? "Saving…" : "Save"}
      </button>
    </header>
  );
});

function Group({ children }: { children: ReactNode }) {
  return <div className="flex items-center rounded-lg border border-slate-200 p-0.5">{children}</div>;
}

function ToolButton(props: {
  children: ReactNode;
  onClick: () => void;
  title: string;
  disabled?: boolean;
  active?: boolean;
  testId?: string;
}) {
  return (
    <button
      type="button"
      title={props.title}
      disabled={props.disabled}
      onClick={props.onClick}
      aria-pressed={props.active}
      data-testid={props.testId}
      className={`whitespace-nowrap rounded-md px-2.5 py-1 text-[13px] transition disabled:opacity-35 ${props.active ? "bg-slate-800 text-white" : "text-slate-600 hover:bg-slate-100"}`}
    >
      {props.children}
    </button>
  );
}
