import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Import boundaries between workspaces. Code under src/ ships (in an image, the CLI or the edge
// bundle); code under test/ does not, so only test/ may reach the dev-only workspaces.
const DEV_ONLY = ["@aq/devkit", "@aq/stack", "@aq/bench"];
const SERVICES = ["gateway", "probe-service", "encoder-service", "uploader-service", "webhook-service"];
const RUNTIME_PACKAGES = ["config", "media", "platform", "pipeline"];

/** One no-restricted-imports setting per set of files: flat config replaces a rule's options, never merges them. */
function forbidImports(files, groups) {
  return {
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: groups.map(({ group, message }) => ({ group: [...group, ...group.map((name) => `${name}/*`)], message })) },
      ],
    },
  };
}

const devOnly = { group: DEV_ONLY, message: "Dev-only workspace: shipped code (src/) must not import it; tests (test/) may." };

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "**/.next/**", "**/.data/**", "**/drizzle/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  forbidImports(
    ["packages/contracts/src/**"],
    [{ group: ["@aq/*"], message: "@aq/contracts is the browser-safe base of every workspace: it imports none." }],
  ),
  forbidImports(RUNTIME_PACKAGES.map((name) => `packages/${name}/src/**`).concat(["apps/cli/src/**", "apps/edge-worker/src/**"]), [
    devOnly,
    { group: SERVICES.map((name) => `@aq/${name}`), message: "Libraries and tools do not import a service." },
  ]),
  ...SERVICES.map((service) =>
    forbidImports(
      [`apps/${service}/src/**`],
      [
        devOnly,
        {
          group: SERVICES.filter((name) => name !== service).map((name) => `@aq/${name}`),
          message: "Services talk over NATS, never through each other's code.",
        },
      ],
    ),
  ),
  forbidImports(
    ["apps/web/src/**"],
    [
      {
        group: ["@aq/*", "!@aq/contracts", "!@aq/graphql-client"],
        message: "The browser app takes only @aq/contracts (and the generated GraphQL client) from the workspace.",
      },
    ],
  ),
);
