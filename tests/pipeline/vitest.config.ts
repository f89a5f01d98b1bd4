import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  test: {
    include: ["test/**/*.test.ts"],
    // The live R2 smoke test runs only through `npm run test:r2` (vitest.r2.config.ts).
    exclude: ["**/node_modules/**", "test/**/*.r2.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    // Each file starts its own NATS server, database and services; running them one at a
    // time keeps ffmpeg from competing for the machine's two cores.
    fileParallelism: false,
  },
});
