import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  test: { testTimeout: 180_000, hookTimeout: 180_000, include: ["test/**/*.test.ts"] },
});
