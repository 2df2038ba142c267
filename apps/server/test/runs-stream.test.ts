import type { StoredEvent } from "@sagaflow/engine";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  approvalDefinition,
  collectRunEvents,
  eventually,
  helloDefinition,
  startTestServer,
  type TestServer,
} from "./helpers";

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t.stop());

const seqs = (events: StoredEvent[]) => events.map((e) => e.seq);

describe("save → start → subscribe over real HTTP", { timeout: 30_000 }, () => {
  it("streams every event in order up to the terminal one, matching the stored history", async () => {
    const saved = await t.client.definitions.save.mutate({ definition: helloDefinition() });
    expect(saved).toMatchObject({ name: "hello", version: 1 });

    const { runId } = await t.client.runs.start.mutate({ name: "hello", input: { who: "ada" } });
    const { events, ids } = await collectRunEvents(t.client, { runId });

    expect(events[0]?.event.type).toBe("RunStarted");
    expect(events.at(-1)?.event.type).toBe("RunSucceeded");
    expect(seqs(events)).toEqual(events.map((_, i) => i + 1));
    expect(ids).toEqual(events.map((e) => String(e.seq)));

    const history = await t.client.runs.history.query({ runId });
    expect(history.events).toEqual(events);
    expect(history.nextSeq).toBeNull();

    const got = await t.client.runs.get.query({ runId });
    expect(got.run.status).toBe("succeeded");
    expect(got.run.version).toBe(1);
    expect(got.definition?.name).toBe("hello");
    expect(got.stateFormat).toContain(`Workflow: hello v1 · run ${runId}`);
    expect((got.run.snapshot as { output: unknown }).output).toBe("hi ada");
  });

  it("a reconnect from seq N gets exactly the events after N", async () => {
    const { runId } = await t.client.runs.start.mutate({ name: "hello", input: { who: "bob" } });
    const full = await collectRunEvents(t.client, { runId });
    for (const n of [1, 3, full.events.length - 1]) {
      const resumed = await collectRunEvents(t.client, { runId, lastEventId: String(n) });
      expect(seqs(resumed.events)).toEqual(seqs(full.events).filter((seq) => seq > n));
      expect(resumed.events).toEqual(full.events.filter((e) => e.seq > n));
    }
  });

  it("a subscriber that reconnects mid-run misses nothing and sees nothing twice", async () => {
    await t.client.definitions.save.mutate({ definition: approvalDefinition() });
    const { runId } = await t.client.runs.start.mutate({ name: "wait-for-go" });
    // First connection: read until the run waits for its signal, then drop it.
    const first = await collectRunEvents(t.client, { runId }, (e) => e.event.type === "SignalAwaited");
    const lastSeen = first.events.at(-1)!.seq;
    // While nobody listens, the run moves on.
    await t.client.runs.signal.mutate({ runId, name: "go", payload: { ok: true } });
    const second = await collectRunEvents(t.client, { runId, lastEventId: String(lastSeen) });
    const all = [...first.events, ...second.events];
    expect(seqs(all)).toEqual(all.map((_, i) => i + 1));
    expect(second.events.at(-1)?.event.type).toBe("RunSucceeded");
    expect(all.find((e) => e.event.type === "SignalReceived")).toBeDefined();
  });

  it("a live subscription opened before the run moves sees events as they commit", async () => {
    const { runId } = await t.client.runs.start.mutate({ name: "wait-for-go" });
    const live = collectRunEvents(t.client, { runId });
    await eventually(
      () => t.client.runs.get.query({ runId }),
      (r) => r.run.status === "waiting",
    );
    await t.client.runs.signal.mutate({ runId, name: "go" });
    const { events } = await live;
    expect(seqs(events)).toEqual(events.map((_, i) => i + 1));
    expect(events.at(-1)?.event.type).toBe("RunSucceeded");
  });

  it("runs.changes pushes run summaries as runs commit", async () => {
    const changes: { kind: string; run?: { id: string; status: string; lastSeq: number } }[] = [];
    let opened!: () => void;
    const started = new Promise<void>((resolve) => (opened = resolve));
    const subscription = t.client.runs.changes.subscribe(undefined, {
      onStarted: () => opened(),
      onData: (change) => changes.push(change),
    });
    try {
      await started;
      const { runId } = await t.client.runs.start.mutate({ name: "hello", input: { who: "cy" } });
      const mine = await eventually(
        async () => changes.filter((c) => c.run?.id === runId),
        (list) => list.some((c) => c.run?.status === "succeeded"),
      );
      expect(mine[0]?.run?.status).toBe("running");
      const checkpoints = mine.map((c) => c.run!.lastSeq);
      expect(checkpoints).toEqual([...checkpoints].sort((a, b) => a - b));
      expect(new Set(checkpoints).size).toBe(checkpoints.length);
    } finally {
      subscription.unsubscribe();
    }
  });

  it("validates a definition too large for a URL when the query comes as POST", async () => {
    const states: Record<string, unknown> = {};
    for (let i = 0; i < 400; i++) {
      states[`step_${i}`] = {
        type: "task",
        action: "log",
        params: { message: `step ${i}` },
        next: `step_${i + 1}`,
      };
    }
    states.step_400 = { type: "succeed" };
    const definition = { name: "big", startAt: "step_0", states };
    expect(JSON.stringify(definition).length).toBeGreaterThan(30_000);
    const response = await fetch(`${t.server.url}/trpc/definitions.validate`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ definition }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { result: { data: { ok: boolean } } };
    expect(body.result.data.ok).toBe(true);
  });

  it("lists runs newest first, filtered and paged", async () => {
    const all = await t.client.runs.list.query({ limit: 500 });
    expect(all.runs.length).toBeGreaterThanOrEqual(4);
    const succeeded = await t.client.runs.list.query({ status: "succeeded", workflow: "hello" });
    expect(succeeded.runs.every((r) => r.status === "succeeded" && r.workflow === "hello")).toBe(true);
    const page1 = await t.client.runs.list.query({ limit: 2 });
    expect(page1.runs).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = await t.client.runs.list.query({ limit: 2, cursor: page1.nextCursor! });
    const ids = [...page1.runs, ...page2.runs].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(all.runs.slice(0, ids.length).map((r) => r.id));
    expect(page1.runs[0]).not.toHaveProperty("snapshot");
  });
});
