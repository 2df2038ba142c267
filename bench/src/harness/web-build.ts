import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import buildWebIfStale from "../../../apps/web/e2e/support/global-setup";

const webDir = join(import.meta.dirname, "../../../apps/web");

/** React's development build leaves `jsxDEV` in the bundle; the production build does not. */
function isDevelopmentBuild(): boolean {
  const assets = join(webDir, "dist/assets");
  return readdirSync(assets)
    .filter((file) => file.endsWith(".js"))
    .some((file) => readFileSync(join(assets, file), "utf8").includes("jsxDEV"));
}

/**
 * apps/web/dist as users get it: built with NODE_ENV=production. The e2e helper builds with the caller's
 * environment, and under Vitest (NODE_ENV=test) that is React's development build, several times slower
 * to render; a fresh dist built that way is rebuilt here, so the browser figures measure what ships.
 */
export function ensureProductionWebBuild(): void {
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = "production";
  try {
    buildWebIfStale();
    if (!isDevelopmentBuild()) return;
    const result = spawnSync("pnpm", ["exec", "vite", "build"], { cwd: webDir, stdio: "ignore" });
    if (result.status !== 0) throw new Error(`vite build failed with status ${result.status}`);
    if (isDevelopmentBuild()) throw new Error("apps/web/dist is still React's development build");
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}
