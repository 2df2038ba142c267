import type { Definition } from "@sagaflow/shared";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CorruptDatabaseError } from "../../errors";
import { openSqliteStore, type SqliteRunStore } from "./sqlite-run-store";
import { at } from "./test-fixtures";
import { rawSqlite } from "./testing";

function definition(name: string, title?: string): Definition {
  return {
    name,
    ...(title ? { title, description: `${title}, described` } : {}),
    startAt: "done",
    states: { done: { type: "succeed" } },
  };
}

describe("SqliteRunStore definitions", () => {
  let store: SqliteRunStore;

  beforeEach(() => {
    store = openSqliteStore(":memory:");
  });
  afterEach(() => store.close());

  it("numbers versions from 1 per name and keeps each one immutable", async () => {
    const v1 = await store.saveDefinition(definition("order", "Order v1"), at(1));
    const v2 = await store.saveDefinition(definition("order", "Order v2"), at(2));
    const other = await store.saveDefinition(definition("approval"), at(3));
    expect([v1.version, v2.version, other.version]).toEqual([1, 2, 1]);
    expect((await store.getDefinition("order", 1))?.definition.title).toBe("Order v1");
    expect(await store.getDefinition("order")).toMatchObject({
      version: 2,
      createdAt: at(2),
      archived: false,
    });
    expect((await store.listDefinitionVersions("order")).map((stored) => stored.version)).toEqual([1, 2]);
    expect(await store.getDefinition("order", 3)).toBeUndefined();
    expect(await store.getDefinition("missing")).toBeUndefined();
  });

  it("summarises the latest version of each name, with its title and description", async () => {
    await store.saveDefinition(definition("order", "Order v1"), at(1));
    await store.saveDefinition(definition("order", "Order v2"), at(2));
    await store.saveDefinition(definition("approval"), at(3));
    expect(await store.listDefinitions()).toEqual([
      { name: "approval", latestVersion: 1, updatedAt: at(3), archived: false },
      {
        name: "order",
        title: "Order v2",
        description: "Order v2, described",
        latestVersion: 2,
        updatedAt: at(2),
        archived: false,
      },
    ]);
  });

  it("archives a name: hidden from the catalog and from latest, but pinned versions still load", async () => {
    await store.saveDefinition(definition("order"), at(1));
    await store.saveDefinition(definition("approval"), at(2));
    await store.archiveDefinition("order", true);
    expect((await store.listDefinitions()).map((summary) => summary.name)).toEqual(["approval"]);
    expect(await store.listDefinitions({ includeArchived: true })).toContainEqual(
      expect.objectContaining({ name: "order", archived: true }),
    );
    expect(await store.getDefinition("order")).toBeUndefined();
    expect(await store.getDefinition("order", 1)).toMatchObject({ version: 1, archived: true });

    await store.archiveDefinition("order", false);
    expect((await store.getDefinition("order"))?.version).toBe(1);
  });

  it("brings an archived name back when a new version is saved", async () => {
    await store.saveDefinition(definition("order"), at(1));
    await store.archiveDefinition("order", true);
    const v2 = await store.saveDefinition(definition("order", "Again"), at(2));
    expect(v2.version).toBe(2);
    expect(await store.getDefinition("order")).toMatchObject({ version: 2, archived: false });
    expect((await store.listDefinitions()).map((summary) => summary.name)).toEqual(["order"]);
  });

  it("names the row when a stored definition no longer parses, and still lists it", async () => {
    await store.saveDefinition(definition("order", "Order"), at(1));
    rawSqlite(store).prepare("UPDATE definitions SET json = '{broken' WHERE name = 'order'").run();
    await expect(store.getDefinition("order")).rejects.toThrow(CorruptDatabaseError);
    await expect(store.getDefinition("order")).rejects.toThrow("definition order v1 is not valid JSON");
    expect(await store.listDefinitions()).toEqual([
      { name: "order", latestVersion: 1, updatedAt: at(1), archived: false },
    ]);
  });
});
