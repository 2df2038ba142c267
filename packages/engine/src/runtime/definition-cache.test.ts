import type { Definition } from "@sagaflow/shared";
import { describe, expect, it } from "vitest";
import { openSqliteStore } from "../store/sqlite";
import { DefinitionCache } from "./definition-cache";

const at = () => "2026-01-01T00:00:00.000Z";
const definition = (value: string): Definition => ({
  name: "cached",
  startAt: "done",
  states: { done: { type: "succeed", output: value } },
});

describe("DefinitionCache", () => {
  it("runs a known definition as the latest version while it is the latest, else saves a new one", async () => {
    const store = openSqliteStore(":memory:");
    const cache = new DefinitionCache();
    expect((await cache.ensure(store, definition("a"), at)).version).toBe(1);
    expect((await cache.ensure(store, definition("a"), at)).version).toBe(1);
    await store.saveDefinition(definition("b"), at()); // another writer saves v2
    const again = await cache.ensure(store, definition("a"), at);
    expect(again.version).toBe(3);
    expect(again.definition).toEqual(definition("a"));
    await store.archiveDefinition("cached", true); // the latest is hidden: a start brings the name back
    expect((await cache.ensure(store, definition("a"), at)).version).toBe(4);
    expect((await store.listDefinitionVersions("cached")).map((v) => v.version)).toEqual([1, 2, 3, 4]);
  });

  it("finds a definition another engine stored, with the same content in another key order", async () => {
    const store = openSqliteStore(":memory:");
    await store.saveDefinition(definition("a"), at());
    const reordered = { states: definition("a").states, startAt: "done", name: "cached" } as Definition;
    expect((await new DefinitionCache().ensure(store, reordered, at)).version).toBe(1);
  });

  it("validates a changed definition again, even the same object edited in place", () => {
    const cache = new DefinitionCache();
    const edited = definition("a");
    expect(cache.invalid(edited, {})).toBeUndefined();
    expect(cache.invalid(edited, {})).toBeUndefined();
    edited.startAt = "nowhere";
    expect(cache.invalid(edited, {})?.ok).toBe(false);
    expect(cache.invalid(edited, {})?.ok).toBe(false);
    const cyclic: Record<string, unknown> = { name: "cyclic" };
    cyclic.self = cyclic;
    expect(cache.invalid(cyclic, {})?.ok).toBe(false);
  });
});
