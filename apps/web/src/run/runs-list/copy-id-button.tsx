import type { MouseEvent } from "react";
import { toast } from "../../lib/toast";

/** Copies a run id; the click stays on the button (a row around it opens the run). */
export function CopyIdButton({ id, className = "" }: { id: string; className?: string }) {
  const copy = async (event: MouseEvent) => {
    event.stopPropagation();
    try {
      await navigator.clipboard.writeText(id);
      toast("Run id copied", "success");
    } catch {
      // No clipboard (an insecure origin, a denied permission): the id is selectable text beside us.
      toast("Could not copy: select the id and copy it", "error");
    }
  };
  return (
    <button
      type="button"
      data-testid="copy-run-id"
      aria-label={`Copy run id ${id}`}
      title="Copy the run id"
      onClick={(event) => void copy(event)}
      className={`rounded px-1 text-slate-400 hover:bg-slate-100 hover:text-slate-700 ${className}`}
    >
      ⧉
    </button>
  );
}
