import { type ReactNode, useEffect, useRef } from "react";

/** Asks before an operator action changes a run. Escape closes it. */
export function ConfirmDialog(props: {
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  tone?: "danger" | "primary";
  busy?: boolean;
  onConfirm: () => void;
  onClose: () => void;
  /** The label of the button that only closes the dialog: say what staying means ("Keep running"). */
  closeLabel?: string;
  /** A second way to go ahead, shown between closing and the main action. */
  alternative?: { label: string; testId: string; onClick: () => void };
}) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  useEffect(() => {
    confirmRef.current?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape") onClose.current();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/40 p-4">
      <div
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        data-testid="confirm-dialog"
        className="w-full max-w-md rounded-2xl bg-white p-5 shadow-2xl"
      >
        <h2 className="font-semibold text-[15px] text-slate-900">{props.title}</h2>
        {props.children && <div className="mt-2 space-y-3 text-[13px] text-slate-600">{props.children}</div>}
        <div className="mt-5 flex justify-end gap-2">
          <button
            type="button"
            data-testid="dialog-close"
            onClick={props.onClose}
            className="rounded-lg border border-slate-200 px-3 py-1.5 text-[13px] text-slate-600 hover:bg-slate-50"
          >
            {props.closeLabel ?? "Cancel"}
          </button>
          {props.alternative && (
            <button
              type="button"
              data-testid={props.alternative.testId}
              disabled={props.busy}
              onClick={props.alternative.onClick}
              className="rounded-lg border border-rose-200 px-3 py-1.5 font-semibold text-[13px] text-rose-700 hover:bg-rose-50 disabled:opacity-60"
            >
              {props.alternative.label}
            </button>
          )}
          <button
            ref={confirmRef}
            type="button"
            data-testid="confirm"
            disabled={props.busy}
            onClick={props.onConfirm}
            className={`rounded-lg px-3 py-1.5 font-semibold text-[13px] text-white shadow-sm disabled:opacity-60 ${props.tone === "danger" ? "bg-rose-600 hover:bg-rose-500" : "bg-indigo-600 hover:bg-indigo-500"}`}
          >
            {props.busy ? "Working…" : props.confirmLabel}
          </button>
        </div>
      </div>
    </div>
  );
}
