import type { Definition } from "@sagaflow/shared";
import { and, asc, eq, sql } from "drizzle-orm";
import { CorruptDatabaseError } from "../../errors";
import type { DefinitionSummary, StoredDefinition } from "../types";
import type { Connection } from "./connection";
import { definitions } from "./schema";
import { isCorruptJson, parseStoredJson } from "./stored-json";

type DefinitionRow = typeof definitions.$inferSelect;
type RawDefinitionRow = Omit<DefinitionRow, "archived"> & { archived: number };

const DEFINITION_COLUMNS = "id, name, version, json, created_at AS createdAt, archived";

/**
 * Definition versions: immutable rows numbered from 1 per name. `archived` is a flag of the whole name
 * (archiving hides it from the catalog; pinned runs still load their version); saving a new version
 * brings the name back.
 */
export class DefinitionTable {
  private readonly db: Connection["db"];
  /** Every start reads the latest version: plain prepared statements, not a query built each time. */
  private readonly latest;
  private readonly byVersion;

  constructor(
    connection: Connection,
    private readonly path: string,
  ) {
    this.db = connection.db;
    this.latest = connection.sqlite.prepare<[string], RawDefinitionRow>(
      `SELECT ${DEFINITION_COLUMNS} FROM definitions WHERE name = ? AND archived = 0 ORDER BY version DESC LIMIT 1`,
    );
    this.byVersion = connection.sqlite.prepare<[string, number], RawDefinitionRow>(
      `SELECT ${DEFINITION_COLUMNS} FROM definitions WHERE name = ? AND version = ?`,
    );
  }

  save(definition: Definition, at: string): StoredDefinition {
    const json = JSON.stringify(definition);
    return this.db.transaction(
      (tx) => {
        const latest = tx
          .select({ version: sql<number | null>`max(${definitions.version})` })
          .from(definitions)
          .where(eq(definitions.name, definition.name))
          .get();
        const version = (latest?.version ?? 0) + 1;
        tx.update(definitions).set({ archived: false }).where(eq(definitions.name, definition.name)).run();
        tx.insert(definitions)
          .values({ name: definition.name, version, json, createdAt: at, archived: false })
          .run();
        return { name: definition.name, version, definition, createdAt: at, archived: false };
      },
      { behavior: "immediate" },
    );
  }

  get(name: string, version?: number): StoredDefinition | undefined {
    const row = version === undefined ? this.latest.get(name) : this.byVersion.get(name, version);
    return row && this.toStored({ ...row, archived: row.archived !== 0 });
  }

  versions(name: string): StoredDefinition[] {
    return this.db
      .select()
      .from(definitions)
      .where(eq(definitions.name, name))
      .orderBy(asc(definitions.version))
      .all()
      .map((row) => this.toStored(row));
  }

  /** The latest version of every name, by name; a corrupt row still lists, without title/description. */
  summaries(includeArchived: boolean): DefinitionSummary[] {
    const isLatest = eq(
      definitions.version,
      sql`(SELECT max(d2.version) FROM definitions AS d2 WHERE d2.name = ${definitions.name})`,
    );
    return this.db
      .select()
      .from(definitions)
      .where(includeArchived ? isLatest : and(isLatest, eq(definitions.archived, false)))
      .orderBy(asc(definitions.name))
      .all()
      .map((row) => {
        const parsed = parseStoredJson(row.json);
        const fields = typeof parsed === "object" && parsed !== null && !isCorruptJson(parsed) ? parsed : {};
        const { title, description } = fields as { title?: unknown; description?: unknown };
        return {
          name: row.name,
          ...(typeof title === "string" ? { title } : {}),
          ...(typeof description === "string" ? { description } : {}),
          latestVersion: row.version,
          updatedAt: row.createdAt,
          archived: row.archived,
        };
      });
  }

  archive(name: string, archived: boolean): void {
    this.db.update(definitions).set({ archived }).where(eq(definitions.name, name)).run();
  }

  /** A definition that does not parse cannot be run or shown, so this one throws, naming the row. */
  private toStored(row: DefinitionRow): StoredDefinition {
    const parsed = parseStoredJson(row.json);
    if (isCorruptJson(parsed)) {
      throw new CorruptDatabaseError(
        this.path,
        `definition ${row.name} v${row.version} is not valid JSON (${parsed.$corruptJson.error})`,
      );
    }
    return {
      name: row.name,
      version: row.version,
      definition: parsed as Definition,
      createdAt: row.createdAt,
      archived: row.archived,
    };
  }
}
