import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  resolve: {
    ...sourceConditions.resolve,
    // graphql 16 ships CommonJS (main) and ESM (module) copies; the codegen plugins load the
    // CommonJS one, so these sources must too or graphql refuses objects "from another realm".
    alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }],
  },
  test: { include: ["test/**/*.test.ts"] },
});
