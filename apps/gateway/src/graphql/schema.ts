import { readFileSync } from "node:fs";
import { makeExecutableSchema } from "@graphql-tools/schema";
import type { GraphQLSchema } from "graphql";
import { resolvers } from "../resolvers/index.js";

/** The checked-in SDL (apps/gateway/schema.graphql), the same file from src/ and dist/. */
export const SCHEMA_PATH = new URL("../../schema.graphql", import.meta.url);

export function buildSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: readFileSync(SCHEMA_PATH, "utf8"), resolvers });
}
