import { useState } from "react";
import { toast } from "../../lib/toast";
import { api, errorMessage } from "../../lib/trpc";
import { StartRunDialog } from "./start-run-dialog";

/**
 * The editor's "Run" button: runs the saved version (a run is pinned to one), so it asks to save first
 * when the canvas has unsaved changes.
 */
export function StartRunButton(props: { name: string; version: number | undefined; dirty: boolean }) {
  const [open, setOpen] = useState<{ inputSchema: Record<string, unknown> | undefined } | null>(null);
  const disabled = props.version === undefined;
  const openDialog = async () => {
    if (props.version === undefined) return;
    if (props.dirty) toast("Unsaved changes are not part of the run: it starts the saved version.", "info");
    try {
      const stored = await api.definitions.get.query({ name: props.name, version: props.version });
      setOpen({ inputSchema: stored.definition.inputSchema as Record<string, unknown> | undefined });
    } catch (error) {
      toast(errorMessage(error), "error");
    }
  };
  return (
    <>
      <button
        type="button"
        data-testid="start-run"
        disabled={disabled}
        title={
          disabled ? "Save the workflow first: a run starts a saved version" : "Start a run of this version"
        }
        onClick={() => void openDialog()}
        className="ml-1 rounded-lg border border-emerald-600 px-3 py-1.5 font-semibold text-[13px] text-emerald-700 transition hover:bg-emerald-50 disabled:opacity-40"
      >
        ▶ Run
      </button>
      {open && props.version !== undefined && (
        <StartRunDialog
          name={props.name}
          version={props.version}
          inputSchema={open.inputSchema}
          onClose={() => setOpen(null)}
        />
      )}
    </>
  );
}
