import { describe, expect, it } from "vitest";
import type { ActionCatalog } from "../diagnostics";
import { definitionOf, findings, testCatalog } from "./testing/fixtures";

const actions = testCatalog;
const task = (action: string, params: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "task",
  action,
  params,
  end: true,
  ...extra,
});
const db = { database: "app.db" };

describe("unknown-action", () => {
  it("names the action and suggests a close known one", () => {
    const [found] = findings(definitionOf({ a: task("sql.exc", db) }), "unknown-action", { actions });
    expect(found).toMatchObject({ stateId: "a", path: "$.states.a.action" });
    expect(found?.message).toContain('"sql.exc"');
    expect(found?.message).toContain('did you mean "sql.exec"');
  });

  it("checks compensation states the same way", () => {
    const states = {
      a: task("log", { message: "x" }, { compensateWith: "u" }),
      u: { type: "compensation", action: "restore.everything" },
    };
    expect(findings(definitionOf(states), "unknown-action", { actions }).map((d) => d.stateId)).toEqual([
      "u",
    ]);
  });

  it("checks nothing about actions without a catalog", () => {
    const definition = definitionOf({ a: task("made.up", { whatever: 1 }) });
    expect(findings(definition, "unknown-action")).toEqual([]);
    expect(findings(definition, "invalid-params")).toEqual([]);
  });
});

describe("invalid-params", () => {
  it("reports wrong types, missing and unknown params, each at its path", () => {
    const states = { a: task("sql.exec", { database: 7, extra: true }) };
    const found = findings(definitionOf(states), "invalid-params", { actions });
    expect(found.map((d) => d.path).sort()).toEqual([
      "$.states.a.params",
      "$.states.a.params",
      "$.states.a.params.database",
    ]);
    const messages = found.map((d) => d.message).join("\n");
    expect(messages).toContain('missing required param "sql"');
    expect(messages).toContain('unknown param "extra"');
  });

  it("accepts any value where a param, or something above it, is an expression", () => {
    const states = {
      a: task(
        "sql.exec",
        { database: "{% $steps.setup.db %}", sql: ["{% $input.statement %}", "SELECT 1"] },
        { next: "b", end: undefined },
      ),
      b: task("http.request", { url: "https://x.test", headers: "{% $input.headers %}" }),
    };
    expect(findings(definitionOf(states), "invalid-params", { actions })).toEqual([]);
  });

  it("still checks literal values next to expressions", () => {
    const states = { a: task("sql.exec", { database: "{% $input.db %}", sql: [42] }) };
    const found = findings(definitionOf(states), "invalid-params", { actions });
    expect(found.map((d) => d.path)).toContain("$.states.a.params.sql[0]");
  });

  it("checks the params of compensation states", () => {
    const states = {
      a: task("sql.exec", { ...db, sql: "UPDATE t SET x = 1" }, { compensateWith: "u" }),
      u: { type: "compensation", action: "sqlite.restore", params: db },
    };
    const [found] = findings(definitionOf(states), "invalid-params", { actions });
    expect(found).toMatchObject({ stateId: "u", path: "$.states.u.params" });
    expect(found?.message).toContain('"from"');
  });

  it("ignores an action whose schema cannot be compiled: that is the catalog's fault", () => {
    const broken: ActionCatalog = {
      odd: {
        name: "odd",
        description: "",
        effect: "none",
        params: { type: "object", properties: { a: { $ref: "#/nowhere" } } },
      },
    };
    expect(
      findings(definitionOf({ a: task("odd", { a: 1 }) }), "invalid-params", { actions: broken }),
    ).toEqual([]);
  });
});

describe("write-without-compensation", () => {
  it("uses the task's own effect, else the action's", () => {
    expect(
      findings(definitionOf({ a: task("x", {}, { effect: "write" }) }), "write-without-compensation"),
    ).toHaveLength(1);
    expect(
      findings(
        definitionOf({ a: task("sql.exec", { ...db, sql: "DELETE FROM t" }) }),
        "write-without-compensation",
        { actions },
      ),
    ).toHaveLength(1);
    expect(
      findings(
        definitionOf({ a: task("sql.exec", { ...db, sql: "SELECT 1" }, { effect: "none" }) }),
        "write-without-compensation",
        { actions },
      ),
    ).toEqual([]);
    expect(
      findings(definitionOf({ a: task("log", { message: "hi" }) }), "write-without-compensation", {
        actions,
      }),
    ).toEqual([]);
  });

  it("honours readOnlyWhen, including the param's default", () => {
    const request = (params: Record<string, unknown>) =>
      findings(
        definitionOf({ a: task("http.request", { url: "https://x.test", ...params }) }),
        "write-without-compensation",
        { actions },
      );
    expect(request({ method: "POST" })).toHaveLength(1);
    expect(request({ method: "GET" })).toEqual([]);
    expect(request({ method: "head" })).toEqual([]);
    expect(request({})).toEqual([]);
    expect(request({ method: "{% $input.method %}" })).toHaveLength(1);
  });

  it('is silenced by an explicit "compensateWith": null, and points at the task', () => {
    const [found] = findings(
      definitionOf({ a: task("x", {}, { effect: "write" }) }),
      "write-without-compensation",
    );
    expect(found).toMatchObject({ severity: "warning", stateId: "a", path: "$.states.a" });
    expect(found?.message).toContain('"compensateWith": null');
    expect(
      findings(
        definitionOf({ a: task("x", {}, { effect: "write", compensateWith: null }) }),
        "write-without-compensation",
      ),
    ).toEqual([]);
  });
});

describe("retry-non-idempotent-write", () => {
  const retried = (extra: Record<string, unknown>) =>
    findings(
      definitionOf({ a: task("x", {}, { compensateWith: null, retry: { maxAttempts: 3 }, ...extra }) }),
      "retry-non-idempotent-write",
    );

  it("warns on a retried write that is not idempotent, at maxAttempts", () => {
    expect(retried({ effect: "write" })[0]?.path).toBe("$.states.a.retry.maxAttempts");
  });

  it("is silent for idempotent writes, reads, and single attempts", () => {
    expect(retried({ effect: "write", idempotent: true })).toEqual([]);
    expect(retried({ effect: "none" })).toEqual([]);
    expect(retried({ effect: "write", retry: { maxAttempts: 1 } })).toEqual([]);
  });
});

describe("invalid-input-schema", () => {
  it("reports an inputSchema ajv cannot compile", () => {
    const [found] = findings(
      definitionOf({ a: { type: "succeed" } }, { inputSchema: { type: "object", minProperties: "two" } }),
      "invalid-input-schema",
    );
    expect(found?.path).toBe("$.inputSchema");
  });

  it("accepts draft-07 and 2020-12 schemas", () => {
    for (const $schema of [
      "http://json-schema.org/draft-07/schema#",
      "https://json-schema.org/draft/2020-12/schema",
    ]) {
      const definition = definitionOf(
        { a: { type: "succeed" } },
        { inputSchema: { $schema, type: "object" } },
      );
      expect(findings(definition, "invalid-input-schema")).toEqual([]);
    }
  });
});
