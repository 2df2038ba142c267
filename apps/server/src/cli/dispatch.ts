import type { CliError } from "./args";
import { EXIT } from "./exit-codes";
import type { CliIo, CommandMain } from "./io";

/**
 * `sagaflow <command> …` (SPEC §5). One file per command in ./commands, each exporting
 * `main(argv, io): Promise<exitCode>`; commands load lazily, so `validate` never opens SQLite.
 */

interface CommandEntry {
  usage: string;
  load(): Promise<{ main: CommandMain }>;
}

const COMMANDS: Record<string, CommandEntry> = {
  serve: {
    usage: "serve [--port 3000] [--host 127.0.0.1] [--db ./data/sagaflow.db]",
    load: () => import("./commands/serve"),
  },
  worker: {
    usage: "worker --db postgres://… [--concurrency 64] [--actions M] [--allow-path D]…",
    load: () => import("./commands/worker"),
  },
  validate: { usage: "validate <file> [--json] [--actions M]", load: () => import("./commands/validate") },
  run: {
    usage:
      "run <file> [--input JSON | --input-file F] [--db F] [--actions M] [--allow-path D]… [--no-wait] [--json]",
    load: () => import("./commands/run"),
  },
  resume: {
    usage: "resume <runId> --db F [--version N|latest] [--actions M] [--allow-path D]… [--json]",
    load: () => import("./commands/resume"),
  },
  resolve: {
    usage: "resolve <runId> [--state S] --output JSON --db F [--actions M] [--allow-path D]… [--json]",
    load: () => import("./commands/resolve"),
  },
  compensate: {
    usage: "compensate <runId> --db F [--actions M] [--allow-path D]… [--json]",
    load: () => import("./commands/compensate"),
  },
  diff: {
    usage: "diff <a> <b> [--db F] [--json]   (files, or name@N / name@latest from --db)",
    load: () => import("./commands/diff"),
  },
  recover: {
    usage: "recover --db F [--actions M] [--allow-path D]… [--json]",
    load: () => import("./commands/recover"),
  },
  status: { usage: "status <runId> --db F [--json]", load: () => import("./commands/status") },
  history: { usage: "history <runId> --db F [--json]", load: () => import("./commands/history") },
  signal: {
    usage: "signal <runId> <name> [--payload JSON] --db F",
    load: () => import("./commands/signal"),
  },
  verify: { usage: "verify --db F", load: () => import("./commands/verify") },
  test: {
    usage:
      "test <scenarios.json> [--json | --reporter junit] [--actions M]  ·  test --each-failure <definition> [--input JSON | --input-file F] [--json]",
    load: () => import("./commands/test"),
  },
};

export function usageText(): string {
  const lines = Object.values(COMMANDS).map((entry) => `  sagaflow ${entry.usage}`);
  return ["Usage:", ...lines].join("\n");
}

export async function dispatch(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "help" || name === "--help" || name === "-h") {
    (name === undefined ? io.err : io.out)(usageText());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    io.err(`sagaflow: unknown command "${name}"\n${usageText()}`);
    return EXIT.usage;
  }
  try {
    return await (await entry.load()).main(rest, io);
  } catch (error) {
    if (isCliError(error)) {
      io.err(`sagaflow ${name}: ${error.message}`);
      return error.exitCode;
    }
    if (isNamed(error, "UsageError")) {
      io.err(`sagaflow ${name}: ${error.message}\nUsage: sagaflow ${entry.usage}`);
      return EXIT.usage;
    }
    io.err(`sagaflow ${name}: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failed;
  }
}

/**
 * By name, not instanceof: the built command line bundles each command on its own (scripts/build-cli.mjs),
 * so a command's CliError is its bundle's copy of the class, not the dispatcher's.
 */
const isNamed = (error: unknown, name: string): error is Error =>
  error instanceof Error && error.name === name;
const isCliError = (error: unknown): error is CliError =>
  isNamed(error, "CliError") && typeof (error as CliError).exitCode === "number";
