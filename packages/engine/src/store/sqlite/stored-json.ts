/**
 * JSON columns are read leniently: text that no longer parses (a flipped byte, a torn write) comes back as a
 * `CorruptJson` marker holding the raw text instead of throwing. Readers see exactly which row is bad:
 * - an event becomes `{ type, $corruptJson }`, which no longer matches its stored hash, so `verifyChain`
 *   reports that event's seq as `badSeq`;
 * - a snapshot becomes `{ $corruptJson }`, which never equals the fold of a history, so the snapshot check
 *   fails for that run.
 */
export interface CorruptJson {
  $corruptJson: { raw: string; error: string };
}

export function parseStoredJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    return corruptJson(text, error);
  }
}

export function isCorruptJson(value: unknown): value is CorruptJson {
  return typeof value === "object" && value !== null && "$corruptJson" in value;
}

export function corruptJson(raw: string, error: unknown): CorruptJson {
  return { $corruptJson: { raw, error: error instanceof Error ? error.message : String(error) } };
}

/** JSON text of a value to store; `undefined` is stored as null so the column is never empty. */
export function toStoredJson(value: unknown): string {
  return JSON.stringify(value) ?? "null";
}
