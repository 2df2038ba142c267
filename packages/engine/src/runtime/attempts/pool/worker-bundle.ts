import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

/**
 * The pool's worker as one plain JavaScript file, bundled by esbuild from the TypeScript sources the first
 * time a process needs it (about 0.1 s) and cached by content. A worker thread then starts in tens of
 * milliseconds instead of loading TypeScript through tsx (seconds on a loaded machine): a step that is
 * retried after its thread was terminated, or recovered after a restart, is not kept waiting.
 * Third-party packages stay external (native modules, tsx for custom action modules).
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, "action-worker.ts");
const engineRoot = path.resolve(here, "../../../..");

let bundled: Promise<string> | undefined;

export function workerBundle(): Promise<string> {
  bundled ??= bundle();
  return bundled;
}

async function bundle(): Promise<string> {
  const manifest = JSON.parse(readFileSync(path.join(engineRoot, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const external = Object.keys(manifest.dependencies)
    .filter((name) => !name.startsWith("@sagaflow/"))
    .flatMap((name) => [name, `${name}/*`]);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    external: [...external, "tsx", "tsx/*"],
    logLevel: "silent",
  });
  const code = result.outputFiles[0]?.text ?? "";
  const digest = createHash("sha256").update(code).digest("hex").slice(0, 16);
  // Beside the engine, so bare imports of the external packages resolve from its node_modules.
  const dir = path.join(engineRoot, "node_modules", ".cache", "sagaflow-worker");
  const file = path.join(dir, `action-worker-${digest}.mjs`);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    const temp = path.join(dir, `.${digest}.${process.pid}.tmp`);
    writeFileSync(temp, code);
    renameSync(temp, file);
  }
  return file;
}
