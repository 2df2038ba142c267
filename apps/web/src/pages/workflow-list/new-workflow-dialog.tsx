import { WORKFLOW_NAME_PATTERN } from "@sagaflow/shared";
import { useState } from "react";

/** What the name box shows while typing: a slug already, but a trailing "-" may still grow into a word. */
export const slugWhileTyping = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-_]+/, "")
    .slice(0, 60);

/** Asks for a new workflow's name; the workflow exists once it is first saved. */
export function NewWorkflowDialog({
  taken,
  onCreate,
  onClose,
}: {
  taken: readonly string[];
  onCreate: (name: string) => void;
  onClose: () => void;
}) {
  const [typed, setName] = useState("");
  const name = typed.replace(/-+$/, "");
  const error =
    name === ""
      ? undefined
      : !WORKFLOW_NAME_PATTERN.test(name)
        ? "Use lowercase letters, digits, - and _"
        : taken.includes(name)
          ? "A workflow with this name exists"
          : undefined;
  return (
    <div className="fixed inset-0 z-40 flex items-start justify-center bg-slate-900/30 pt-[18vh] backdrop-blur-[2px]">
      <form
        className="w-[420px] space-y-4 rounded-2xl bg-white p-6 shadow-2xl"
        data-testid="new-workflow"
        onSubmit={(e) => {
          e.preventDefault();
          if (name && !error) onCreate(name);
        }}
      >
        <div>
          <h2 className="font-semibold text-lg text-slate-800">New workflow</h2>
          <p className="text-[13px] text-slate-500">
            A name people and scripts will use: `sagaflow run`, the API, the URL.
          </p>
        </div>
        <input
          // biome-ignore lint/a11y/noAutofocus: the dialog exists to type this
          autoFocus
          name="workflow-name"
          placeholder="order-saga"
          aria-label="Workflow name"
          value={typed}
          onChange={(e) => setName(slugWhileTyping(e.target.value))}
          className="w-full rounded-lg border border-slate-200 px-3 py-2 font-mono text-sm outline-none focus:border-indigo-400 focus:ring-2 focus:ring-indigo-100"
        />
        {error && <p className="text-[12px] text-rose-600">{error}</p>}
        <div className="flex justify-end gap-2">
          <button
            type="button"
            onClick={onClose}
            className="rounded-lg px-3 py-1.5 text-[13px] text-slate-600 hover:bg-slate-100"
          >
            Cancel
          </button>
          <button
            type="submit"
            disabled={!name || Boolean(error)}
            className="rounded-lg bg-indigo-600 px-4 py-1.5 font-semibold text-[13px] text-white hover:bg-indigo-500 disabled:opacity-50"
          >
            Create
          </button>
        </div>
      </form>
    </div>
  );
}
