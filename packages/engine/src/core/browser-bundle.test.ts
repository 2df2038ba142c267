import { join } from "node:path";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/**
 * `@sagaflow/engine/core` is what the browser runs (the run view's fold, the simulator): it must bundle for
 * a browser with nothing left unresolved. A Node import that slips into core/ (or into what it takes from
 * @sagaflow/shared) fails here, before a user's Vite build does.
 */
describe("the core bundled for the browser", () => {
  it("bundles with no Node, SQLite or actions imports", async () => {
    const result = await build({
      entryPoints: [join(import.meta.dirname, "index.ts")],
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    expect(result.errors).toEqual([]);
    const inputs = Object.keys(result.metafile.inputs);
    const imports = Object.values(result.metafile.inputs).flatMap((input) =>
      input.imports.map((imported) => imported.path),
    );
    expect(imports.filter((path) => path.startsWith("node:"))).toEqual([]);
    expect([...inputs, ...imports].filter((path) => /better-sqlite3|drizzle-orm|piscina/.test(path))).toEqual(
      [],
    );
    expect(inputs.filter((path) => /engine\/src\/(actions|runtime|store)\//.test(path))).toEqual([]);
    // The pure core itself is in: the fold and decide, not an empty shell.
    expect(inputs.some((path) => path.endsWith("core/fold.ts"))).toBe(true);
    expect(inputs.some((path) => path.endsWith("core/decide.ts"))).toBe(true);
    // What the designer's Simulate mode runs: the pure built-ins and the in-thread JSONata evaluator.
    expect(inputs.some((path) => path.endsWith("core/pure-builtins.ts"))).toBe(true);
    expect(inputs.some((path) => path.endsWith("core/jsonata-evaluator.ts"))).toBe(true);
    const code = result.outputFiles[0]?.text ?? "";
    expect(code).not.toMatch(/require\(["'](fs|path|node:)/);
  });
});
