import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  resolve: {
    ...sourceConditions.resolve,
    // graphql 16 ships CommonJS (main) and ESM (module) copies. Node, and so Apollo and
    // graphql-tools loaded from node_modules, use the CommonJS one; the gateway's own sources
    // must get the same copy or graphql refuses schema objects "from another module or realm".
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: { testTimeout: 180_000, hookTimeout: 180_000, include: ["test/**/*.test.ts"] },
});
