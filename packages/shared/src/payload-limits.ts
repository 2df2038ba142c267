/**
 * Limits on every value a run stores: run input, signal payloads, params after expressions, action
 * outputs (SPEC §8). A value is checked before it reaches the store or the orchestrator's JSON code, by
 * walks that never recurse, so a value nested 10,000 deep is refused instead of overflowing the stack.
 */

export interface PayloadLimits {
  /** The largest value as JSON text, in bytes (UTF-8). Step Functions' figure: 256 KiB. */
  maxBytes: number;
  /** The deepest nesting of arrays and objects. */
  maxDepth: number;
}

export const DEFAULT_PAYLOAD_LIMITS: PayloadLimits = { maxBytes: 256 * 1024, maxDepth: 64 };

/** The error a payload limit gives; its message names the value, the limit and the flag that sets it. */
export class PayloadLimitError extends Error {
  override name = "PayloadLimitExceeded";
}

export type PayloadCheck = { ok: true; json: string } | { ok: false; reason: string };

const kib = (bytes: number) => `${Math.round(bytes / 1024)} KiB`;

function tooLarge(what: string, bytes: number, limits: PayloadLimits): string {
  return `${what} is ${kib(bytes)}, over the ${kib(limits.maxBytes)} payload limit (--max-payload)`;
}

function tooDeep(what: string, limits: PayloadLimits): string {
  return `${what} nests deeper than ${limits.maxDepth} levels, the payload depth limit`;
}

function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) bytes += code > 0x7ff ? (code >= 0xd800 && code <= 0xdbff ? 1 : 2) : 1;
  }
  return bytes;
}

function describeKind(value: unknown): string | undefined {
  if (value === null) return undefined;
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : `the number ${value}`;
    case "bigint":
      return "a BigInt";
    case "function":
      return "a function";
    case "symbol":
      return "a symbol";
    case "undefined":
      return "undefined";
    default: {
      if (Array.isArray(value)) return undefined;
      const proto = Object.getPrototypeOf(value);
      if (proto === Object.prototype || proto === null) return undefined;
      return `a ${(value as object).constructor?.name ?? "class instance"}`;
    }
  }
}

/** One value on the walk's stack; its path is built only for an error message (it is rarely needed). */
interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: string | number;
  /** Set on the marker that takes `leave` off the current path once its children are done. */
  leave?: object;
}

function pathOf(frame: Frame): string {
  const keys: (string | number)[] = [];
  for (let at: Frame | undefined = frame; at?.parent; at = at.parent) keys.push(at.key);
  return `$${keys
    .reverse()
    .map((key) => `.${String(key)}`)
    .join("")}`;
}

/**
 * Checks that `value` is plain JSON within the limits (no BigInt, function, cycle, class instance,
 * non-finite number; not too deep; not too large) and returns its JSON text. `what` names it in errors.
 * It runs on every attempt's params and output, so the walk allocates one small frame per value and no
 * path strings.
 */
export function checkPayload(value: unknown, limits: PayloadLimits, what: string): PayloadCheck {
  // A scalar (many a step's output) needs no walk.
  if (value === null || typeof value === "boolean" || (typeof value === "number" && Number.isFinite(value)))
    return { ok: true, json: JSON.stringify(value) };
  // An explicit stack, entered and left, so cycles are caught on the current path only (a value shared
  // by two branches is fine JSON).
  const onPath = new Set<object>();
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, key: "" }];
  let bytes = 0;
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.leave) {
      onPath.delete(frame.leave);
      continue;
    }
    const inner = frame.value;
    if (typeof inner === "string") {
      bytes += inner.length;
      if (bytes > limits.maxBytes) return { ok: false, reason: tooLarge(what, bytes, limits) };
      continue;
    }
    const kind = describeKind(inner);
    if (kind) return { ok: false, reason: `${what} is not plain JSON: ${kind} at ${pathOf(frame)}` };
    if (inner === null || typeof inner !== "object") continue;
    if (frame.depth >= limits.maxDepth) return { ok: false, reason: tooDeep(what, limits) };
    if (onPath.has(inner))
      return { ok: false, reason: `${what} is not plain JSON: a cycle at ${pathOf(frame)}` };
    onPath.add(inner);
    stack.push({ value: undefined, depth: 0, parent: undefined, key: "", leave: inner });
    const depth = frame.depth + 1;
    if (Array.isArray(inner)) {
      for (let index = 0; index < inner.length; index += 1) {
        bytes += 4;
        if (bytes > limits.maxBytes) return { ok: false, reason: tooLarge(what, bytes, limits) };
        stack.push({ value: inner[index], depth, parent: frame, key: index });
      }
      continue;
    }
    for (const key of Object.keys(inner)) {
      bytes += 4;
      if (bytes > limits.maxBytes) return { ok: false, reason: tooLarge(what, bytes, limits) };
      // Object properties that JSON drops (undefined, functions) are refused too: nothing vanishes.
      stack.push({ value: (inner as Record<string, unknown>)[key], depth, parent: frame, key });
    }
  }
  const json = JSON.stringify(value);
  const size = utf8Length(json);
  if (size > limits.maxBytes) return { ok: false, reason: tooLarge(what, size, limits) };
  return { ok: true, json };
}

/** `checkPayload` that throws a PayloadLimitError. */
export function assertPayload(value: unknown, limits: PayloadLimits, what: string): string {
  const check = checkPayload(value, limits, what);
  if (!check.ok) throw new PayloadLimitError(check.reason);
  return check.json;
}

/** Nesting depth of JSON text, scanned without parsing (strings skipped), stopping past `limit`. */
export function jsonTextDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92)
        i += 1; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 93 || c === 125) depth -= 1;
  }
  return deepest;
}

/** JSON.parse, after the size and depth limits were checked on the text. Throws PayloadLimitError. */
export function parseBoundedJson(text: string, options: Partial<PayloadLimits> & { what: string }): unknown {
  const limits = { ...DEFAULT_PAYLOAD_LIMITS, ...options };
  const size = text.length > limits.maxBytes / 4 ? utf8Length(text) : text.length;
  if (size > limits.maxBytes) throw new PayloadLimitError(tooLarge(options.what, size, limits));
  if (jsonTextDepth(text, limits.maxDepth) > limits.maxDepth) {
    throw new PayloadLimitError(tooDeep(options.what, limits));
  }
  return JSON.parse(text);
}
