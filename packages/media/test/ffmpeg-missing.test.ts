import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { AqError } from "@aq/contracts";
import { runFfmpeg } from "../src/ffmpeg-process.js";

const originalPath = process.env.PATH;
afterEach(() => {
  process.env.PATH = originalPath;
});

it("says ffmpeg is missing when it is not on PATH", async () => {
  const dir = await mkdtemp(join(tmpdir(), "aq-no-ffmpeg-"));
  try {
    // A PATH with nothing on it: ffmpeg cannot be found, wherever the system keeps it.
    process.env.PATH = dir;
    const run = runFfmpeg({ args: ["-version"], logFile: join(dir, "ffmpeg.log"), label: "probe run", failureCode: "ENCODE_FAILED" });
    await expect(run).rejects.toBeInstanceOf(AqError);
    await expect(run).rejects.toMatchObject({ code: "FFMPEG_MISSING", message: "ffmpeg is not installed or not on PATH" });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
