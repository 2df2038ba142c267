// The pinned pnpm, found or fetched once, never left half-working.
import { spawnSync } from "node:child_process";

// Read at each call: the environment (PATH) is the one of the moment, not of the import.
const quiet = () => ({
  encoding: "utf8",
  timeout: 20_000,
  env: { ...process.env, COREPACK_ENABLE_DOWNLOAD_PROMPT: "0" },
});

/** The version `command --version` prints, or undefined when it does not run. */
function versionOf(command, prefix = []) {
  const result = spawnSync(command, [...prefix, "--version"], quiet());
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * The command (and leading args) that runs pnpm `version`. Tried in order, each checked by running it:
 * pnpm already on PATH (the usual, warm case: one `pnpm --version`); corepack's shim, undone again
 * when it cannot fetch (offline, signature errors) so no broken `pnpm` is left on PATH; a global npm
 * install; npx as the last resort.
 */
export function findPnpm(version, log) {
  if (versionOf("pnpm") === version) return ["pnpm"];
  if (versionOf("corepack") !== undefined) {
    const enabled = spawnSync("corepack", ["enable", "pnpm"], quiet()).status === 0;
    if (enabled && versionOf("pnpm") === version) return ["pnpm"];
    if (enabled) {
      spawnSync("corepack", ["disable", "pnpm"], quiet());
      log(`corepack could not provide pnpm ${version}; its shim was removed again`);
    }
  }
  log(`installing pnpm ${version} with npm (once; later starts find it on PATH)`);
  const installed = spawnSync("npm", ["install", "--global", "--no-fund", "--no-audit", `pnpm@${version}`], {
    stdio: "inherit",
  });
  if (installed.status === 0 && versionOf("pnpm") === version) return ["pnpm"];
  return ["npx", "--yes", `pnpm@${version}`];
}
