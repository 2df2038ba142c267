// What the built command line is made from, and where it goes: shared by the build (build-cli.mjs) and
// the launcher (bin/sagaflow.mjs), which rebuilds whenever this hash changes.
import path from "node:path";
import { fingerprint } from "../../../scripts/bootstrap/stamp.mjs";

export const serverRoot = path.resolve(import.meta.dirname, "..");
export const repoRoot = path.resolve(serverRoot, "../..");
export const distDir = path.join(serverRoot, "dist", "cli");

/** Sizes and mtimes of the workspace sources the bundle reads, the lockfile, the build itself, the checkout's place. */
export function cliInputsHash() {
  return fingerprint(repoRoot, {
    dirs: ["apps/server/src", "packages/engine/src", "packages/shared/src"],
    files: [
      "pnpm-lock.yaml",
      "apps/server/package.json",
      "packages/engine/package.json",
      "packages/shared/package.json",
      "apps/server/scripts/build-cli.mjs",
      "apps/server/scripts/cli-inputs.mjs",
    ],
    // Third-party imports are absolute paths into this checkout's node_modules.
    extra: [repoRoot, process.version],
  }).slice(0, 16);
}

export const entryFile = (hash) => path.join(distDir, hash, "main.mjs");
