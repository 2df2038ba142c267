import jsonata from "jsonata";

/*
 * JSONata checks its time limit between evaluation steps, so one native step that builds something huge
 * runs past it: a range of ten million numbers takes ~0.2 s (more on a busy machine) before the next check,
 * and `$pad('x', 3e8)` does not even fail cleanly (V8 aborts the whole process with "invalid size"). These
 * limits keep every single step small, so the in-process time limit holds to within a few milliseconds.
 * They bound time, not memory: many small steps can still fill the heap before the limit strikes (an
 * isolate with its own heap is the cure for that).
 */

/** The most numbers one range, or characters one `$pad`, may build. */
export const MAX_NATIVE_ITEMS = 1_000_000;

/** JSONata's own option: a longer range (or sequence JSONata grows item by item) fails with D2015. */
export const JSONATA_LIMITS = { sequence: MAX_NATIVE_ITEMS } as const;

type Pad = (str: string | undefined, width: number, char?: string) => string | undefined;

let builtinPad: Promise<Pad> | undefined;

/** JSONata's own `$pad`, so the guarded one behaves exactly like it below the limit. */
function padOf(): Promise<Pad> {
  builtinPad ??= (jsonata("$pad").evaluate({}) as Promise<{ implementation: Pad }>).then(
    (fn) => fn.implementation,
  );
  return builtinPad;
}

/** Replaces the built-ins of `expression` that can build a huge value in one step by bounded ones. */
export function limitNatives(expression: jsonata.Expression): void {
  expression.registerFunction(
    "pad",
    async (str: string | undefined, width: number, char?: string) => {
      if (Math.abs(width) > MAX_NATIVE_ITEMS) {
        throw new Error(`$pad to ${width} characters: at most ${MAX_NATIVE_ITEMS} are allowed`);
      }
      return (await padOf())(str, width, char);
    },
    "<s-ns?:s>",
  );
}
