import { WORKFLOW_NAME_PATTERN } from "@sagaflow/shared";
import { useMemo } from "react";
import { DeadlineBudget } from "../../pages/editor/simulate/deadline-budget";
import { useEditor, useEditorStore } from "../store/editor-context";
import type { DefinitionMeta } from "../types";
import { isStateNode } from "../types";
import { CommitField, JsonField, Section, TextField } from "./form/fields";
import { TargetSelect } from "./form/target-select";

/** When nothing is selected: the workflow's own fields. */
export function WorkflowSettings() {
  const store = useEditorStore();
  const meta = useEditor((s) => s.meta);
  const revision = useEditor((s) => s.revision);
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the trigger
  const roots = useMemo(
    () =>
      store
        .getState()
        .nodes.filter((n) => isStateNode(n) && !n.parentId && n.type !== "compensation")
        .map((n) => n.id),
    [store, revision],
  );
  const set = (key: keyof DefinitionMeta, value: unknown) => {
    const next: Record<string, unknown> = { ...meta };
    if (value === undefined) delete next[key];
    else next[key] = value;
    store.getState().setMeta(next as DefinitionMeta);
  };
  return (
    <div>
      <div className="px-4 pt-4 pb-3">
        <div className="font-semibold text-slate-800 text-sm">Workflow</div>
        <div className="text-[12px] text-slate-500">
          Select a state to edit it. Drag states in from the palette.
        </div>
      </div>
      <Section title="Identity">
        <CommitField
          label="Name"
          name="workflow-name"
          value={meta.name}
          validate={(v) =>
            WORKFLOW_NAME_PATTERN.test(v) ? undefined : "a lowercase slug: a-z, 0-9, - and _"
          }
          onCommit={(v) => set("name", v)}
          hint="Saving under a new name creates a new workflow."
        />
        <TextField label="Title" value={meta.title} onChange={(v) => set("title", v)} />
        <TextField label="Description" value={meta.description} onChange={(v) => set("description", v)} />
      </Section>
      <Section title="Run">
        <TargetSelect
          label="Starts at"
          value={meta.startAt || undefined}
          targets={roots}
          onChange={(v) => set("startAt", v ?? "")}
        />
        <TextField
          label="Deadline for the whole run"
          value={meta.timeout?.toString()}
          placeholder="none"
          hint={<DeadlineBudget />}
          onChange={(v) => set("timeout", v)}
        />
        <JsonField
          label="Input schema (JSON Schema)"
          value={meta.inputSchema}
          rows={6}
          onChange={(v) =>
            set("inputSchema", v && typeof v === "object" && !Array.isArray(v) ? v : undefined)
          }
        />
      </Section>
    </div>
  );
}
