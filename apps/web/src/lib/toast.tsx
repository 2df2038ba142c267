import { useSyncExternalStore } from "react";

/** App-wide notices (saved, failed…): a tiny store, no dependency. */
export interface Toast {
  id: number;
  tone: "success" | "error" | "info";
  text: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => {
  for (const listener of listeners) listener();
};

export function toast(text: string, tone: Toast["tone"] = "info") {
  const id = nextId++;
  toasts = [...toasts, { id, tone, text }];
  emit();
  setTimeout(
    () => {
      toasts = toasts.filter((t) => t.id !== id);
      emit();
    },
    tone === "error" ? 8000 : 3500,
  );
}

export function Toasts() {
  const list = useSyncExternalStore(
    (cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    () => toasts,
  );
  const tones = { success: "bg-emerald-600", error: "bg-rose-600", info: "bg-slate-800" };
  return (
    <div className="pointer-events-none fixed right-4 bottom-4 z-50 flex flex-col gap-2">
      {list.map((t) => (
        <div
          key={t.id}
          role="status"
          data-toast={t.tone}
          className={`max-w-md rounded-xl px-4 py-2.5 text-[13px] text-white shadow-xl ${tones[t.tone]}`}
        >
          {t.text}
        </div>
      ))}
    </div>
  );
}
