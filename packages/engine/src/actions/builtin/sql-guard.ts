import type Database from "better-sqlite3";
import { FatalError } from "../types";

/**
 * Keeps the SQL actions on the one database file they were given. better-sqlite3 has no authorizer
 * binding, so each statement is compiled first and its program (`EXPLAIN`) inspected before it runs:
 * ATTACH and DETACH compile to calls of SQLite's internal `sqlite_attach`/`sqlite_detach` functions,
 * `VACUUM INTO file` to a `Vacuum` opcode whose second operand names the target, and BEGIN/COMMIT/ROLLBACK
 * to `AutoCommit` (which would end the action's own transaction, e.g. `COMMIT; VACUUM INTO …; BEGIN`).
 * What SQLite compiled is checked, not the text, so quoting, comments or case cannot hide a statement.
 */

/** A statement that would reach another file or leave the action's transaction. Never retried. */
export class ForbiddenSqlError extends FatalError {
  override name = "ForbiddenSql";
}

interface ProgramRow {
  opcode: string;
  p2: number;
  p4: unknown;
}

function forbiddenReason(row: ProgramRow): string | undefined {
  if ((row.opcode === "Function" || row.opcode === "PureFunc") && typeof row.p4 === "string") {
    if (row.p4.startsWith("sqlite_attach(")) return "ATTACH opens another database file";
    if (row.p4.startsWith("sqlite_detach(")) return "DETACH changes the attached database files";
  }
  if (row.opcode === "Vacuum" && row.p2 !== 0) return "VACUUM INTO writes another file";
  if (row.opcode === "AutoCommit") return "BEGIN, COMMIT and ROLLBACK would end the action's own transaction";
  return undefined;
}

/**
 * Compiles one statement after checking its program; throws ForbiddenSql naming the statement.
 * `bindings` are those the statement will run with (EXPLAIN needs every parameter bound).
 */
export function prepareChecked(
  db: Database.Database,
  text: string,
  bindings: readonly unknown[] = [],
): Database.Statement {
  const statement = db.prepare(text);
  // SQLite skips empty statements (a leading `;`), EXPLAIN does not: leave them out.
  const body = text.replace(/^[\s;]+/, "");
  // EXPLAIN of an EXPLAIN is not valid SQL; an EXPLAIN itself runs nothing.
  if (/^explain\b/i.test(body)) return statement;
  const program = db.prepare(`EXPLAIN ${body}`).all(...bindings) as ProgramRow[];
  for (const row of program) {
    const reason = forbiddenReason(row);
    if (reason !== undefined) {
      throw new ForbiddenSqlError(
        `Statement refused: ${reason}: ${JSON.stringify(body.trim().slice(0, 200))}`,
      );
    }
  }
  return statement;
}

const MULTIPLE = "more than one statement";
const NONE = "contains no statements";

function isRangeError(error: unknown, text: string): boolean {
  return error instanceof RangeError && error.message.includes(text);
}

/**
 * Splits a text of several statements with SQLite's own parser, lazily: each statement is compiled
 * only after the previous one ran, so it may use a table the previous one created. better-sqlite3
 * compiles one statement per call and refuses a non-empty tail, so a `;` ends a statement exactly when
 * the text up to it, followed by another statement, is refused for holding more than one: a `;` inside
 * a string, a comment or a trigger's body gives a syntax error or one statement instead. Only the text
 * up to each candidate `;` is compiled, so a long migration costs about its length, not its square.
 */
export function* statementsOf(db: Database.Database, sql: string): Generator<string> {
  let rest = sql;
  for (;;) {
    const end = firstStatementEnd(db, rest);
    if (end === undefined) {
      // The rest holds one statement, or only blanks and comments.
      if (!isEmpty(db, rest)) yield rest;
      return;
    }
    yield rest.slice(0, end);
    rest = rest.slice(end);
  }
}

function firstStatementEnd(db: Database.Database, text: string): number | undefined {
  for (let index = text.indexOf(";"); index !== -1; index = text.indexOf(";", index + 1)) {
    try {
      db.prepare(`${text.slice(0, index + 1)}\nSELECT 1`);
    } catch (error) {
      if (isRangeError(error, MULTIPLE)) return index + 1;
    }
  }
  return undefined;
}

function isEmpty(db: Database.Database, text: string): boolean {
  try {
    db.prepare(text);
    return false;
  } catch (error) {
    // Any other error (syntax, unknown table) belongs to the statement: prepareChecked reports it.
    return isRangeError(error, NONE);
  }
}
