import { defineConfig } from "drizzle-kit";

/** The PostgreSQL store's migrations (`pnpm db:generate:pg`); drizzle.config.ts is SQLite's. */
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/store/postgres/schema.ts",
  out: "./drizzle-pg",
});
