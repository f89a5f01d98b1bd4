import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  // The browser test builds the app and runs the whole pipeline once in beforeAll.
  test: { testTimeout: 240_000, hookTimeout: 420_000, include: ["test/**/*.test.ts"] },
});
