import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { definitionJsonSchemaText, SCHEMA_FILE_NAME } from "./definition-json-schema";

/** Writes packages/shared/sagaflow-definition.schema.json; with --check, fails if the file is out of date. */
const target = fileURLToPath(new URL(`../${SCHEMA_FILE_NAME}`, import.meta.url));
const text = definitionJsonSchemaText();

if (process.argv.includes("--check")) {
  let current = "";
  try {
    current = readFileSync(target, "utf8");
  } catch {
    // a missing file is simply out of date
  }
  if (current !== text) {
    console.error(`${SCHEMA_FILE_NAME} is out of date: run \`pnpm --filter @sagaflow/shared build\``);
    process.exit(1);
  }
  console.log(`${SCHEMA_FILE_NAME} is up to date`);
} else {
  writeFileSync(target, text);
  console.log(`wrote ${target}`);
}
