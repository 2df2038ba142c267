import { describe, expect, it } from "vitest";
import { atLevel, createJsonLogger, createLineLogger, LOG_LEVELS } from "./logger";

const traceIdOf = (runId: string) => `trace-of-${runId}`;

describe("loggers", () => {
  it("json: one object per line, level and ISO time, the fields, the run's trace id", () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ traceIdOf, write: (line) => lines.push(line) });
    logger.info("run started", { runId: "r1", workflow: "w" });
    logger.error("store refused\na commit", {});
    logger.warn("no run here");
    expect(lines.every((line) => line.endsWith("\n") && !line.slice(0, -1).includes("\n"))).toBe(true);
    const [started, refused, plain] = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(started).toEqual({
      level: "info",
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      runId: "r1",
      workflow: "w",
      traceId: "trace-of-r1",
      msg: "run started",
    });
    expect(refused).toMatchObject({ level: "error", msg: "store refused\na commit" });
    expect(plain).not.toHaveProperty("traceId");
  });

  it("human: the same fields, trace id included, on one readable line", () => {
    const lines: string[] = [];
    const logger = createLineLogger((line) => lines.push(line), traceIdOf);
    logger.warn("run suspended", { runId: "r2" });
    logger.info("seeded");
    expect(lines[0]).toMatch(/^\S+Z WARN {2}run suspended \{"runId":"r2","traceId":"trace-of-r2"\}$/);
    expect(lines[1]).toMatch(/^\S+Z INFO {2}seeded$/);
  });
});

describe("log levels", () => {
  it("drops the entries less severe than the level, before any formatting", () => {
    const written: string[] = [];
    const base = {
      info: (message: string) => written.push(`info ${message}`),
      warn: (message: string) => written.push(`warn ${message}`),
      error: (message: string) => written.push(`error ${message}`),
    };
    for (const level of LOG_LEVELS) {
      const logger = atLevel(base, level);
      logger.info("run started");
      logger.warn("run suspended");
      logger.error("store refused a commit");
    }
    expect(written).toEqual([
      "info run started",
      "warn run suspended",
      "error store refused a commit",
      "warn run suspended",
      "error store refused a commit",
      "error store refused a commit",
    ]);
  });
});
