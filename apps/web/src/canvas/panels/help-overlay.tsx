import { describeKeys, SHORTCUTS } from "../hooks/shortcuts";

const mac = typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

/** The keyboard shortcuts, from the same table the shortcut hook uses. */
export function HelpOverlay({ onClose }: { onClose: () => void }) {
  return (
    <div className="fixed inset-0 z-50 flex items-center justify-center">
      <button
        type="button"
        aria-label="Close"
        className="absolute inset-0 cursor-default bg-slate-900/30 backdrop-blur-[2px]"
        onClick={onClose}
      />
      <div
        className="relative w-[520px] rounded-2xl bg-white p-6 shadow-2xl"
        role="dialog"
        aria-label="Keyboard shortcuts"
        data-testid="help"
      >
        <div className="mb-4 flex items-center justify-between">
          <h2 className="font-semibold text-lg text-slate-800">Keyboard shortcuts</h2>
          <button type="button" onClick={onClose} className="text-slate-400 hover:text-slate-700">
            ✕
          </button>
        </div>
        <table className="w-full text-[13px]">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.action} className="border-slate-100 border-t">
                <td className="py-1.5 text-slate-600">{s.label}</td>
                <td className="py-1.5 text-right">
                  {s.keys.map((combo, i) => (
                    <span key={combo.key + String(i)} className="ml-2 inline-flex gap-1">
                      {describeKeys(combo, mac).map((k) => (
                        <kbd
                          key={k}
                          className="rounded border border-slate-200 bg-slate-50 px-1.5 py-px font-mono text-[11px] text-slate-600 shadow-xs"
                        >
                          {k}
                        </kbd>
                      ))}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="mt-4 text-[12px] text-slate-500">
          Drag from a handle to connect: the handle decides the kind of transition. Shift-drag to select
          several states. Select a transition and press Delete to remove it.
        </p>
      </div>
    </div>
  );
}
