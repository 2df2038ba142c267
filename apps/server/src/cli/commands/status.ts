import { formatWorkflowState } from "@sagaflow/engine";
import type { RunEvent } from "@sagaflow/shared";
import { CliError, parseCommandArgs, requireDb } from "../args";
import { EXIT } from "../exit-codes";
import type { CliIo } from "../io";
import { runResult } from "../run-result";
import { openStore, requireRun } from "../session";

const OPTIONS = { db: { type: "string" }, json: { type: "boolean" } } as const;

/** `sagaflow status <runId> --db F [--json]`: the run in the Workflow State Format (SPEC §3). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, ["runId"]);
  const runId = positionals[0] as string;
  const store = openStore(requireDb(values.db, "status"), { create: false, cwd: io.cwd });
  try {
    const run = await requireRun(store, runId);
    const stored = await store.getDefinition(run.workflow, run.version);
    if (!stored) throw new CliError(`definition ${run.workflow} v${run.version} is missing`, EXIT.failed);
    const history = await store.getHistory(runId);
    const text = formatWorkflowState(stored.definition, run, history);
    if (values.json) {
      const result = runResult(
        run.snapshot,
        history.map((event) => event.event as RunEvent),
      );
      io.out(
        JSON.stringify({
          ...result,
          workflow: run.workflow,
          version: run.version,
          checkpoint: run.lastSeq,
          updatedAt: run.updatedAt,
          stateFormat: text,
        }),
      );
    } else {
      io.out(text);
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
