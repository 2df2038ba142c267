import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { RunStore } from "@sagaflow/engine";
import { type ActionCatalog, validateDefinition } from "@sagaflow/shared";

/** The repository's examples/ folder (apps/server/src → ../../../examples). */
export const REPO_EXAMPLES_DIR = fileURLToPath(new URL("../../../examples/", import.meta.url));

export interface SeedReport {
  seeded: string[];
  skipped: { file: string; reason: string }[];
}

/**
 * On an empty database, saves every examples/*.json definition so a new user sees them. A database that
 * holds any definition (archived ones included) is left alone, so deleting an example sticks.
 */
export async function seedExamples(
  store: RunStore,
  catalog: ActionCatalog,
  examplesDir: string = REPO_EXAMPLES_DIR,
): Promise<SeedReport> {
  const report: SeedReport = { seeded: [], skipped: [] };
  const existing = await store.listDefinitions({ includeArchived: true });
  if (existing.length > 0) return report;
  let files: string[];
  try {
    files = (await readdir(examplesDir)).filter((file) => file.endsWith(".json")).sort();
  } catch {
    return report; // no examples folder (e.g. an installed copy): nothing to seed
  }
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(path.join(examplesDir, file), "utf8"));
    } catch (error) {
      report.skipped.push({ file, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    const result = validateDefinition(json, { actions: catalog });
    if (!result.ok || !result.definition) {
      const first = result.diagnostics.find((d) => d.severity === "error");
      report.skipped.push({ file, reason: first ? `${first.path}: ${first.message}` : "invalid" });
      continue;
    }
    await store.saveDefinition(result.definition, new Date().toISOString());
    report.seeded.push(result.definition.name);
  }
  return report;
}
