import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { turnBufferedLines } from "./log-lines";

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe("turnBufferedLines", () => {
  it("writes the lines of one turn in one write, after the turn", async () => {
    const writes: string[] = [];
    const sink = turnBufferedLines((text) => writes.push(text));
    sink.write("a\n");
    sink.write("b\n");
    expect(writes).toEqual([]);
    await nextTurn();
    expect(writes).toEqual(["a\nb\n"]);
    sink.write("c\n");
    await nextTurn();
    expect(writes).toEqual(["a\nb\n", "c\n"]);
  });

  it("writes at once past 64 KiB queued, and flush() writes what is queued", () => {
    const writes: string[] = [];
    const sink = turnBufferedLines((text) => writes.push(text));
    const long = `${"x".repeat(40 * 1024)}\n`;
    sink.write(long);
    expect(writes).toEqual([]);
    sink.write(long);
    expect(writes).toEqual([long + long]);
    sink.write("tail\n");
    sink.flush();
    expect(writes.at(-1)).toBe("tail\n");
  });
});

/** A process that logs through the default (stderr) logger, then ends as `how` says, within the same turn. */
function logThenEnd(how: string): string {
  const logger = fileURLToPath(new URL("./logger.ts", import.meta.url));
  const script = `
    const { createLineLogger } = await import(${JSON.stringify(logger)});
    const log = createLineLogger();
    log.info("first line", { runId: "r1" });
    log.error("last line");
    ${how}
  `;
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    encoding: "utf8",
  });
  return child.stderr;
}

describe("the stderr logger at exit", () => {
  it("loses no line on process.exit in the turn that logged", () => {
    const stderr = logThenEnd("process.exit(3);");
    expect(stderr).toMatch(/INFO {2}first line \{"runId":"r1"\}\n.*ERROR last line\n/);
  });

  it("loses no line when the loop runs dry", () => {
    expect(logThenEnd("")).toMatch(/first line[^\n]*\n.*last line\n/);
  });

  it("loses no line on an uncaught exception", () => {
    const stderr = logThenEnd('throw new Error("boom");');
    expect(stderr).toMatch(/first line[^\n]*\n.*last line\n/);
    expect(stderr).toContain("boom");
  });
});
