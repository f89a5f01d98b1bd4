import { existsSync, readdirSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultLadderConfig } from "@aq/config";
import { AqError } from "@aq/contracts";
import { encodeVideo } from "../src/encode-video.js";
import { expectExactLayout } from "./hls-assertions.js";

/** Real recordings kept next to the repository (../shared/media), or where AQ_SAMPLE_MEDIA_DIR points. */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const sampleDir = process.env.AQ_SAMPLE_MEDIA_DIR ?? resolve(repoRoot, "../shared/media");
const samples = existsSync(sampleDir)
  ? readdirSync(sampleDir).filter((name) => !name.startsWith(".") && statSync(join(sampleDir, name)).isFile())
  : [];

describe.skipIf(samples.length === 0)(`sample media in ${sampleDir}`, () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "aq-samples-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it.each(samples)("%s encodes and verifies, or is refused with a typed source error", { timeout: 600_000 }, async (name) => {
    const id = `sample-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`.slice(0, 64);
    try {
      const result = await encodeVideo({
        source: join(sampleDir, name),
        workDir: join(dir, "work", id),
        outDir: join(dir, "out", id),
        videoId: id,
        ladder: { ...defaultLadderConfig, x264Preset: "veryfast" },
      });
      await expectExactLayout(result.outputDir, result.plan);
    } catch (error) {
      expect(error).toBeInstanceOf(AqError);
      expect((error as AqError).code).toMatch(/^SOURCE_/);
    }
  });
});
