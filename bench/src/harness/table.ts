import type { Figure } from "../types";

/** The one table `pnpm bench` prints: every figure, its baseline, the ratio and the target. Pure. */

const NOT_MEASURED = "not measured yet";

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return Math.round(value).toLocaleString("en-US");
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toPrecision(2);
}

function valueCell(value: number | null, unit: string): string {
  return value === null ? NOT_MEASURED : `${formatNumber(value)} ${unit}`;
}

function ratioCell(figure: Figure): string {
  if (figure.ratio === null || figure.ratio === undefined) return figure.value === null ? "—" : "";
  return `${figure.ratio.toFixed(figure.ratio >= 10 ? 1 : 2)}×`;
}

function targetCell(figure: Figure): string {
  if (!figure.target) return "";
  return `${figure.target.met ? "met" : "MISSED"}: ${figure.target.text}`;
}

export function renderTable(figures: readonly Figure[]): string {
  const header = ["Figure", "Size", "Value", "Baseline", "Ratio", "Target"];
  const rows = figures.map((figure) => [
    figure.label,
    figure.size ?? "",
    valueCell(figure.value, figure.unit),
    figure.baseline
      ? `${valueCell(figure.baseline.value, figure.baseline.unit)} (${figure.baseline.label})`
      : "",
    ratioCell(figure),
    targetCell(figure),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  const rule = `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** Notes below the table for measured figures that carry one (placeholders speak for themselves). */
export function renderNotes(figures: readonly Figure[]): string {
  return figures
    .filter((figure) => figure.note && figure.value !== null)
    .map((figure) => `- ${figure.id}: ${figure.note}`)
    .join("\n");
}
