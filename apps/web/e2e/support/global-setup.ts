import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const webDir = join(import.meta.dirname, "../..");

/** The newest modification time under a directory (files only). */
function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path));
    else latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds the web app when dist/ is missing or older than its sources (the server serves dist/). */
export default function setup() {
  const built = join(webDir, "dist/index.html");
  const sources = Math.max(
    newest(join(webDir, "src")),
    statSync(join(webDir, "index.html")).mtimeMs,
    newest(join(webDir, "../../packages/shared/src")),
    // The run view folds events with the engine's core.
    newest(join(webDir, "../../packages/engine/src/core")),
  );
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  // Vitest sets NODE_ENV=test, which would give React's development build: test what users get.
  const result = spawnSync("pnpm", ["exec", "vite", "build"], {
    cwd: webDir,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`vite build failed with status ${result.status}`);
}
