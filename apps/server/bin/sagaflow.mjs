#!/usr/bin/env node
// `sagaflow`: runs the built command line (dist/cli/<inputs hash>/main.mjs) with plain Node. When the
// sources changed since the last build, or nothing is built yet (a fresh clone), it builds first (about a
// second), so `pnpm sagaflow` never runs stale code. Set SAGAFLOW_CLI_ENTRY to run a given build as is.
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";

let entry = process.env.SAGAFLOW_CLI_ENTRY;
if (!entry) {
  const { cliInputsHash, entryFile } = await import("../scripts/cli-inputs.mjs");
  entry = entryFile(cliInputsHash());
  if (!existsSync(entry)) {
    const { buildCli } = await import("../scripts/build-cli.mjs");
    entry = await buildCli();
  }
}
await import(pathToFileURL(entry).href);
