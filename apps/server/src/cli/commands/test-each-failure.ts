import path from "node:path";
import {
  createJsonataEvaluator,
  FAILURE_TABLE_HEADER,
  type FailureReport,
  failureRow,
  leavesWritesUndone,
  SIMULATED_FAILURE,
  simulatedBuiltins,
  simulateEachFailure,
  type TimeoutBudget,
  timeoutBudget,
} from "@sagaflow/engine";
import type { JsonValue } from "@sagaflow/shared";
import { checkRunInput } from "../../run-input";
import { parseJsonArgument, readJsonFile, UsageError } from "../args";
import { EXIT } from "../exit-codes";
import type { CliIo } from "../io";
import { formatMs } from "./test-format";
import { loadDefinition } from "./test-scenarios";

/**
 * `sagaflow test --each-failure <definition> [--input JSON] [--json]`: every task, in turn, fails after its
 * retries in a simulated run. The table shows where each run ends, the compensations that ran, and the
 * completed writes nothing undid; then the timeout budget. Exit 1 when a write is left undone that does
 * not say `"compensateWith": null`: the compensation-coverage lint, proven by running.
 */
export async function eachFailure(
  file: string,
  options: {
    json: boolean;
    input: { inline?: string | undefined; file?: string | undefined };
    actions?: string | undefined;
  },
  io: CliIo,
): Promise<number> {
  const { definition, catalog } = await loadDefinition(path.resolve(io.cwd, file), io, options.actions);
  const input = readInput(options.input, io.cwd);
  const inputCheck = checkRunInput(`test:${file}`, definition.inputSchema, input);
  if (!inputCheck.ok) throw new UsageError(`invalid --input: ${inputCheck.problems.join("; ")}`);
  const reports = await simulateEachFailure({
    definition,
    catalog,
    input,
    actions: simulatedBuiltins(),
    evaluate: createJsonataEvaluator(),
  });
  const budget = timeoutBudget(definition);
  const undone = leavesWritesUndone(reports);
  if (options.json) {
    io.out(
      JSON.stringify({
        definition: definition.name,
        failure: SIMULATED_FAILURE,
        tasks: reports,
        budget: jsonBudget(budget),
      }),
    );
  } else {
    io.out(
      `What if each task fails? ${definition.name}: ${reports.length} task${reports.length === 1 ? "" : "s"}, each failing with ${SIMULATED_FAILURE} after its retries`,
    );
    io.out("");
    io.out(table(reports));
    io.out("");
    io.out(budgetText(budget));
    if (undone)
      io.out(
        '\n✗ completed writes are left undone (give them a compensateWith, or say "compensateWith": null)',
      );
  }
  return undone ? EXIT.failed : EXIT.ok;
}

function table(reports: FailureReport[]): string {
  const rows = reports
    .map(failureRow)
    .map((row) => [row.task, row.ends, row.compensations, row.leftUndone, row.path]);
  const header: string[] = [...FAILURE_TABLE_HEADER];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0)))
      .join("  ");
  return [line(header), line(widths.map((width) => "─".repeat(width))), ...rows.map(line)].join("\n");
}

function budgetText(budget: TimeoutBudget): string {
  const deadline =
    budget.deadlineMs === null ? "the workflow has no timeout" : `deadline ${formatMs(budget.deadlineMs)}`;
  const lines = [`Timeout budget (worst case per path; ${deadline}):`];
  for (const path of budget.paths) {
    const mark = path.exceedsDeadline ? "⚠" : " ";
    lines.push(`  ${mark} ${formatMs(path.worstMs).padStart(9)}  ${path.steps.join(" → ")}`);
  }
  if (budget.truncated) lines.push(`    … more paths; the worst is ${formatMs(budget.worstMs)}`);
  for (const assumption of budget.assumptions) lines.push(`    note: ${assumption}`);
  if (budget.exceedsDeadline && budget.deadlineMs !== null) {
    lines.push(
      `⚠ warning: the worst case (${formatMs(budget.worstMs)}) exceeds the workflow's timeout of ${formatMs(budget.deadlineMs)}`,
    );
  }
  return lines.join("\n");
}

/** Infinity is not JSON: an unbounded path is `null`. */
function jsonBudget(budget: TimeoutBudget) {
  const ms = (value: number) => (Number.isFinite(value) ? value : null);
  return {
    ...budget,
    worstMs: ms(budget.worstMs),
    paths: budget.paths.map((path) => ({ ...path, worstMs: ms(path.worstMs) })),
  };
}

function readInput(
  input: { inline?: string | undefined; file?: string | undefined },
  cwd: string,
): JsonValue {
  if (input.inline !== undefined && input.file !== undefined) {
    throw new UsageError("give --input or --input-file, not both");
  }
  if (input.file !== undefined) return readJsonFile(path.resolve(cwd, input.file), "input file");
  return input.inline === undefined ? {} : parseJsonArgument(input.inline, "--input");
}
