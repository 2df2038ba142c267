import type { RetryPolicy } from "@sagaflow/shared";
import { NumberField, SelectField, TextField } from "./fields";

const clean = (policy: RetryPolicy): RetryPolicy | undefined => {
  const entries = Object.entries(policy).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as RetryPolicy);
};

export function RetryFields({
  value,
  onChange,
  defaultAttempts,
}: {
  value: RetryPolicy | undefined;
  onChange: (value: RetryPolicy | undefined) => void;
  defaultAttempts: number;
}) {
  const policy = value ?? {};
  const set = (patch: Partial<RetryPolicy>) => onChange(clean({ ...policy, ...patch }));
  return (
    <div className="grid grid-cols-2 gap-2.5">
      <NumberField
        label="Max attempts"
        min={1}
        value={policy.maxAttempts}
        placeholder={String(defaultAttempts)}
        onChange={(maxAttempts) => set({ maxAttempts })}
      />
      <SelectField
        label="Backoff"
        value={policy.backoff}
        options={[
          { value: "fixed", label: "fixed" },
          { value: "exponential", label: "exponential" },
        ]}
        onChange={(backoff) => set({ backoff })}
        placeholder="default"
      />
      <TextField
        label="First delay"
        value={policy.initialDelay?.toString()}
        placeholder="1s"
        onChange={(v) => set({ initialDelay: v })}
      />
      <TextField
        label="Retry on"
        value={policy.retryOn?.join(", ")}
        placeholder="*"
        onChange={(v) =>
          set({
            retryOn: v
              ? v
                  .split(",")
                  .map((s) => s.trim())
                  .filter(Boolean)
              : undefined,
          })
        }
      />
    </div>
  );
}
