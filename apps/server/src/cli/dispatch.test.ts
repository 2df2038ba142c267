import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { dispatch } from "./dispatch";

/**
 * The commands' answers to bad usage and bad input, in this process (the exit code `dispatch` returns is
 * the one the executable exits with; test/cli spawns the real process for the main paths). Real SQLite
 * files in a scratch directory.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const approval = path.resolve(here, "../../../../examples/approval.json");
const greetActions = path.join(here, "commands/fixtures/greet-actions.ts");
const cwd = mkdtempSync(path.join(tmpdir(), "sagaflow-dispatch-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function sagaflow(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await dispatch(argv, { out: (line) => out.push(line), err: (line) => err.push(line), cwd });
  return { code, stdout: out.join("\n"), stderr: err.join("\n") };
}

const failsOnce = path.join(cwd, "fails-once.json");
writeFileSync(
  failsOnce,
  JSON.stringify({
    name: "fails-once",
    startAt: "try_it",
    states: {
      try_it: { type: "task", action: "flaky", params: { failTimes: 1 }, onError: "abort", end: true },
    },
  }),
);

describe("sagaflow bad usage and bad input", { timeout: 30_000 }, () => {
  it("answers 64 with one clear line, prints nothing on stdout, creates nothing", async () => {
    const cases: [string[], RegExp][] = [
      [["run", failsOnce, "--input", "{oops"], /--input is not valid JSON \(column 2\)/],
      [["run", approval, "--input", '{"requestedBy":"x"}'], /missing required property "change"/],
      [["run", failsOnce, "--input", "{}", "--input-file", "x.json"], /not both/],
      [["run", failsOnce, "--input-file", "absent.json"], /cannot read input file .*absent\.json: ENOENT/],
      [["run", "absent.json"], /cannot read definition/],
      [["run", failsOnce, "--bogus"], /Unknown option '--bogus'/],
      [["run", failsOnce, "--actions", "absent-actions.ts"], /cannot load the actions module/],
      [["run"], /missing <file>/],
      [["status", "01NOSUCHRUN", "--db", "absent.db"], /no database at absent\.db/],
      [["history", "01NOSUCHRUN"], /history needs --db/],
      [["resume", "--db", "absent.db"], /missing <runId>/],
      [["recover", "--db", "absent.db"], /no database at absent\.db/],
      [["signal", "01NOSUCHRUN", "--db", "absent.db"], /missing <name>/],
      [["verify"], /verify needs --db/],
      [["verify", "--db", "absent.db", "extra"], /unexpected argument "extra"/],
      [["frobnicate"], /unknown command "frobnicate"/],
      [[], /Usage:/],
    ];
    for (const [args, message] of cases) {
      const result = await sagaflow(...args);
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({ args, code: 64, stdout: "" });
      expect(result.stderr).toMatch(message);
    }
    expect(existsSync(path.join(cwd, "absent.db"))).toBe(false);
  });

  it("refuses unknown runs, signals nobody can receive, and finished runs, changing nothing", async () => {
    const failed = await sagaflow("run", failsOnce, "--db", "runs.db", "--json");
    expect(failed.code).toBe(1);
    const { runId } = JSON.parse(failed.stdout) as { runId: string };
    for (const command of ["status", "history", "resume"]) {
      const result = await sagaflow(command, "01NOSUCHRUN", "--db", "runs.db");
      expect({ command, code: result.code, stderr: result.stderr }).toEqual({
        command,
        code: 64,
        stderr: `sagaflow ${command}: no run 01NOSUCHRUN in this database`,
      });
    }
    const before = (await sagaflow("history", runId, "--db", "runs.db", "--json")).stdout;
    const refusals: [string[], RegExp][] = [
      [["signal", "01NOSUCHRUN", "go", "--db", "runs.db"], /no run 01NOSUCHRUN/],
      [["signal", runId, "go", "--db", "runs.db"], /is failed; it takes no more signals/],
      [["signal", runId, "go", "--payload", "{x", "--db", "runs.db"], /--payload is not valid JSON/],
    ];
    for (const [args, message] of refusals) {
      const result = await sagaflow(...args);
      expect({ args, code: result.code }).toEqual({ args, code: 64 });
      expect(result.stderr).toMatch(message);
    }
    expect((await sagaflow("history", runId, "--db", "runs.db", "--json")).stdout).toBe(before);
  });

  it("waits with --no-wait (3), refuses a signal of another name (64), delivers the right one (0)", async () => {
    const waiting = await sagaflow(
      "run",
      approval,
      "--input",
      '{"change":"x"}',
      "--db",
      "approval.db",
      "--no-wait",
    );
    expect(waiting.code).toBe(3);
    const runId = /sagaflow signal (\S+)/.exec(waiting.stdout)?.[1] as string;
    const status = await sagaflow("status", runId, "--db", "approval.db", "--json");
    expect(JSON.parse(status.stdout)).toMatchObject({ status: "waiting", workflow: "approval" });
    const wrong = await sagaflow("signal", runId, "approve", "--db", "approval.db");
    expect(wrong.code).toBe(64);
    expect(wrong.stderr).toContain('never waits for a signal "approve": it waits for "approval"');
    const rejected = await sagaflow(
      "signal",
      runId,
      "approval",
      "--payload",
      '{"decision":"reject"}',
      "--db",
      "approval.db",
    );
    expect(rejected.code).toBe(0);
    expect(rejected.stdout).toContain("[COMPENSATED] Workflow ended at rejected");
    const history = JSON.parse(
      (await sagaflow("history", runId, "--db", "approval.db", "--json")).stdout,
    ) as {
      events: { seq: number; event: { type: string; by?: string } }[];
    };
    expect(history.events.map((stored) => stored.seq)).toEqual(history.events.map((_, index) => index + 1));
    expect(history.events.find((stored) => stored.event.type === "SignalReceived")?.event.by).toBe("cli");
  });

  it("runs custom actions from --actions, and confines file paths to the cwd plus each --allow-path", async () => {
    const greet = path.join(cwd, "greet.json");
    writeFileSync(
      greet,
      JSON.stringify({
        name: "greet",
        startAt: "hello",
        states: { hello: { type: "task", action: "greet", params: { name: "{% $input.who %}" }, end: true } },
      }),
    );
    const withoutModule = await sagaflow("run", greet, "--input", '{"who":"ana"}');
    expect(withoutModule.code).toBe(64);
    expect(withoutModule.stderr).toContain("greet");
    const greeted = await sagaflow(
      "run",
      greet,
      "--input",
      '{"who":"ana"}',
      "--actions",
      greetActions,
      "--json",
    );
    expect(greeted.code).toBe(0);
    expect(JSON.parse(greeted.stdout)).toMatchObject({
      status: "succeeded",
      output: { greeting: "hello ana" },
    });

    const outside = mkdtempSync(path.join(tmpdir(), "sagaflow-outside-"));
    try {
      const victim = path.join(outside, "victim.txt");
      writeFileSync(victim, "keep me");
      const remove = path.join(cwd, "remove.json");
      writeFileSync(
        remove,
        JSON.stringify({
          name: "remove",
          startAt: "remove_file",
          states: {
            remove_file: {
              type: "task",
              action: "file.delete",
              params: { path: victim },
              compensateWith: null,
              end: true,
            },
          },
        }),
      );
      const refused = await sagaflow("run", remove, "--db", "paths.db", "--json");
      expect(refused.code).toBe(1);
      expect(JSON.parse(refused.stdout)).toMatchObject({
        status: "compensated",
        error: { error: "ForbiddenPath" },
      });
      expect(existsSync(victim)).toBe(true);
      const allowed = await sagaflow("run", remove, "--db", "paths.db", "--allow-path", outside, "--json");
      expect(allowed.code).toBe(0);
      expect(existsSync(victim)).toBe(false);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});
