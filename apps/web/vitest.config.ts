import { defineConfig } from "vitest/config";
import { sourceConditions } from "../../vitest.shared.js";

export default defineConfig({
  ...sourceConditions,
  // The browser test builds the app and runs the whole pipeline once in beforeAll; its first test
  // follows a video from upload through captions and storyboard previews to delete (240 s was
  // passed mid-test at load 40 on 2 cores).
  test: { testTimeout: 360_000, hookTimeout: 420_000, include: ["test/**/*.test.ts"] },
});
