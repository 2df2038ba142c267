import { describe, expect, it } from "vitest";
import { validateDefinition } from "../validator/validate";
import { findReservedKeys } from "./reserved-keys";
import { jsonValueSchema } from "./schema";

const parse = (text: string): unknown => JSON.parse(text);
const codesOf = (input: unknown) => validateDefinition(input).diagnostics.map((d) => `${d.code} ${d.path}`);

describe("reserved keys are refused by name, never dropped", () => {
  it.each(["__proto__", "constructor", "prototype"])("as a state id: %s", (key) => {
    const definition = parse(`{"name":"p","startAt":"${key}","states":{"${key}":{"type":"succeed"}}}`);
    expect(codesOf(definition)).toEqual([`reserved-key $.states.${key}`]);
  });

  it("as a parallel branch name", () => {
    const definition = parse(
      '{"name":"p","startAt":"par","states":{"par":{"type":"parallel","next":"done","branches":{' +
        '"__proto__":{"startAt":"a","states":{"a":{"type":"succeed"}}},' +
        '"b":{"startAt":"b1","states":{"b1":{"type":"succeed"}}}}},"done":{"type":"succeed"}}}',
    );
    const result = validateDefinition(definition);
    expect(result.ok).toBe(false);
    expect(result.diagnostics[0]).toMatchObject({
      code: "reserved-key",
      path: "$.states.par.branches.__proto__",
      message: expect.stringContaining('"__proto__" cannot be a state id, branch name or key'),
    });
  });

  it("as a key in params, output or inputSchema", () => {
    const definition = parse(
      '{"name":"p","startAt":"t","inputSchema":{"properties":{"constructor":{}}},"states":{' +
        '"t":{"type":"task","action":"log","params":{"message":"x","meta":{"__proto__":{"polluted":true}}},"next":"d"},' +
        '"d":{"type":"succeed","output":{"prototype":1}}}}',
    );
    expect(codesOf(definition).sort()).toEqual([
      "reserved-key $.inputSchema.properties.constructor",
      "reserved-key $.states.d.output.prototype",
      "reserved-key $.states.t.params.meta.__proto__",
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("in JSON values (run input, signal payloads, operator outputs), with the path", () => {
    const result = jsonValueSchema.safeParse(parse('{"order":{"items":[{"__proto__":{"admin":true}}]}}'));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ["order", "items", 0, "__proto__"],
      message: expect.stringContaining('the key "__proto__" is reserved'),
    });
    expect(jsonValueSchema.safeParse(parse('{"proto":1,"Constructor":2}')).success).toBe(true);
  });

  it("finds them anywhere, cycles included", () => {
    const looped: Record<string, unknown> = parse('{"a":[{"prototype":1}]}') as Record<string, unknown>;
    looped.self = looped;
    expect(findReservedKeys(looped)).toEqual([{ key: "prototype", path: ["a", 0] }]);
  });
});
