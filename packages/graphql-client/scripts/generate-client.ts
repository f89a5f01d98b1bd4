import { readFile } from "node:fs/promises";
import { codegen } from "@graphql-codegen/core";
import * as typedDocumentNodePlugin from "@graphql-codegen/typed-document-node";
import * as typescriptPlugin from "@graphql-codegen/typescript";
import * as operationsPlugin from "@graphql-codegen/typescript-operations";
import { buildASTSchema, parse } from "graphql";

export const SCHEMA_PATH = new URL("../../../apps/gateway/schema.graphql", import.meta.url);
export const OPERATIONS_PATH = new URL("../src/operations.graphql", import.meta.url);
export const GENERATED_PATH = new URL("../src/generated/graphql.ts", import.meta.url);

const HEADER =
  "// Generated from apps/gateway/schema.graphql and src/operations.graphql by npm run codegen -w @aq/graphql-client. Do not edit.\n";

/**
 * The operations' result and variable types and typed documents, from the gateway's SDL: a
 * renamed or removed field fails here (documents are validated) rather than in a client at run time.
 */
export async function generateClient(): Promise<string> {
  const schema = parse(await readFile(SCHEMA_PATH, "utf8"));
  const document = parse(await readFile(OPERATIONS_PATH, "utf8"));
  const output = await codegen({
    filename: "graphql.ts",
    schema,
    schemaAst: buildASTSchema(schema),
    documents: [{ location: "operations.graphql", document }],
    config: {
      useTypeImports: true,
      enumsAsTypes: true,
      onlyOperationTypes: true,
      // Result fields are always present (null when empty); optional variables may be left out.
      avoidOptionals: { field: true },
      skipTypename: true,
      scalars: { ID: "string" },
      dedupeFragments: true,
    },
    plugins: [{ typescript: {} }, { "typescript-operations": {} }, { "typed-document-node": {} }],
    pluginMap: { typescript: typescriptPlugin, "typescript-operations": operationsPlugin, "typed-document-node": typedDocumentNodePlugin },
  });
  return HEADER + output;
}
