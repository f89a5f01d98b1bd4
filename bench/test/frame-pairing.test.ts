import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { frameIndexTimestamps } from "../src/vmaf.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aq-bench-pairing-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Per-frame PSNR-Y of `distorted` against `reference`, both re-timed by the frame index. */
async function psnrPerFrame(reference: string, distorted: string, pts: string): Promise<number[]> {
  const stats = join(dir, "psnr.log");
  await execa("ffmpeg", [
    "-v",
    "error",
    "-i",
    distorted,
    "-i",
    reference,
    "-lavfi",
    `[0:v]${pts}[d];[1:v]${pts}[r];[d][r]psnr=stats_file=${stats}`,
    "-f",
    "null",
    "-",
  ]);
  return (await readFile(stats, "utf8"))
    .trim()
    .split("\n")
    .map((line) => {
      const value = /psnr_y:(\S+)/.exec(line)?.[1];
      return value === "inf" ? Infinity : Number(value);
    });
}

describe("frameIndexTimestamps", () => {
  it.each([
    { num: 25, den: 1 },
    { num: 30, den: 1 },
    { num: 30000, den: 1001 },
  ])("pairs each frame of a lossless rendition with its own reference frame at $num/$den fps", async (frameRate) => {
    // As the quality section has them: a Matroska mezzanine (1/1000 time base) and an MPEG-TS
    // rendition (1/90000), every frame different.
    const reference = join(dir, "mezzanine.mkv");
    const rendition = join(dir, "rendition.ts");
    const source = ["-f", "lavfi", "-i", `testsrc2=size=320x180:rate=${frameRate.num}/${frameRate.den}`, "-frames:v", "100"];
    const lossless = ["-c:v", "libx264", "-qp", "0", "-preset", "ultrafast"];
    await execa("ffmpeg", ["-v", "error", "-y", ...source, ...lossless, reference]);
    await execa("ffmpeg", ["-v", "error", "-y", "-i", reference, ...lossless, rendition]);
    const psnr = await psnrPerFrame(reference, rendition, frameIndexTimestamps({ frameRate }));
    expect(psnr).toHaveLength(100);
    // Lossless: a frame paired with its own reference is identical (inf); a neighbour is not.
    expect(psnr.filter((value) => value !== Infinity)).toEqual([]);
  });
});
