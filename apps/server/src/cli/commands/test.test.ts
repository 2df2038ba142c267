import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDemoDatabase } from "../../../../../examples/db-migration/setup";
import { sagaflow as spawnSagaflow } from "../../../test/cli/cli-process";
import { dispatch } from "../dispatch";
import { readXml, type XmlElement } from "./test-xml-reader";

/**
 * `sagaflow test` against real files: the definitions name a real SQLite database, a real file and a real
 * HTTP server, which the simulated runs must leave untouched (effects are stubbed).
 */

const dir = mkdtempSync(path.join(tmpdir(), "sagaflow-test-cmd-"));
const database = path.join(dir, "orders.db");
const keepMe = path.join(dir, "keep-me.txt");
let requests = 0;
let server: Server;

async function sagaflow(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await dispatch(argv, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    cwd: dir,
  });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

function write(name: string, content: unknown): string {
  writeFileSync(
    path.join(dir, name),
    typeof content === "string" ? content : JSON.stringify(content, null, 2),
  );
  return name;
}

const scenarios = (definition: string, list: unknown[]) => ({ definition, scenarios: list });
const fingerprint = () =>
  [database, keepMe].map((file) => createHash("sha256").update(readFileSync(file)).digest("hex"));

beforeAll(async () => {
  server = createServer((_req, res) => {
    requests += 1;
    res.end("{}");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  createDemoDatabase(database);
  writeFileSync(keepMe, "still here");
  // reserve (pure, runs for real) → charge (HTTP) → approve (signal) → ship (SQL), each undone on failure
  write("saga.json", {
    name: "saga",
    timeout: "30m",
    startAt: "reserve",
    states: {
      reserve: {
        type: "task",
        action: "transform",
        effect: "write",
        params: { value: { reservation: "{% 'R-' & $input.id %}" } },
        compensateWith: "release",
        next: "charge",
      },
      charge: {
        type: "task",
        action: "http.request",
        params: { url: `${url}/charge`, method: "POST" },
        retry: { maxAttempts: 3, backoff: "exponential", initialDelay: "1s" },
        idempotent: true,
        compensateWith: "refund",
        next: "approve",
      },
      approve: { type: "signal", signal: "approval", timeout: "1h", onTimeout: "expired", next: "ship" },
      ship: {
        type: "task",
        action: "sql.exec",
        params: { database, sql: "DELETE FROM users" },
        timeout: "10s",
        compensateWith: "unship",
        next: "done",
      },
      done: {
        type: "succeed",
        output:
          "{% {'reservation': $steps.reserve.reservation, 'approvedBy': $steps.approve.by, 'shipped': $steps.ship} %}",
      },
      expired: { type: "fail", error: "ApprovalExpired", message: "nobody answered" },
      release: { type: "compensation", action: "log", params: { message: "released" } },
      refund: {
        type: "compensation",
        action: "http.request",
        params: { url: `${url}/refund`, method: "POST" },
      },
      unship: { type: "compensation", action: "file.delete", params: { path: keepMe } },
    },
  });
  // a map whose iterations can be undone, then a loop polling (with a real file delete) until done
  write("batch.json", {
    name: "batch",
    startAt: "each",
    states: {
      each: {
        type: "map",
        items: "{% $input.items %}",
        iterator: {
          startAt: "pack",
          states: {
            pack: {
              type: "task",
              action: "transform",
              params: { value: "{% $item %}" },
              compensateWith: "unpack",
              end: true,
            },
          },
        },
        next: "poll",
      },
      poll: {
        type: "task",
        action: "file.delete",
        params: { path: keepMe },
        compensateWith: null,
        next: "check",
      },
      check: {
        type: "choice",
        choices: [{ when: "{% $steps.poll = 'done' %}", next: "ok" }],
        otherwise: "poll",
      },
      ok: { type: "succeed", output: "{% $steps.each %}" },
      unpack: { type: "compensation", action: "sqlite.restore", params: { database, from: keepMe } },
    },
  });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const approved = { approve: { signal: { name: "approval", payload: { by: "ana" } } } };

describe("sagaflow test", { timeout: 60_000 }, () => {
  it("passes scenarios of every outcome kind and every expect field, touching no file and no server", async () => {
    const before = fingerprint();
    const files = readdirSync(dir).sort();
    write(
      "saga.scenarios.json",
      scenarios("saga.json", [
        {
          name: "signal: approved, every stub succeeds with null",
          input: { id: "1" },
          outcomes: approved,
          expect: {
            status: "succeeded",
            output: { reservation: "R-1", approvedBy: "ana", shipped: null },
            path: ["reserve", "charge", "approve", "ship", "done"],
            compensated: [],
            error: null,
            visits: { charge: 1, ship: 1, expired: 0 },
          },
        },
        {
          name: "output: ship answers with its own output",
          outcomes: { ...approved, ship: { output: { changes: 2 } } },
          expect: {
            status: "succeeded",
            output: { reservation: "R-", approvedBy: "ana", shipped: { changes: 2 } },
          },
        },
        {
          name: "fail: compensations run in reverse order (the real refund URL and file are never reached)",
          outcomes: { ...approved, ship: { fail: "NoCarrier", message: "no truck" } },
          expect: {
            status: "compensated",
            compensated: ["charge", "reserve"],
            error: { error: "NoCarrier", message: "no truck" },
          },
        },
        {
          name: "timeout: ship times out twice (10s, then 20s)",
          outcomes: { ...approved, ship: { timeout: true } },
          expect: { status: "compensated", error: "Timeout", compensated: ["charge", "reserve"] },
        },
        {
          name: "delay: 15s is over the 10s timeout but within the second, longer attempt",
          outcomes: { ...approved, ship: { delay: "15s", output: "late" } },
          expect: { status: "succeeded", output: { reservation: "R-", approvedBy: "ana", shipped: "late" } },
        },
        {
          name: "failTimes: charge fails twice, the third attempt succeeds",
          outcomes: { ...approved, charge: { failTimes: 2, fail: "Busy" } },
          expect: { status: "succeeded", visits: { charge: 1 } },
        },
        {
          name: "signal too late: the run's 30m deadline passes first",
          outcomes: { approve: { signal: { name: "approval" }, delay: "2h" } },
          expect: { status: "compensated", path: ["reserve", "charge", "approve"], error: "RunTimedOut" },
        },
      ]),
    );
    write(
      "batch.scenarios.json",
      scenarios("batch.json", [
        {
          name: "state[n]: the third poll reports done",
          input: { items: ["a", "b"] },
          outcomes: { "poll[3]": { output: "done" } },
          expect: { status: "succeeded", output: ["a", "b"], visits: { poll: 3, check: 3, pack: 2 } },
        },
        {
          name: "state[n] in a map: item 2 fails, items 1 and 0 are undone by scoped name",
          input: { items: ["a", "b", "c"] },
          outcomes: { "pack[2]": { fail: "Broken" } },
          expect: { status: "compensated", compensated: ["each[1]/pack", "each[0]/pack"], error: "Broken" },
        },
      ]),
    );
    const saga = await sagaflow("test", "saga.scenarios.json");
    expect(saga.stderr).toBe("");
    expect(saga.stdout).toContain("7 passed, 0 failed");
    expect(saga.code).toBe(0);
    const batch = await sagaflow("test", "batch.scenarios.json");
    expect(batch.stdout).toContain("2 passed, 0 failed");
    expect(batch.code).toBe(0);
    expect(requests).toBe(0);
    expect(fingerprint()).toEqual(before);
    expect(readdirSync(dir).sort()).toEqual([...files, "batch.scenarios.json", "saga.scenarios.json"].sort());
  });

  it("fails with exit 1 and a readable diff for each expectation not met", async () => {
    write(
      "wrong.scenarios.json",
      scenarios("saga.json", [
        { name: "right", input: { id: "1" }, outcomes: approved, expect: { status: "succeeded" } },
        {
          name: "everything wrong",
          input: { id: "1" },
          outcomes: { ...approved, ship: { fail: "NoCarrier", message: "no truck" } },
          expect: {
            status: "succeeded",
            output: { reservation: "R-2", extra: [1] },
            path: ["reserve", "ship"],
            compensated: ["reserve", "charge"],
            error: { error: "NoTruck", message: "no truck" },
            visits: { ship: 2, charge: 1 },
          },
        },
      ]),
    );
    const result = await sagaflow("test", "wrong.scenarios.json");
    expect(result.code).toBe(1);
    expect(result.stdout.split("\n")).toEqual([
      "wrong.scenarios.json: saga (saga.json), 2 scenarios",
      "  ✓ right (succeeded)",
      "  ✗ everything wrong (compensated)",
      "      status: expected succeeded, got compensated",
      "      output:",
      '        output: expected {"reservation":"R-2","extra":[1]}, got null',
      "      path:",
      "        - expected reserve → ship",
      "        + actual   reserve → charge → approve → ship",
      "      compensated:",
      "        - expected reserve → charge",
      "        + actual   charge → reserve",
      "      error: expected error NoTruck, got NoCarrier: no truck",
      "      visits: ship: expected 2 visits, got 1",
      "1 passed, 1 failed",
    ]);
  });

  it("diffs outputs key by key", async () => {
    write(
      "output.scenarios.json",
      scenarios("saga.json", [
        {
          name: "output differs",
          input: { id: "7" },
          outcomes: { ...approved, ship: { output: { changes: 2, rows: ["a"] } } },
          expect: {
            output: { reservation: "R-7", approvedBy: "bob", shipped: { changes: 3, rows: ["a", "b"] } },
          },
        },
      ]),
    );
    const result = await sagaflow("test", "output.scenarios.json");
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      [
        "      output:",
        '        output.approvedBy: expected "bob", got "ana"',
        "        output.shipped.changes: expected 3, got 2",
        '        output.shipped.rows[1]: expected "b", missing',
      ].join("\n"),
    );
  });

  it("prints one JSON object with --json", async () => {
    const result = await sagaflow("test", "wrong.scenarios.json", "--json");
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      passed: number;
      failed: number;
      scenarios: {
        name: string;
        passed: boolean;
        mismatches: { field: string }[];
        actual: { status: string };
      }[];
    };
    expect(report).toMatchObject({ passed: 1, failed: 1 });
    expect(report.scenarios[1]?.mismatches.map((m) => m.field)).toEqual([
      "status",
      "output",
      "path",
      "compensated",
      "error",
      "visits",
    ]);
    expect(report.scenarios[1]?.actual.status).toBe("compensated");
  });

  it("writes well-formed JUnit XML with --reporter junit", async () => {
    write(
      "junit.scenarios.json",
      scenarios("saga.json", [
        { name: 'passes <"&">', outcomes: approved, expect: { status: "succeeded" } },
        { name: "fails", outcomes: approved, expect: { status: "failed", compensated: ["x"] } },
      ]),
    );
    const result = await sagaflow("test", "junit.scenarios.json", "--reporter", "junit");
    expect(result.code).toBe(1);
    const root = readXml(result.stdout);
    expect(root.name).toBe("testsuites");
    expect(root.attributes).toMatchObject({ tests: "2", failures: "1", errors: "0" });
    expect(root.children.map((child) => child.name)).toEqual(["testsuite"]);
    const suite = root.children[0] as XmlElement;
    expect(suite.attributes).toMatchObject({
      name: "saga",
      tests: "2",
      failures: "1",
      file: "junit.scenarios.json",
    });
    expect(suite.children.map((child) => child.name)).toEqual(["testcase", "testcase"]);
    const cases = suite.children;
    expect(cases.map((c) => c.attributes.name)).toEqual(['passes <"&">', "fails"]);
    expect(cases[0]?.children).toEqual([]);
    const failure = cases[1]?.children[0];
    expect(failure?.name).toBe("failure");
    expect(failure?.attributes.message).toBe("2 expectations not met");
    expect(failure?.text).toBe(
      [
        "status:",
        "  expected failed, got succeeded",
        "compensated:",
        "  - expected x",
        "  + actual   (none)",
      ].join("\n"),
    );
    expect(Number(cases[1]?.attributes.time)).toBeGreaterThanOrEqual(0);
  });

  it("refuses bad files with exit 64 before running anything", async () => {
    write("not-json.scenarios.json", '{ "definition": "saga.json",\n  "scenarios": [ }');
    write("broken.json", {
      name: "broken",
      startAt: "a",
      states: { a: { type: "task", action: "log", next: "ghost" } },
    });
    const cases: [string, unknown, RegExp][] = [
      ["not-json.scenarios.json", undefined, /is not valid JSON \(line 2, column 18\)/],
      ["shape.scenarios.json", { definition: "saga.json" }, /is not a scenario file:[\s\S]*scenarios/],
      [
        "field.scenarios.json",
        scenarios("saga.json", [{ name: "x", outcomes: { ship: { explode: true } }, expect: {} }]),
        /explode/,
      ],
      [
        "absent.scenarios.json",
        scenarios("absent.json", [{ name: "x", expect: {} }]),
        /cannot read definition .*absent\.json: ENOENT/,
      ],
      [
        "invalid.scenarios.json",
        scenarios("broken.json", [{ name: "x", expect: {} }]),
        /does not validate:[\s\S]*"ghost", which does not exist/,
      ],
      [
        "ghost.scenarios.json",
        scenarios("saga.json", [{ name: "x", outcomes: { shipp: { fail: "X" } }, expect: {} }]),
        /scenario "x": outcome "shipp": there is no state "shipp"/,
      ],
      [
        "kind.scenarios.json",
        scenarios("saga.json", [{ name: "x", outcomes: { done: { output: 1 } }, expect: {} }]),
        /"done" is a succeed state/,
      ],
      [
        "twice.scenarios.json",
        scenarios("saga.json", [
          { name: "x", expect: {} },
          { name: "x", expect: {} },
        ]),
        /scenario "x" is named twice/,
      ],
      [
        "visits.scenarios.json",
        scenarios("saga.json", [{ name: "x", expect: { visits: { nope: 1 } } }]),
        /expect.visits names no state "nope"/,
      ],
    ];
    for (const [file, content, message] of cases) {
      if (content !== undefined) write(file, content);
      const result = await sagaflow("test", file);
      expect({ file, code: result.code, stdout: result.stdout }).toEqual({ file, code: 64, stdout: "" });
      expect(result.stderr).toMatch(message);
    }
    const input = await sagaflow("test", "twice.scenarios.json", "--reporter", "tap");
    expect(input.code).toBe(64);
    expect(input.stderr).toMatch(/unknown reporter "tap"/);
  });

  it("exits with the same codes as a real process", async () => {
    const pass = await spawnSagaflow(dir, "test", "batch.scenarios.json");
    expect(pass.code).toBe(0);
    const fail = await spawnSagaflow(dir, "test", "wrong.scenarios.json");
    expect(fail.code).toBe(1);
    expect(fail.stdout).toContain("✗ everything wrong");
    const bad = await spawnSagaflow(dir, "test", "ghost.scenarios.json");
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('there is no state "shipp"');
  });
});

describe("sagaflow test --each-failure", { timeout: 60_000 }, () => {
  it("tabulates each task failing, what was undone, and the timeout budget over the deadline", async () => {
    const before = fingerprint();
    const result = await sagaflow("test", "--each-failure", "saga.json", "--input", '{"id":"9"}');
    expect(result.stderr).toBe("");
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(
      "What if each task fails? saga: 3 tasks, each failing with SimulatedFailure after its retries",
    );
    const row = (task: string) => lines.find((line) => line.startsWith(`${task} `))?.split(/\s{2,}/);
    expect(row("reserve")).toEqual(["reserve", "compensated", "—", "—", "reserve"]);
    expect(row("charge")).toEqual(["charge", "compensated", "1. reserve", "—", "reserve → charge"]);
    // without an approval the signal times out: ship is never reached
    expect(row("ship")?.[1]).toBe("not reached");
    expect(result.stdout).toContain(
      "⚠ warning: the worst case (1h 10m) exceeds the workflow's timeout of 30m",
    );
    expect(result.code).toBe(0);
    expect(requests).toBe(0);
    expect(fingerprint()).toEqual(before);
  });

  it("exits 1 when a completed write is left undone, and prints JSON with --json", async () => {
    write("leaky.json", {
      name: "leaky",
      startAt: "write_it",
      states: {
        write_it: {
          type: "task",
          action: "sql.exec",
          params: { database, sql: "DELETE FROM users" },
          next: "then_fail",
        },
        then_fail: { type: "task", action: "log", params: { message: "x" }, end: true },
      },
    });
    const table = await sagaflow("test", "--each-failure", "leaky.json");
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/then_fail\s+compensated\s+—\s+⚠ write_it\s+write_it → then_fail/);
    const json = await sagaflow("test", "--each-failure", "leaky.json", "--json");
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      tasks: { stateId: string; uncompensated: unknown[] }[];
      budget: { worstMs: number | null; paths: unknown[] };
    };
    expect(report.tasks[1]).toMatchObject({
      stateId: "then_fail",
      uncompensated: [{ name: "write_it", declaredNoUndo: false }],
    });
    expect(report.budget.worstMs).toBe(360_000);
  });

  it("refuses an invalid definition or input with 64", async () => {
    expect((await sagaflow("test", "--each-failure", "broken.json")).code).toBe(64);
    const input = await sagaflow("test", "--each-failure", "saga.json", "--input", "{oops");
    expect(input.code).toBe(64);
    expect(input.stderr).toMatch(/--input is not valid JSON/);
    const both = await sagaflow(
      "test",
      "--each-failure",
      "saga.json",
      "--input",
      "{}",
      "--input-file",
      "x.json",
    );
    expect(both.stderr).toMatch(/not both/);
    expect(both.code).toBe(64);
    write("input.json", { id: "9" });
    const fromFile = await sagaflow(
      "test",
      "--each-failure",
      "saga.json",
      "--input-file",
      "input.json",
      "--json",
    );
    expect(fromFile.code).toBe(0);
    expect(JSON.parse(fromFile.stdout)).toMatchObject({ definition: "saga" });
  });
});
