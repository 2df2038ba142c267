import { defineConfig } from "vitest/config";

/** Unit tests: pure functions only, in Node. */
export default defineConfig({
  test: { include: ["src/**/*.test.ts", "e2e/support/**/*.test.ts"], environment: "node" },
});
