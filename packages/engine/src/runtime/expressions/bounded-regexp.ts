import ivm from "isolated-vm";

/**
 * Regular expressions a definition supplies (JSON Schema `pattern`s of its inputSchema) run in a V8 isolate
 * with a hard time limit: a catastrophic pattern such as `^(a+)+$` on a 31-character input would otherwise
 * hold the orchestrator's thread for tens of seconds. The test runs synchronously, so one check can hold
 * this thread for at most the limit.
 */

export const DEFAULT_PATTERN_TIMEOUT_MS = 50;

export class PatternTimeoutError extends Error {
  override name = "PatternTimeout";
}

let sandbox: { isolate: ivm.Isolate; context: ivm.Context } | undefined;

function context(): ivm.Context {
  if (!sandbox || sandbox.isolate.isDisposed) {
    const isolate = new ivm.Isolate({ memoryLimit: 32 });
    sandbox = { isolate, context: isolate.createContextSync() };
  }
  return sandbox.context;
}

/** Something ajv can use as its RegExp engine (its `code.regExp` option): only `test` is needed. */
export interface BoundedRegExp {
  source: string;
  flags: string;
  toString(): string;
  test(text: string): boolean;
}

export function boundedRegExp(
  pattern: string,
  flags = "",
  timeoutMs = DEFAULT_PATTERN_TIMEOUT_MS,
): BoundedRegExp {
  // A bad pattern fails here, as `new RegExp` would.
  new RegExp(pattern, flags);
  return {
    source: pattern,
    flags,
    // ajv keys its compiled patterns by their text: without it every pattern would be the first one.
    toString: () => `/${pattern}/${flags}`,
    test(text: string): boolean {
      try {
        return context().evalClosureSync("return new RegExp($0, $1).test($2)", [pattern, flags, text], {
          arguments: { copy: true },
          result: { copy: true },
          timeout: timeoutMs,
        }) as boolean;
      } catch (error) {
        if (error instanceof Error && /timed out/i.test(error.message)) {
          throw new PatternTimeoutError(
            `the pattern ${pattern} took longer than ${timeoutMs} ms on a ${text.length}-character value`,
          );
        }
        throw error;
      }
    },
  };
}
