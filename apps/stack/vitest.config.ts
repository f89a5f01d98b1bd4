import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  test: {
    testTimeout: 300_000,
    hookTimeout: 180_000,
    include: ["test/**/*.test.ts"],
    // Each file starts whole stacks or builds every app: one at a time on small machines.
    fileParallelism: false,
  },
});
