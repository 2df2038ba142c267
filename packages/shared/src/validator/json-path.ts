/** A location inside a JSON value: object keys and array indexes, outermost first. */
export type PathSegment = string | number;

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `["states", "a", "choices", 0, "next"]` → `$.states.a.choices[0].next`; odd keys are quoted: `$.params["x-y"]`. */
export function formatJsonPath(segments: readonly PathSegment[]): string {
  let path = "$";
  for (const segment of segments) {
    if (typeof segment === "number") path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += `.${segment}`;
    else path += `[${JSON.stringify(segment)}]`;
  }
  return path;
}

/** The id of the innermost state a path points into (`…states.<id>…`), if any. */
export function stateIdAt(segments: readonly PathSegment[]): string | undefined {
  let stateId: string | undefined;
  for (let i = 0; i + 1 < segments.length; i++) {
    const next = segments[i + 1];
    if (segments[i] === "states" && typeof next === "string") stateId = next;
  }
  return stateId;
}

/** Segments of a JSON Pointer (`/a/b~1c/0`), unescaped; numeric segments stay strings. */
export function parseJsonPointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}
