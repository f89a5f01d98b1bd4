import { mkdtemp, readFile, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generate, loadCodegenConfig } from "@graphql-codegen/cli";
import { VIDEO_STATUSES } from "@aq/shared/contracts";
import { isEnumType } from "graphql";
import { describe, expect, it } from "vitest";
import { buildSchema, SCHEMA_PATH } from "../graphql/schema.js";
import { toGraphQLStatus, videoStatusEnumValues } from "../graphql/status.js";

const gatewayRoot = fileURLToPath(new URL("../..", import.meta.url));

describe("schema", () => {
  it("has exactly the contract's statuses, upper-case, each resolving to the contract value", () => {
    const enumType = buildSchema().getType("VideoStatus");
    if (!isEnumType(enumType)) throw new Error("VideoStatus is not an enum");
    expect(enumType.getValues().map((v) => v.name)).toEqual(VIDEO_STATUSES.map(toGraphQLStatus));
    expect(enumType.getValues().map((v) => v.value)).toEqual([...VIDEO_STATUSES]);
    expect(Object.keys(videoStatusEnumValues)).toHaveLength(VIDEO_STATUSES.length);
  });

  it("keeps the names the API contract promises", () => {
    const sdl = readFileSync(SCHEMA_PATH, "utf8");
    for (const name of ["createVideo(input: CreateVideoInput!): CreateVideoPayload!", "completeVideoUpload(id: ID!): Video!", "retryVideo(id: ID!): Video!", "deleteVideo(id: ID!): Boolean!", "videoProgress(id: ID!): VideoProgress!", "playbackUrl(expiresInSeconds: Int): String"]) {
      expect(sdl).toContain(name);
    }
  });

  it("has resolver types generated from the current SDL", async () => {
    // Generates with the checked-in configuration (hooks included) into a scratch file and
    // compares it with the checked-in one.
    const generated = "src/generated/resolvers.ts";
    const { config } = await loadCodegenConfig({ configFilePath: join(gatewayRoot, "codegen.yml") });
    const scratch = await mkdtemp(join(tmpdir(), "aq-codegen-"));
    try {
      const output = join(scratch, "resolvers.ts");
      const target = config.generates[generated];
      if (!target) throw new Error(`codegen.yml does not generate ${generated}`);
      await generate({ ...config, cwd: gatewayRoot, silent: true, generates: { [output]: target } }, true);
      expect(await readFile(output, "utf8")).toBe(await readFile(join(gatewayRoot, generated), "utf8"));
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
  });
});
