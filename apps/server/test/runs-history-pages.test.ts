import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collectRunEvents, helloDefinition, startTestServer, type TestServer } from "./helpers";

/** `runs.history` pages forward (`afterSeq`) and backward (`beforeSeq`): the run view opens on the last page. */

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

describe("runs.history pages", { timeout: 30_000 }, () => {
  it("gives the last page with beforeSeq past the end, and walks back to the first", async () => {
    await t.client.definitions.save.mutate({ definition: helloDefinition("pages", "1ms") });
    const { runId } = await t.client.runs.start.mutate({ name: "pages", input: { who: "ada" } });
    const { events } = await collectRunEvents(t.client, { runId });
    const total = events.length;
    expect(total).toBeGreaterThan(4);

    const last = await t.client.runs.history.query({ runId, beforeSeq: 1_000_000, limit: 2 });
    expect(last.events.map((e) => e.seq)).toEqual([total - 1, total]);
    expect(last.nextSeq).toBeNull();
    expect(last.prevSeq).toBe(total - 1);

    const seen: number[] = [];
    let before: number | null = total + 1;
    while (before !== null) {
      const page: Awaited<ReturnType<typeof t.client.runs.history.query>> = await t.client.runs.history.query(
        { runId, beforeSeq: before, limit: 2 },
      );
      seen.unshift(...page.events.map((e) => e.seq));
      before = page.prevSeq;
    }
    expect(seen).toEqual(events.map((e) => e.seq));

    const middle = await t.client.runs.history.query({ runId, beforeSeq: 4, limit: 2 });
    expect(middle.events).toEqual(events.slice(1, 3));
    expect(middle.nextSeq).toBe(3);
    expect(middle.prevSeq).toBe(2);

    const forward = await t.client.runs.history.query({ runId, afterSeq: 0, limit: 2 });
    expect(forward.events).toEqual(events.slice(0, 2));
    expect(forward.nextSeq).toBe(2);
    expect(forward.prevSeq).toBeNull();
  });

  it("refuses bad page bounds with an error naming the field", async () => {
    const { runId } = await t.client.runs.start.mutate({ name: "pages", input: { who: "eve" } });
    for (const bad of [0, -1, 1.5, Number.NaN, "3"] as unknown[]) {
      await expect(
        t.client.runs.history.query({ runId, beforeSeq: bad as number }),
        String(bad),
      ).rejects.toThrow(/beforeSeq/);
    }
  });

  it("refuses afterSeq and beforeSeq together", async () => {
    const { runId } = await t.client.runs.start.mutate({ name: "pages", input: { who: "bob" } });
    await expect(t.client.runs.history.query({ runId, afterSeq: 1, beforeSeq: 3 })).rejects.toThrow(
      /afterSeq or beforeSeq/,
    );
  });
});
