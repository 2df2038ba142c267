import { defineConfig } from "vitest/config";

/** Browser tests: the built app served by the real `sagaflow serve`, driven by Debian's Chromium. */
export default defineConfig({
  test: {
    include: ["e2e/*.test.ts"],
    environment: "node",
    globalSetup: ["e2e/support/global-setup.ts"],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
  },
});
