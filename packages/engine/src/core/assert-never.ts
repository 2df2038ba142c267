/**
 * The `default` of a switch over a closed union: the argument is `never` once every member is handled, so
 * adding a member (a new `RunEvent` type) fails to compile at every switch that forgets it.
 */
export function assertNever(value: never, what = "value"): never {
  const seen: unknown = value;
  const type = typeof seen === "object" && seen !== null && "type" in seen ? seen.type : seen;
  throw new Error(`Unhandled ${what}: ${String(type)}`);
}
