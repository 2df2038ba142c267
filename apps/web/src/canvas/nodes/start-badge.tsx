import { useEditor } from "../store/editor-context";

/** The "Start" tag on the state a scope starts at, the same on a card and on a container's frame. */
export function StartBadge({ id }: { id: string }) {
  const isStart = useEditor((s) => s.starts[id] === true);
  if (!isStart) return null;
  return (
    <div className="-top-2.5 absolute left-3 rounded-full bg-slate-800 px-2 py-px font-semibold text-[9px] text-white uppercase tracking-wider shadow">
      Start
    </div>
  );
}
