import { describe, expect, it } from "vitest";
import { Slots } from "./slots";
import { parseWorkflowLimits, WorkflowSlots } from "./workflow-slots";

describe("WorkflowSlots", () => {
  it("lets at most N handlers of a limited workflow run, others up to the process's limit", async () => {
    const slots = new WorkflowSlots(new Slots(3), { migrate: 1 });
    const signal = new AbortController().signal;
    await slots.acquire(signal, "migrate");
    let second = false;
    const waiting = slots.acquire(signal, "migrate").then(() => (second = true));
    await slots.acquire(signal, "orders");
    await slots.acquire(signal, "orders");
    await Promise.resolve();
    expect(second).toBe(false);
    expect(slots.load("migrate")).toEqual({ running: 1, queued: 1 });
    slots.release("migrate");
    await waiting;
    expect(second).toBe(true);
  });

  it("gives its workflow slot back when the process slot's wait is aborted", async () => {
    const process = new Slots(1);
    const slots = new WorkflowSlots(process, { migrate: 1 });
    await slots.acquire(new AbortController().signal, "other");
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal, "migrate");
    await Promise.resolve();
    controller.abort();
    await expect(waiting).rejects.toThrow();
    expect(slots.load("migrate")).toEqual({ running: 0, queued: 0 });
  });

  it("parses name=N pairs and refuses anything else", () => {
    expect(parseWorkflowLimits(["db-migration=1", " orders=4"])).toEqual({ "db-migration": 1, orders: 4 });
    expect(() => parseWorkflowLimits(["orders"])).toThrow(/name=N/);
    expect(() => parseWorkflowLimits(["orders=0"])).toThrow(/name=N/);
    // Hostile values: no prototype keys, no exponents, signs or fractions.
    for (const bad of ["__proto__=1", "orders=1e3", "orders=-1", "orders=1.5", "=2", "orders=", "a=1;b=2"]) {
      expect(() => parseWorkflowLimits([bad]), bad).toThrow(/name=N/);
    }
    expect(Object.getPrototypeOf(parseWorkflowLimits(["constructor=2"]))).toBe(Object.prototype);
  });
});
