import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { toApiStatus, VIDEO_STATUSES } from "@aq/contracts";
import { isEnumType } from "graphql";
import { describe, expect, it } from "vitest";
import { GENERATED_PATH, generateResolverTypes } from "../src/codegen/resolver-types.js";
import { buildSchema, SCHEMA_PATH } from "../src/graphql/schema.js";
import { videoStatusEnumValues } from "../src/graphql/status.js";

describe("schema", () => {
  it("has exactly the contract's statuses, upper-case, each resolving to the contract value", () => {
    const enumType = buildSchema().getType("VideoStatus");
    if (!isEnumType(enumType)) throw new Error("VideoStatus is not an enum");
    expect(enumType.getValues().map((v) => v.name)).toEqual(VIDEO_STATUSES.map(toApiStatus));
    expect(enumType.getValues().map((v) => v.value)).toEqual([...VIDEO_STATUSES]);
    expect(Object.keys(videoStatusEnumValues)).toHaveLength(VIDEO_STATUSES.length);
  });

  it("keeps the names the API contract promises", () => {
    const sdl = readFileSync(SCHEMA_PATH, "utf8");
    for (const name of [
      "createVideo(input: CreateVideoInput!): CreateVideoPayload!",
      "completeVideoUpload(id: ID!, parts: [CompletedPartInput!]): Video!",
      "signUploadParts(id: ID!, partNumbers: [Int!]!): [UploadPartTarget!]!",
      "resumeVideoUpload(id: ID!): MultipartUpload!",
      "abortVideoUpload(id: ID!): Video!",
      "retryVideo(id: ID!): Video!",
      "deleteVideo(id: ID!): Boolean!",
      "videoProgress(id: ID!): VideoProgress!",
      "playbackUrl(expiresInSeconds: Int): String",
    ]) {
      expect(sdl).toContain(name);
    }
  });

  it("has resolver types generated from the current SDL (npm run codegen)", async () => {
    expect(await readFile(GENERATED_PATH, "utf8")).toBe(await generateResolverTypes());
  });
});
