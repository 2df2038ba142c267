#!/usr/bin/env node
// The two README commands (`npm start`, `npm test`) land here: on a machine with only Node and npm,
// get the pinned pnpm, install the workspace, then start the product or run every test.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";

const root = new URL("..", import.meta.url).pathname;
const pinned = JSON.parse(readFileSync(`${root}package.json`, "utf8")).packageManager; // "pnpm@x.y.z"
const pinnedVersion = pinned.split("@")[1];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit", shell: false, ...options });
  return result.status ?? 1;
}
function pnpmVersion(command, prefix = []) {
  const result = spawnSync(command, [...prefix, "--version"], { cwd: root, encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The command (and leading args) that runs the pinned pnpm, installing it if needed. */
function findPnpm() {
  if (pnpmVersion("pnpm") === pinnedVersion) return ["pnpm"];
  run("corepack", ["enable", "pnpm"], { stdio: "ignore" });
  if (pnpmVersion("pnpm") === pinnedVersion) return ["pnpm"];
  if (
    run("npm", ["install", "--global", "--no-fund", "--no-audit", pinned]) === 0 &&
    pnpmVersion("pnpm") === pinnedVersion
  ) {
    return ["pnpm"];
  }
  return ["npx", "--yes", pinned];
}

const task = process.argv[2];
const [pnpm, ...prefix] = findPnpm();
const pnpmRun = (...args) => run(pnpm, [...prefix, ...args]);

let status = pnpmRun("install", "--frozen-lockfile");
if (status !== 0) process.exit(status);

if (task === "test") {
  status = pnpmRun("run", "test:all");
} else if (task === "start") {
  status = pnpmRun("run", "build");
  // The db-migration example runs against a demo SQLite file; make it on first start.
  if (status === 0 && !existsSync(`${root}examples/db-migration/demo.db`)) {
    status = pnpmRun("exec", "tsx", "examples/db-migration/setup.ts");
  }
  if (status === 0) status = pnpmRun("run", "sagaflow", "serve", ...process.argv.slice(3));
} else {
  console.error(`usage: node scripts/bootstrap.mjs start|test`);
  status = 64;
}
process.exit(status);
