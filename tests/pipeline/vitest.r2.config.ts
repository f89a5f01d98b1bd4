import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

// `npm run test:r2`: the live Cloudflare R2 smoke test alone (never part of `npm test`).
export default defineConfig({
  ...sourceConditions,
  test: { include: ["test/**/*.r2.test.ts"], testTimeout: 300_000, hookTimeout: 180_000 },
});
