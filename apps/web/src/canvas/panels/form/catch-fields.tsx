import type { Catcher, OnError } from "@sagaflow/shared";
import { SelectField, SmallButton, TextField } from "./fields";
import { TargetSelect } from "./target-select";

export function OnErrorField({
  value,
  onChange,
}: {
  value: OnError | undefined;
  onChange: (value: OnError | undefined) => void;
}) {
  return (
    <SelectField
      label="When it fails (after retries)"
      value={value}
      placeholder="compensate (default)"
      options={[
        { value: "compensate", label: "compensate — undo what was done" },
        { value: "abort", label: "abort — fail at once, undo nothing" },
        { value: "continue", label: "continue — warn and go on" },
      ]}
      onChange={onChange}
    />
  );
}

export function CatchFields({
  value,
  targets,
  onChange,
}: {
  value: Catcher[] | undefined;
  targets: string[];
  onChange: (value: Catcher[] | undefined) => void;
}) {
  const list = value ?? [];
  const set = (next: Catcher[]) => onChange(next.length > 0 ? next : undefined);
  return (
    <div className="space-y-2">
      {list.length === 0 && (
        <p className="text-[12px] text-slate-400">Drag from the red handle to catch errors.</p>
      )}
      {list.map((catcher, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: catchers are ordered and have no id
        <div key={i} className="space-y-2 rounded-lg border border-rose-100 bg-rose-50/40 p-2.5">
          <TextField
            label={`Catch #${i + 1}: errors`}
            mono
            value={catcher.errors.join(", ")}
            placeholder="*"
            onChange={(v) =>
              set(
                list.map((c, j) =>
                  j === i
                    ? {
                        ...c,
                        errors: (v ?? "*")
                          .split(",")
                          .map((s) => s.trim())
                          .filter(Boolean),
                      }
                    : c,
                ),
              )
            }
          />
          <div className="flex items-end gap-2">
            <div className="flex-1">
              <TargetSelect
                label="Then go to"
                value={catcher.next}
                targets={targets}
                onChange={(v) => v && set(list.map((c, j) => (j === i ? { ...c, next: v } : c)))}
              />
            </div>
            <SmallButton tone="rose" onClick={() => set(list.filter((_, j) => j !== i))}>
              Remove
            </SmallButton>
          </div>
        </div>
      ))}
    </div>
  );
}
