import { useSyncExternalStore } from "react";

/** App-wide notices (saved, failed…): a tiny store, no dependency. */
export interface Toast {
  id: number;
  tone: "success" | "error" | "info";
  text: string;
  /** A newer notice on the same topic replaces this one ("Saved v2" ends "Not saved…"). */
  topic?: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => {
  for (const listener of listeners) listener();
};

export function dismissToast(id: number) {
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

export function toast(text: string, tone: Toast["tone"] = "info", options: { topic?: string } = {}) {
  const id = nextId++;
  const kept = options.topic ? toasts.filter((t) => t.topic !== options.topic) : toasts;
  // Three at most: older notices make room rather than pile up the screen.
  toasts = [...kept, { id, tone, text, ...options }].slice(-3);
  emit();
  setTimeout(() => dismissToast(id), tone === "error" ? 8000 : 3500);
}

/** Bottom left, over the palette's foot rather than the inspector's fields. */
export function Toasts() {
  const list = useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => toasts,
  );
  const tones = { success: "bg-emerald-700", error: "bg-rose-700", info: "bg-slate-800" };
  return (
    <section
      aria-label="Notifications"
      className="pointer-events-none fixed bottom-4 left-4 z-50 flex flex-col gap-2"
    >
      {list.map((t) => (
        <div
          key={t.id}
          role="status"
          data-toast={t.tone}
          className={`pointer-events-auto flex max-w-md items-start gap-3 rounded-xl py-2.5 pr-2.5 pl-4 text-[13px] text-white shadow-xl ${tones[t.tone]}`}
        >
          <span className="flex-1">{t.text}</span>
          <button
            type="button"
            aria-label="Dismiss"
            data-testid="toast-close"
            onClick={() => dismissToast(t.id)}
            className="rounded px-1 text-white/80 leading-none hover:bg-white/15 hover:text-white"
          >
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
