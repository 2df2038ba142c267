#!/usr/bin/env node
// The two README commands (`npm start`, `npm test`) land here: on a machine with only Node and npm,
// get the pinned pnpm, install the workspace, then start the product or run every test. A warm start
// (nothing changed since the last one) skips pnpm, the install and the build and starts the server.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ensureChromium } from "./bootstrap/chromium.mjs";
import { findPnpm } from "./bootstrap/pnpm.mjs";
import { buildInputDirs, fingerprint, readStamp, workspacePackages, writeStamp } from "./bootstrap/stamp.mjs";
import { failedTests, sumVitestTotals } from "./bootstrap/test-summary.mjs";

const root = path.resolve(import.meta.dirname, "..");
const pinned = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")).packageManager; // "pnpm@x.y.z"
const pinnedVersion = pinned.split("@")[1];
const log = (line) => console.error(`» ${line}`);
// No telemetry notice from turbo, and colours kept when turbo's output is piped through us.
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: "1",
  ...(process.stdout.isTTY ? { FORCE_COLOR: "1" } : {}),
};
const bin = (name) => path.join(root, "node_modules", ".bin", name);

let pnpmCommand;
function pnpm(...args) {
  pnpmCommand ??= findPnpm(pinnedVersion, log);
  const [command, ...prefix] = pnpmCommand;
  return spawnSync(command, [...prefix, ...args], { cwd: root, stdio: "inherit", env }).status ?? 1;
}

/** `pnpm install`, unless the lockfile, the manifests, Node and pnpm are what the last install saw. */
function install() {
  const stampFile = path.join(root, "node_modules", ".sagaflow-install-stamp");
  const manifests = workspacePackages(root).map((p) => path.join(p.dir, "package.json"));
  const inputs = () =>
    fingerprint(root, {
      files: ["pnpm-lock.yaml", "package.json", "pnpm-workspace.yaml", ...manifests],
      extra: [process.version, pinned],
    });
  if (existsSync(path.join(root, "node_modules", ".modules.yaml")) && readStamp(stampFile) === inputs())
    return 0;
  const status = pnpm("install", "--frozen-lockfile");
  if (status === 0) writeStamp(stampFile, inputs());
  return status;
}

/** `pnpm run build`, unless no file it reads changed since the last build and its output is there. */
function build() {
  const stampFile = path.join(root, "node_modules", ".sagaflow-build-stamp");
  const inputs = () =>
    fingerprint(root, { dirs: buildInputDirs(root), files: ["pnpm-lock.yaml", "turbo.json"] });
  const built = existsSync(path.join(root, "apps", "web", "dist", "index.html"));
  if (built && readStamp(stampFile) === inputs()) return 0;
  const status = pnpm("run", "build");
  // Taken after the build: it rewrites generated files (the definition JSON Schema) inside its inputs.
  if (status === 0) writeStamp(stampFile, inputs());
  return status;
}

async function start(args) {
  let status = install();
  if (status === 0) status = build();
  // The db-migration example runs against a demo SQLite file; make it on first start.
  if (status === 0 && !existsSync(path.join(root, "examples/db-migration/demo.db"))) {
    status =
      spawnSync(bin("tsx"), ["examples/db-migration/setup.ts"], { cwd: root, stdio: "inherit", env })
        .status ?? 1;
  }
  if (status !== 0) return status;
  // The server itself, without pnpm in between: Ctrl-C reaches it (it is in the terminal's process
  // group), it shuts down cleanly and we exit 0 with it, with no ELIFECYCLE from a package manager.
  // The built command line (apps/server/bin: rebuilt by the build above, or by itself if stale).
  const server = spawn(process.execPath, ["apps/server/bin/sagaflow.mjs", "serve", ...args], {
    cwd: root,
    stdio: "inherit",
    env,
  });
  // Ctrl-C reaches the server from the terminal; npm forwards it to us too. Wait for the server to stop,
  // and pass the stop on only if it seems not to have had it (a signal sent to npm or us alone).
  process.on("SIGINT", () =>
    setTimeout(() => server.exitCode === null && server.kill("SIGTERM"), 2000).unref(),
  );
  process.on("SIGTERM", () => server.kill("SIGTERM"));
  const [code, signal] = await new Promise((resolve) => server.on("exit", (...result) => resolve(result)));
  if (signal === "SIGINT" || signal === "SIGTERM" || code === 130) return 0;
  return code ?? 1;
}

/** Every package's tests, whatever happens in one of them; then one closing line. */
async function test(args) {
  const status = install();
  if (status !== 0) return status;
  const chromium = ensureChromium(log);
  const filters = args.filter((arg) => arg.startsWith("--filter"));
  const webSelected = filters.length === 0 || filters.some((arg) => arg.includes("@sagaflow/web"));
  const turboArgs = ["run", "test", "--continue", "--concurrency=1", ...args];
  // Without Chromium the browser tests cannot start: run the web app's unit tests alone, everything else
  // as usual, and fail at the end with what to install.
  if (!chromium.ok) turboArgs.push("--filter=!@sagaflow/web");
  let output = "";
  const runs = [await tee(bin("turbo"), turboArgs)];
  if (!chromium.ok && webSelected) {
    log("the web app's unit tests (its browser tests need Chromium)");
    const web = path.join(root, "apps", "web");
    runs.push(await tee(bin("vitest"), ["run"], web));
  }
  // The bootstrap's own tests (scripts/ is no workspace package, so turbo does not see it).
  if (filters.length === 0) runs.push(await tee(bin("vitest"), ["run", "--dir", "scripts"]));
  for (const run of runs) output += run.output;
  const { passed, failed } = sumVitestTotals(output);
  if (!chromium.ok) console.log(`browser tests not run: ${chromium.reason}`);
  for (const failure of failedTests(output)) console.log(`failed: ${failure}`);
  console.log(`${passed} passed, ${failed} failed`);
  return runs.some((run) => run.status !== 0) || !chromium.ok || failed > 0 ? 1 : 0;
}

/** Runs a command, showing its output as it comes and keeping a copy. */
function tee(command, args, cwd = root) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ["inherit", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
      process.stderr.write(chunk);
    });
    child.on("error", (error) => resolve({ status: 1, output: `${output}${error.message}\n` }));
    child.on("close", (code) => resolve({ status: code ?? 1, output }));
  });
}

const [task, ...args] = process.argv.slice(2);
if (task === "start") process.exit(await start(args));
else if (task === "test") process.exit(await test(args));
else {
  console.error("usage: node scripts/bootstrap.mjs start|test [args]");
  process.exit(64);
}
