import { Engine, type RunStore } from "@sagaflow/engine";
import { parseCommandArgs, requireDb } from "../args";
import { EXIT } from "../exit-codes";
import type { CliIo } from "../io";
import { openStore } from "../session";

const OPTIONS = { db: { type: "string" }, json: { type: "boolean" } } as const;

/** `sagaflow verify --db F`: checks every run's hash chain and that its checkpoint is the fold of its history. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(argv, OPTIONS, []);
  const store = openStore(requireDb(values.db, "verify"), { create: false, cwd: io.cwd });
  // Verifying reads only: the engine is used for its checks and never drives a run here.
  const engine = new Engine({ store, actions: [] });
  try {
    const reports = [];
    for (const runId of await allRunIds(store)) {
      const verdict = await engine.verify(runId).catch((error: unknown) => ({
        ok: false as const,
        lastGoodSeq: 0,
        badSeq: null,
        reason: `unreadable: ${error instanceof Error ? error.message : String(error)}`,
      }));
      reports.push({ runId, ...verdict });
      if (values.json) continue;
      if (verdict.ok) io.out(`ok       ${runId} (${verdict.lastSeq} events)`);
      else io.out(`CORRUPT  ${runId}: ${verdict.reason}; last good event ${verdict.lastGoodSeq}`);
    }
    const corrupt = reports.filter((report) => !report.ok).length;
    if (values.json) io.out(JSON.stringify({ ok: corrupt === 0, runs: reports }));
    else
      io.out(
        corrupt === 0 ? `${reports.length} runs verified` : `${corrupt} of ${reports.length} runs corrupt`,
      );
    return corrupt === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await engine.close();
    await store.close();
  }
}

async function allRunIds(store: RunStore): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRuns(cursor === undefined ? { limit: 500 } : { limit: 500, cursor });
    ids.push(...page.runs.map((run) => run.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return ids;
}
