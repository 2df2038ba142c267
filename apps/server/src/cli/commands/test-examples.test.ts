import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dispatch } from "../dispatch";

/** Every shipped example has a scenario file, and `sagaflow test` passes it (this runs in `npm test`). */

const examples = fileURLToPath(new URL("../../../../../examples/", import.meta.url));
const definitions = readdirSync(examples).filter((name) => name.endsWith(".json"));
const scenarioFiles = readdirSync(path.join(examples, "scenarios")).filter((name) => name.endsWith(".json"));

describe("the examples' scenarios", { timeout: 30_000 }, () => {
  it("cover every example", () => {
    expect(definitions.length).toBeGreaterThanOrEqual(5);
    expect(scenarioFiles.sort()).toEqual(definitions.sort());
  });

  it.each(scenarioFiles)("sagaflow test examples/scenarios/%s passes", async (file) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await dispatch(["test", `examples/scenarios/${file}`], {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      cwd: path.resolve(examples, ".."),
    });
    expect(err).toEqual([]);
    expect(out.at(-1)).toMatch(/^\d+ passed, 0 failed$/);
    expect(code).toBe(0);
  });
});
