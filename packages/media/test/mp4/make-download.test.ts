import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTestClip } from "@aq/devkit";
import type { EncodedVideo } from "../../src/encode-video.js";
import { encodeClip } from "../encoded-clip.js";
import { downloadRendition, isFastStart, makeDownload } from "../../src/mp4/make-download.js";

let dir: string;
let encoded: EncodedVideo;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aq-download-test-"));
  const source = join(dir, "source.mp4");
  await makeTestClip(source, { seconds: 7, width: 640, height: 360, fps: 30 });
  encoded = await encodeClip(source, dir);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("downloadRendition", () => {
  const plan = [
    { name: "240p", width: 426, height: 240 },
    { name: "360p", width: 640, height: 360 },
  ];
  it("takes the rung named, else the largest below it", () => {
    expect(downloadRendition(plan, "240p").name).toBe("240p");
    expect(downloadRendition(plan, "720p").name).toBe("360p");
    expect(downloadRendition(plan, "144p").name).toBe("240p");
  });
});

describe("makeDownload", () => {
  it("remuxes the rendition into a faststart MP4 with its video and audio", async () => {
    const download = await makeDownload({
      outDir: encoded.outputDir,
      plan: encoded.plan,
      renditionName: "720p",
      name: "My-clip",
      logFile: join(dir, "work", "download.log"),
    });
    expect(download).toMatchObject({ path: "download/My-clip.mp4", rendition: "360p" });
    const path = join(encoded.outputDir, download.path);
    expect(await isFastStart(path)).toBe(true);
    const { stdout } = await execa("ffprobe", ["-v", "error", "-show_streams", "-show_format", "-of", "json", path]);
    const probed = JSON.parse(stdout) as { streams: { codec_name: string; width?: number }[]; format: { duration: string; size: string } };
    expect(probed.streams.map((s) => s.codec_name).sort()).toEqual(["aac", "h264"]);
    expect(probed.streams.find((s) => s.codec_name === "h264")?.width).toBe(640);
    expect(Number(probed.format.duration)).toBeCloseTo(7, 0);
    expect(Number(probed.format.size)).toBe(download.bytes);
  });
});
