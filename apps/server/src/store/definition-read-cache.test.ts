import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { RunStore } from "@sagaflow/engine";
import type { Definition } from "@sagaflow/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openServedStore } from "./served-store";

const at = "2026-01-01T00:00:00.000Z";
const greeting = (word: string): Definition => ({
  name: "greet",
  startAt: "say",
  states: {
    say: { type: "task", action: "transform", params: { value: word }, next: "done" },
    done: { type: "succeed" },
  },
});

describe("served SQLite store: definition reads kept in memory", () => {
  let dir: string;
  let store: RunStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "definition-cache-"));
    store = openServedStore(join(dir, "s.db"));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers a repeated read from memory, the same object", async () => {
    await store.saveDefinition(greeting("hi"), at);
    const first = await store.getDefinition("greet");
    expect(first?.version).toBe(1);
    expect(await store.getDefinition("greet")).toBe(first);
    expect(await store.getDefinition("greet", 1)).toBe(await store.getDefinition("greet", 1));
  });

  it("sees a new latest version once it is saved", async () => {
    await store.saveDefinition(greeting("hi"), at);
    expect((await store.getDefinition("greet"))?.version).toBe(1);
    await store.saveDefinition(greeting("hello"), at);
    const latest = await store.getDefinition("greet");
    expect(latest?.version).toBe(2);
    expect(latest?.definition.states.say).toMatchObject({ params: { value: "hello" } });
    expect((await store.getDefinition("greet", 1))?.version).toBe(1);
  });

  it("sees archiving and unarchiving", async () => {
    await store.saveDefinition(greeting("hi"), at);
    expect((await store.getDefinition("greet"))?.archived).toBe(false);
    expect((await store.getDefinition("greet", 1))?.archived).toBe(false);
    await store.archiveDefinition("greet", true);
    // An archived name has no latest version to start; its versions still read, marked archived.
    expect(await store.getDefinition("greet")).toBeUndefined();
    expect((await store.getDefinition("greet", 1))?.archived).toBe(true);
    await store.archiveDefinition("greet", false);
    expect((await store.getDefinition("greet"))?.archived).toBe(false);
    expect((await store.getDefinition("greet", 1))?.archived).toBe(false);
  });

  it("does not keep a read that raced a save of the same name", async () => {
    await store.saveDefinition(greeting("hi"), at);
    const racing = store.getDefinition("greet");
    const saved = store.saveDefinition(greeting("hello"), at);
    await Promise.all([racing, saved]);
    expect((await store.getDefinition("greet"))?.version).toBe(2);
  });

  it("keeps no answer for a name that does not exist yet", async () => {
    expect(await store.getDefinition("greet")).toBeUndefined();
    await store.saveDefinition(greeting("hi"), at);
    expect((await store.getDefinition("greet"))?.version).toBe(1);
  });
});
