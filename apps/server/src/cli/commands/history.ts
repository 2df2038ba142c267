import type { RunEvent } from "@sagaflow/shared";
import { parseCommandArgs, requireDb } from "../args";
import { EXIT } from "../exit-codes";
import { historyLine } from "../history-lines";
import type { CliIo } from "../io";
import { openStore, requireRun } from "../session";

const OPTIONS = { db: { type: "string" }, json: { type: "boolean" } } as const;

/** `sagaflow history <runId> --db F [--json]`: the run's events, oldest first, as committed. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS, ["runId"]);
  const runId = positionals[0] as string;
  const store = openStore(requireDb(values.db, "history"), { create: false, cwd: io.cwd });
  try {
    await requireRun(store, runId);
    const events = await store.getHistory(runId);
    if (values.json) {
      io.out(JSON.stringify({ runId, events }));
    } else {
      for (const stored of events) {
        io.out(historyLine({ seq: stored.seq, at: stored.at, event: stored.event as RunEvent }));
      }
    }
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
