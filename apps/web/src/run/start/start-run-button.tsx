import { useState } from "react";
import { toast } from "../../lib/toast";
import { api, errorMessage } from "../../lib/trpc";
import { StartRunDialog } from "./start-run-dialog";

/**
 * The editor's "Run" button: runs the saved version (a run is pinned to one), so it asks to save first
 * when the canvas has unsaved changes.
 */
export function StartRunButton(props: {
  name: string;
  version: number | undefined;
  dirty: boolean;
  /** Saves the canvas; answers the new version (undefined: not saved). */
  saveFirst?: () => Promise<number | undefined>;
}) {
  const [open, setOpen] = useState<{
    version: number;
    inputSchema: Record<string, unknown> | undefined;
  } | null>(null);
  const disabled = props.version === undefined;
  const openDialog = async () => {
    let version = props.version;
    if (version === undefined) return;
    if (props.dirty) {
      // A run starts a saved version: running the old one silently would surprise.
      if (
        !props.saveFirst ||
        !window.confirm("This workflow has unsaved changes. Save them and run the new version?")
      )
        return;
      version = await props.saveFirst();
      if (version === undefined) return;
    }
    try {
      const stored = await api.definitions.get.query({ name: props.name, version });
      setOpen({ version, inputSchema: stored.definition.inputSchema as Record<string, unknown> | undefined });
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
        className="ml-1 whitespace-nowrap rounded-lg border border-emerald-600 px-3 py-1.5 font-semibold text-[13px] text-emerald-700 transition hover:bg-emerald-50 disabled:opacity-40"
      >
        ▶ Run
      </button>
      {open && (
        <StartRunDialog
          name={props.name}
          version={open.version}
          inputSchema={open.inputSchema}
          onClose={() => setOpen(null)}
        />
      )}
    </>
  );
}
