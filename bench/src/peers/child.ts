import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Scale } from "../types";
import { measurePeer } from "./measure";
import { type Peer, type PeerName, type PeerOptions, RESULT_PREFIX } from "./peer";

/**
 * One peer in one configuration, in a process of its own (DBOS is one per process; Restate needs its
 * own network namespace and a polyfill): `child.ts <peer> <on|off> <scale>`. Prints one line
 * `PEER-RESULT <json>` on stdout; anything else the peer prints is ignored.
 */

async function open(name: PeerName, options: PeerOptions): Promise<Peer> {
  switch (name) {
    case "sagaflow":
      return (await import("./sagaflow-peer")).openSagaflowPeer(options);
    case "xstate":
      return (await import("./xstate-peer")).openXstatePeer();
    case "dbos":
      return (await import("./dbos-peer")).openDbosPeer(options);
    case "restate":
      return (await import("./restate-peer")).openRestatePeer(options);
  }
}

async function main(): Promise<void> {
  const [name, fsync, scale] = process.argv.slice(2) as [PeerName, "on" | "off", Scale];
  const dir = mkdtempSync(join(tmpdir(), `sagaflow-peer-${name}-`));
  try {
    const peer = await open(name, { fsync: fsync === "on", dir });
    try {
      const measured = await measurePeer(peer, scale);
      process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(measured)}\n`);
    } finally {
      await peer.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
// DBOS and the Restate endpoint keep handles open: the measurement is printed, so end here.
process.exit(0);
