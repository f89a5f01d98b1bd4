import { readFileSync } from "node:fs";
import { buildSchema, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import * as operations from "../src/lib/gateway/operations";

const schema = buildSchema(readFileSync(new URL("../../gateway/schema.graphql", import.meta.url), "utf8"));

describe("the app's GraphQL operations", () => {
  const documents = Object.entries(operations);

  it("are all checked", () => {
    expect(documents.map(([name]) => name).sort()).toEqual([
      "COMPLETE_UPLOAD_MUTATION",
      "CREATE_UPLOAD_MUTATION",
      "DELETE_VIDEO_MUTATION",
      "LIBRARY_QUERY",
      "PLAYER_QUERY",
      "RETRY_VIDEO_MUTATION",
      "VIDEO_PROGRESS_SUBSCRIPTION",
    ]);
  });

  it.each(documents)("%s is valid against apps/gateway/schema.graphql", (_name, document) => {
    expect(validate(schema, parse(document)).map((error) => error.message)).toEqual([]);
  });
});
