import { describe, expect, it } from "vitest";
import { Slots } from "./slots";

describe("Slots", () => {
  it("runs at most `limit` at once and hands slots over in arrival order", async () => {
    const slots = new Slots(2);
    const order: string[] = [];
    await slots.acquire();
    await slots.acquire();
    const third = slots.acquire().then(() => order.push("third"));
    const fourth = slots.acquire().then(() => order.push("fourth"));
    expect(slots.queued).toBe(2);
    slots.release();
    await third;
    expect(order).toEqual(["third"]);
    expect(slots.running).toBe(2);
    slots.release();
    await fourth;
    expect(order).toEqual(["third", "fourth"]);
  });

  it("drops a waiter whose signal aborts, with the signal's reason", async () => {
    const slots = new Slots(1);
    await slots.acquire();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort(Object.assign(new Error("timed out"), { name: "Timeout" }));
    await expect(waiting).rejects.toMatchObject({ name: "Timeout" });
    expect(slots.queued).toBe(0);
    slots.release();
    expect(slots.running).toBe(0);
  });

  it("tells when nothing runs", async () => {
    const slots = new Slots(1);
    await slots.acquire();
    let idle = false;
    const whenIdle = slots.whenIdle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    slots.release();
    await whenIdle;
    expect(idle).toBe(true);
  });

  it("starts nothing once stopped, so shutdown only waits for running handlers", async () => {
    const slots = new Slots(1);
    await slots.acquire();
    slots.stopTaking();
    const controller = new AbortController();
    const queued = slots.acquire(controller.signal);
    const idle = slots.whenIdle();
    slots.release();
    await idle;
    expect(slots.running).toBe(0);
    controller.abort();
    await expect(queued).rejects.toThrow();
  });

  it("refuses a limit below one", () => {
    expect(() => new Slots(0)).toThrow(/positive integer/);
  });
});
