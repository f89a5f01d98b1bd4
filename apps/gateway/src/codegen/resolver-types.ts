import { readFile } from "node:fs/promises";
import { codegen } from "@graphql-codegen/core";
import * as typescriptPlugin from "@graphql-codegen/typescript";
import * as resolversPlugin from "@graphql-codegen/typescript-resolvers";
import { buildASTSchema, parse } from "graphql";
import { SCHEMA_PATH } from "../graphql/schema.js";

export const GENERATED_PATH = new URL("../generated/resolvers.ts", import.meta.url);

const HEADER = "/* eslint-disable */\n// Generated from schema.graphql by src/codegen (npm run codegen). Do not edit.\n";

/**
 * Resolver types derived from the SDL, so resolvers are checked against the schema rather than
 * written a second time. GraphQL's upper-case VideoStatus values resolve to the contracts'
 * lower-case statuses (src/graphql/status.ts), so the generated types use that type.
 */
export async function generateResolverTypes(): Promise<string> {
  const document = parse(await readFile(SCHEMA_PATH, "utf8"));
  const output = await codegen({
    filename: "resolvers.ts",
    schema: document,
    schemaAst: buildASTSchema(document),
    documents: [],
    config: {
      useTypeImports: true,
      useIndexSignature: false,
      contextType: "../graphql/context.js#GatewayContext",
      mappers: {
        Video: "@aq/platform/db#VideoRow",
        CaptionTrack: "@aq/pipeline#VideoCaption",
        StatusChange: "@aq/platform/db#StatusChangeRow",
        VideoError: "@aq/contracts#ErrorValue",
        WebhookEndpoint: "@aq/platform/db#WebhookEndpointRow",
        WebhookDelivery: "@aq/platform/db#WebhookDeliveryRow",
        WebhookAttempt: "@aq/platform/db#WebhookAttemptRow",
      },
      enumValues: {
        VideoStatus: "@aq/contracts#VideoStatus",
        // Resolved by src/resolvers/webhooks.ts to the database's spelling.
        WebhookEndpointSource: { API: "api", CONFIG: "config" },
        WebhookDeliveryState: { PENDING: "pending", DELIVERED: "delivered", FAILED: "failed" },
      },
      scalars: { ID: "string" },
    },
    plugins: [{ typescript: {} }, { "typescript-resolvers": {} }],
    pluginMap: { typescript: typescriptPlugin, "typescript-resolvers": resolversPlugin },
  });
  // The typescript plugin re-exports an external enum type with a plain `export { }`, which
  // verbatimModuleSyntax rejects for a type.
  return HEADER + output.replace(/^export \{ VideoStatus \};$/m, "export type { VideoStatus };");
}
