/** `1h 3m`, `1m 13s`, `1.5s`, `250ms`; the two largest units are enough to read a duration. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "unbounded";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(1))}s`;
  const units = [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const;
  const parts: string[] = [];
  let rest = Math.round(ms);
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || parts.length > 0) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.filter((part) => !part.startsWith("0")).join(" ");
}
