import { z } from "zod";

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** `"250ms"`, `"30s"`, `"5m"`, `"2h"`, `"1d"` or a number of milliseconds. */
export const durationSchema = z.union([
  z.string().regex(DURATION_PATTERN, 'a duration like "250ms", "30s", "5m", "2h" or "1d"'),
  z.number().int().nonnegative(),
]);
export type Duration = z.infer<typeof durationSchema>;

/** Milliseconds in a duration; throws on a malformed one (the schema rejects those first). */
export function parseDuration(duration: Duration): number {
  if (typeof duration === "number") return duration;
  const match = DURATION_PATTERN.exec(duration);
  if (!match) throw new Error(`Invalid duration "${duration}"`);
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

/** The shortest exact spelling of a number of milliseconds, e.g. 90000 → "90s". */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
