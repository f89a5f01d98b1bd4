import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EncodedVideo } from "../../src/encode-video.js";
import { encodeClip } from "../encoded-clip.js";
import { makeImages } from "../../src/images/make-images.js";
import { streamsOf } from "../hls-assertions.js";

let dir: string;
let encoded: EncodedVideo;

/** 2 s of black, then 9 s of moving test pattern: the poster must not be the black opening. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aq-images-test-"));
  const source = join(dir, "source.mp4");
  await execa("ffmpeg", [
    ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "color=black:size=640x360:rate=30:duration=2"],
    ...["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=9", "-f", "lavfi", "-i", "sine=frequency=440:duration=11"],
    ...["-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-map", "2:a", "-c:v", "libx264", "-preset", "ultrafast"],
    ...["-c:a", "aac", "-shortest", source],
  ]);
  encoded = await encodeClip(source, dir);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("makeImages", () => {
  it("writes a poster past the black opening, a thumbnail per keyframe interval and a storyboard", async () => {
    const top = encoded.plan.at(-1)!;
    const assets = await makeImages({
      outDir: encoded.outputDir,
      workDir: join(dir, "work"),
      rendition: top,
      durationSeconds: encoded.info.durationSeconds!,
      logFile: join(dir, "work", "images.log"),
    });
    expect(assets.poster).toMatchObject({ path: "images/poster.jpg", width: 640, height: 360 });
    expect(assets.poster.timeSeconds).toBeGreaterThanOrEqual(2);
    expect(assets.thumbnails).toMatchObject({ width: 640, height: 360, times: [0, 2, 4, 6, 8, 10] });
    expect(assets.storyboard).toEqual({ path: "images/storyboard.vtt", sheets: 1, columns: 6, rows: 1, tile: { width: 160, height: 90 } });

    const files = (await readdir(join(encoded.outputDir, "images"))).sort();
    expect(files).toEqual(["poster.jpg", "storyboard.vtt", "storyboard_0.jpg", ...[0, 1, 2, 3, 4, 5].map((i) => `thumb_000${i}.jpg`)]);
    const [poster] = await streamsOf(join(encoded.outputDir, "images", "poster.jpg"));
    expect(poster).toMatchObject({ width: 640, height: 360 });
    const [sheet] = await streamsOf(join(encoded.outputDir, "images", "storyboard_0.jpg"));
    expect(sheet).toMatchObject({ width: 960, height: 90 });
    // The black opening compresses to almost nothing; the pattern does not.
    const sizes = await Promise.all([0, 1].map((i) => stat(join(encoded.outputDir, "images", `thumb_000${i}.jpg`))));
    expect(sizes[1]!.size).toBeGreaterThan(5 * sizes[0]!.size);

    const vtt = await readFile(join(encoded.outputDir, "images", "storyboard.vtt"), "utf8");
    expect(vtt.split("\n\n").slice(1)).toHaveLength(6);
    expect(vtt).toContain("00:00:10.000 --> 00:00:11.000\nstoryboard_0.jpg#xywh=800,0,160,90");
  });
});
