import type { Definition } from "@sagaflow/shared";
import type pg from "pg";
import { CorruptDatabaseError } from "../../errors";
import { isCorruptJson, parseStoredJson } from "../sqlite/stored-json";
import type { DefinitionSummary, StoredDefinition } from "../types";
import { inTransaction } from "./transaction";

interface DefinitionRow {
  name: string;
  version: number;
  json: string;
  created_at: string;
  archived: boolean;
}

const COLUMNS = "name, version, json, created_at, archived";

/**
 * Definition versions, as on SQLite: immutable rows numbered from 1 per name; `archived` flags the whole
 * name, and saving a new version brings it back. A per-name advisory lock numbers concurrent saves from
 * several processes one after another.
 */
export class PostgresDefinitions {
  constructor(
    private readonly pool: pg.Pool,
    private readonly where: string,
  ) {}

  async save(definition: Definition, at: string): Promise<StoredDefinition> {
    const json = JSON.stringify(definition);
    return inTransaction(this.pool, async (client) => {
      await client.query("SELECT pg_advisory_xact_lock(hashtext('sagaflow.definition:' || $1))", [
        definition.name,
      ]);
      const latest = await client.query<{ version: number | null }>(
        "SELECT max(version) AS version FROM definitions WHERE name = $1",
        [definition.name],
      );
      const version = (latest.rows[0]?.version ?? 0) + 1;
      await client.query("UPDATE definitions SET archived = false WHERE name = $1 AND archived", [
        definition.name,
      ]);
      await client.query(
        "INSERT INTO definitions (name, version, json, created_at, archived) VALUES ($1, $2, $3, $4, false)",
        [definition.name, version, json, at],
      );
      return { name: definition.name, version, definition, createdAt: at, archived: false };
    });
  }

  async get(name: string, version?: number): Promise<StoredDefinition | undefined> {
    const result =
      version === undefined
        ? await this.pool.query<DefinitionRow>({
            name: "definition-latest",
            text: `SELECT ${COLUMNS} FROM definitions WHERE name = $1 AND NOT archived ORDER BY version DESC LIMIT 1`,
            values: [name],
          })
        : await this.pool.query<DefinitionRow>({
            name: "definition-version",
            text: `SELECT ${COLUMNS} FROM definitions WHERE name = $1 AND version = $2`,
            values: [name, version],
          });
    const row = result.rows[0];
    return row && this.toStored(row);
  }

  async versions(name: string): Promise<StoredDefinition[]> {
    const result = await this.pool.query<DefinitionRow>(
      `SELECT ${COLUMNS} FROM definitions WHERE name = $1 ORDER BY version`,
      [name],
    );
    return result.rows.map((row) => this.toStored(row));
  }

  /** The latest version of every name, by name; a corrupt row still lists, without title/description. */
  async summaries(includeArchived: boolean): Promise<DefinitionSummary[]> {
    const result = await this.pool.query<DefinitionRow>(
      `SELECT * FROM (SELECT DISTINCT ON (name) ${COLUMNS} FROM definitions ORDER BY name, version DESC) AS latest
       WHERE $1 OR NOT archived ORDER BY name`,
      [includeArchived],
    );
    return result.rows.map((row) => {
      const parsed = parseStoredJson(row.json);
      const fields = typeof parsed === "object" && parsed !== null && !isCorruptJson(parsed) ? parsed : {};
      const { title, description } = fields as { title?: unknown; description?: unknown };
      return {
        name: row.name,
        ...(typeof title === "string" ? { title } : {}),
        ...(typeof description === "string" ? { description } : {}),
        latestVersion: row.version,
        updatedAt: row.created_at,
        archived: row.archived,
      };
    });
  }

  async archive(name: string, archived: boolean): Promise<void> {
    await this.pool.query("UPDATE definitions SET archived = $2 WHERE name = $1", [name, archived]);
  }

  /** A definition that does not parse cannot be run or shown, so this one throws, naming the row. */
  private toStored(row: DefinitionRow): StoredDefinition {
    const parsed = parseStoredJson(row.json);
    if (isCorruptJson(parsed)) {
      throw new CorruptDatabaseError(
        this.where,
        `definition ${row.name} v${row.version} is not valid JSON (${parsed.$corruptJson.error})`,
      );
    }
    return {
      name: row.name,
      version: row.version,
      definition: parsed as Definition,
      createdAt: row.created_at,
      archived: row.archived,
    };
  }
}
