import { describe, expect, it } from "vitest";
import type { ActionCatalog } from "../diagnostics";
import type { DiagnosticCode } from "./codes";
import { definitionOf, testCatalog } from "./testing/fixtures";
import { validateDefinition } from "./validate";

/** One definition that must raise a code and a close one that must not. `Record` keeps every code covered. */
interface Case {
  input: unknown;
  actions?: ActionCatalog;
}
const end = { type: "succeed" };
const log = (extra: Record<string, unknown> = {}) => ({
  type: "task",
  action: "log",
  params: { message: "hi" },
  ...extra,
});
const looped: Record<string, unknown> = { type: "succeed" };
const cyclic = definitionOf({ done: looped });
looped.output = cyclic;

const cases: Record<DiagnosticCode, { failing: Case; passing: Case }> = {
  "invalid-structure": {
    failing: { input: definitionOf({ a: { type: "task", next: "b" }, b: end }) },
    passing: { input: definitionOf({ a: log({ next: "b" }), b: end }) },
  },
  "reserved-key": {
    failing: {
      input: JSON.parse(
        '{"name":"p","startAt":"a","states":{"a":{"type":"succeed"},"__proto__":{"type":"succeed"}}}',
      ),
    },
    passing: { input: definitionOf({ a: end, proto: end }, { startAt: "a" }) },
  },
  "missing-start": {
    failing: { input: definitionOf({ a: end }, { startAt: "nowhere" }) },
    passing: { input: definitionOf({ a: end }, { startAt: "a" }) },
  },
  "unknown-target": {
    failing: { input: definitionOf({ a: log({ next: "missing" }), b: end }) },
    passing: { input: definitionOf({ a: log({ next: "b" }), b: end }) },
  },
  "cross-scope-transition": {
    failing: {
      input: definitionOf({
        p: {
          type: "parallel",
          branches: { one: { startAt: "x", states: { x: log({ next: "done" }) } } },
          next: "done",
        },
        done: end,
      }),
    },
    passing: {
      input: definitionOf({
        p: {
          type: "parallel",
          branches: { one: { startAt: "x", states: { x: log({ end: true }) } } },
          next: "done",
        },
        done: end,
      }),
    },
  },
  "target-is-compensation": {
    failing: {
      input: definitionOf({ a: log({ next: "undo" }), undo: { type: "compensation", action: "log" } }),
    },
    passing: {
      input: definitionOf({
        a: log({ compensateWith: "undo", end: true }),
        undo: { type: "compensation", action: "log" },
      }),
    },
  },
  "not-a-compensation": {
    failing: { input: definitionOf({ a: log({ compensateWith: "b", next: "b" }), b: end }) },
    passing: {
      input: definitionOf({
        a: log({ compensateWith: "undo", next: "b" }),
        b: end,
        undo: { type: "compensation", action: "log" },
      }),
    },
  },
  "duplicate-state-id": {
    failing: {
      input: definitionOf({
        p: { type: "parallel", branches: { one: { startAt: "done", states: { done: end } } }, next: "done" },
        done: end,
      }),
    },
    passing: {
      input: definitionOf({
        p: {
          type: "parallel",
          branches: { one: { startAt: "inner", states: { inner: end } } },
          next: "done",
        },
        done: end,
      }),
    },
  },
  "no-way-out": {
    failing: { input: definitionOf({ a: log() }) },
    passing: { input: definitionOf({ a: log({ end: true }) }) },
  },
  "next-and-end": {
    failing: { input: definitionOf({ a: log({ next: "b", end: true }), b: end }) },
    passing: { input: definitionOf({ a: log({ next: "b" }), b: end }) },
  },
  "choice-without-otherwise": {
    failing: {
      input: definitionOf({ c: { type: "choice", choices: [{ when: "{% true %}", next: "b" }] }, b: end }),
    },
    passing: {
      input: definitionOf({
        c: { type: "choice", choices: [{ when: "{% true %}", next: "b" }], otherwise: "b" },
        b: end,
      }),
    },
  },
  "wait-needs-one-timer": {
    failing: { input: definitionOf({ w: { type: "wait", next: "b" }, b: end }) },
    passing: { input: definitionOf({ w: { type: "wait", duration: "5m", next: "b" }, b: end }) },
  },
  "empty-parallel": {
    failing: { input: definitionOf({ p: { type: "parallel", branches: {}, end: true } }) },
    passing: {
      input: definitionOf({
        p: { type: "parallel", branches: { one: { startAt: "x", states: { x: end } } }, end: true },
      }),
    },
  },
  "bad-expression": {
    failing: { input: definitionOf({ a: { type: "succeed", output: "{% $input.a + %}" } }) },
    passing: { input: definitionOf({ a: { type: "succeed", output: "{% $input.a + 1 %}" } }) },
  },
  "expression-required": {
    failing: {
      input: definitionOf({
        c: { type: "choice", choices: [{ when: "yes", next: "b" }], otherwise: "b" },
        b: end,
      }),
    },
    passing: {
      input: definitionOf({
        c: { type: "choice", choices: [{ when: "{% $input.yes %}", next: "b" }], otherwise: "b" },
        b: end,
      }),
    },
  },
  "bad-time": {
    failing: { input: definitionOf({ w: { type: "wait", until: "tomorrow", next: "b" }, b: end }) },
    passing: {
      input: definitionOf({ w: { type: "wait", until: "2030-01-01T09:00:00Z", next: "b" }, b: end }),
    },
  },
  "unknown-action": {
    failing: { input: definitionOf({ a: { type: "task", action: "lgo", end: true } }), actions: testCatalog },
    passing: { input: definitionOf({ a: log({ end: true }) }), actions: testCatalog },
  },
  "invalid-params": {
    failing: {
      input: definitionOf({ a: log({ params: { message: 42 }, end: true }) }),
      actions: testCatalog,
    },
    passing: {
      input: definitionOf({ a: log({ params: { message: "{% $string(42) %}" }, end: true }) }),
      actions: testCatalog,
    },
  },
  "invalid-input-schema": {
    failing: { input: definitionOf({ a: end }, { inputSchema: { type: "objekt" } }) },
    passing: { input: definitionOf({ a: end }, { inputSchema: { type: "object", required: ["id"] } }) },
  },
  "unreachable-state": {
    failing: { input: definitionOf({ a: end, orphan: end }) },
    passing: { input: definitionOf({ a: log({ next: "b" }), b: end }) },
  },
  "missing-end-state": {
    failing: { input: definitionOf({ a: log({ next: "b" }), b: log({ next: "a" }) }) },
    passing: { input: definitionOf({ a: log({ next: "b" }), b: end }) },
  },
  "loop-without-exit": {
    failing: {
      input: definitionOf({
        a: { type: "choice", choices: [{ when: "{% $input.x %}", next: "b" }], otherwise: "done" },
        b: log({ next: "c" }),
        c: log({ next: "b" }),
        done: end,
      }),
    },
    passing: {
      input: definitionOf({
        a: log({ next: "c" }),
        c: { type: "choice", choices: [{ when: "{% $steps.a.done %}", next: "b" }], otherwise: "a" },
        b: end,
      }),
    },
  },
  "write-without-compensation": {
    failing: { input: definitionOf({ a: { type: "task", action: "sql.exec", effect: "write", end: true } }) },
    passing: {
      input: definitionOf({
        a: { type: "task", action: "sql.exec", effect: "write", compensateWith: null, end: true },
      }),
    },
  },
  "retry-non-idempotent-write": {
    failing: {
      input: definitionOf({
        a: {
          type: "task",
          action: "x",
          effect: "write",
          compensateWith: null,
          retry: { maxAttempts: 3 },
          end: true,
        },
      }),
    },
    passing: {
      input: definitionOf({
        a: {
          type: "task",
          action: "x",
          effect: "write",
          compensateWith: null,
          idempotent: true,
          retry: { maxAttempts: 3 },
          end: true,
        },
      }),
    },
  },
  "unreferenced-compensation": {
    failing: {
      input: definitionOf({ a: log({ end: true }), undo: { type: "compensation", action: "log" } }),
    },
    passing: {
      input: definitionOf({
        a: log({ end: true, compensateWith: "undo" }),
        undo: { type: "compensation", action: "log" },
      }),
    },
  },
  "internal-error": {
    failing: { input: cyclic },
    passing: { input: definitionOf({ done: { type: "succeed", output: { nested: { deep: [1, 2, 3] } } } }) },
  },
};

describe.each(Object.entries(cases))("diagnostic %s", (code, { failing, passing }) => {
  it("is reported for the failing case", () => {
    const result = validateDefinition(failing.input, { actions: failing.actions });
    expect(result.diagnostics.map((d) => d.code)).toContain(code);
  });

  it("is not reported for the passing case, which has no errors at all", () => {
    const result = validateDefinition(passing.input, { actions: passing.actions });
    expect(result.diagnostics.map((d) => d.code)).not.toContain(code);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(result.ok).toBe(true);
  });
});
