import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

/**
 * Every fold of `RunEvent` handles every event type, checked by the compiler: the engine's fold, the run
 * view's projections and event list, the CLI's progress lines, and the server's traces and metrics. The test compiles them twice with the
 * real TypeScript compiler: as they are (no error), and with one more event type added to the shared
 * union, as the next issue will (each fold must then fail to compile: `assertNever`, or a `Record` over
 * `RunEvent["type"]` that lacks the new key). A fold with a `default: break` would compile silently.
 */

const root = join(import.meta.dirname, "../../..");
const FOLDS: Record<string, string> = {
  "the engine's fold": "packages/engine/src/core/fold.ts",
  "the run view's projections": "apps/web/src/run/model/run-projections.ts",
  "the run view's event list": "apps/web/src/run/model/describe-event.ts",
  "the CLI's progress lines": "apps/server/src/cli/progress/progress-lines.ts",
  "the server's run traces": "apps/server/src/observability/run-trace.ts",
  "the server's metrics": "apps/server/src/observability/metrics.ts",
};
const EVENTS = join(root, "packages/shared/src/events.ts");
const UNION = "export type RunEvent = z.infer<typeof runEventSchema>;";
const WIDER = 'export type RunEvent = z.infer<typeof runEventSchema> | { type: "ProbeAdded" };';

function compilerOptions(): ts.CompilerOptions {
  const base = ts.readConfigFile(join(root, "tsconfig.base.json"), ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(base.config.compilerOptions, root);
  // The run view's files are browser code.
  return { ...options, lib: ["lib.es2023.d.ts", "lib.dom.d.ts"], noEmit: true };
}

/** The compiler's errors per fold file, with the event union as it is or with one more member. */
function errorsPerFold(widened: boolean, oldProgram?: ts.Program): [Record<string, string[]>, ts.Program] {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (widened && fileName === EVENTS) {
      const text = ts.sys.readFile(fileName) ?? "";
      if (!text.includes(UNION)) throw new Error(`${EVENTS} no longer declares RunEvent as "${UNION}"`);
      return ts.createSourceFile(fileName, text.replace(UNION, WIDER), languageVersion);
    }
    return read(fileName, languageVersion, onError, shouldCreate);
  };
  const files = Object.values(FOLDS).map((file) => join(root, file));
  const program = ts.createProgram({ rootNames: files, options, host, oldProgram });
  const errors: Record<string, string[]> = {};
  for (const [name, file] of Object.entries(FOLDS)) {
    const source = program.getSourceFile(join(root, file));
    if (!source) throw new Error(`${file} is not in the program`);
    errors[name] = ts
      .getPreEmitDiagnostics(program, source)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  }
  return [errors, program];
}

describe("every fold of RunEvent", () => {
  it("compiles as it is, and fails to compile once an event type is added and not handled", () => {
    const [now, program] = errorsPerFold(false);
    for (const name of Object.keys(FOLDS))
      expect({ fold: name, errors: now[name] }).toEqual({ fold: name, errors: [] });

    const [widened] = errorsPerFold(true, program);
    for (const name of Object.keys(FOLDS)) {
      expect({ fold: name, fails: widened[name]?.some((message) => message.includes("ProbeAdded")) }).toEqual(
        {
          fold: name,
          fails: true,
        },
      );
    }
  }, 120_000);
});
