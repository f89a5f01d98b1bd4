import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { makeTestClip } from "@aq/devkit";
import { CHUNK_TIMELINE_OFFSET_SECONDS } from "@aq/media";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const main = join(dirname(fileURLToPath(import.meta.url)), "../src/main.ts");
const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
let dir: string;
let clip: string;

/** The CLI as a user runs it, from its sources (what bin/aq.js does before a build). */
function aq(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, ["--conditions=source", "--import", tsx, main, ...args], {
    cwd: dir,
    reject: false,
    env: { LADDER_ALLOW_SMALLER_SOURCES: "true", X264_PRESET: "ultrafast", ...env },
  });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aq-cli-test-"));
  clip = join(dir, "clip.mp4");
  await makeTestClip(clip, { seconds: 7, width: 640, height: 360, fps: 30 });
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("aq encode", () => {
  it("encodes a clip, reports progress as plain lines and prints the master playlist path", async () => {
    const run = await aq(["encode", clip, "--out", "out", "--id", "clip-1"]);
    expect(run.stderr).toMatch(/^encode \d+\.\d%/m);
    expect(run.exitCode).toBe(0);
    const master = join(dir, "out", "clip-1", "master.m3u8");
    expect(run.stdout.trim()).toBe(master);
    expect(run.stderr).toContain("encoded clip-1: 240p 426x240");
    const root = join(dir, "out", "clip-1");
    // What the service stores under videos/<id>/ (no download unless --mp4).
    expect((await readdir(root)).sort()).toEqual(["240p.m3u8", "360p.m3u8", "images", "master.m3u8", "qc.json", "segments"]);
    // 7 s: thumbnails at 0, 2, 4 and 6 s, one storyboard sheet.
    expect((await readdir(join(root, "images"))).sort()).toEqual([
      "poster.jpg",
      "storyboard.vtt",
      "storyboard_0.jpg",
      "thumb_0000.jpg",
      "thumb_0001.jpg",
      "thumb_0002.jpg",
      "thumb_0003.jpg",
    ]);
  });

  it("writes JSON lines with --json and names a new id when none is given", async () => {
    const run = await aq(["encode", clip, "--out", "json-out", "--json"]);
    expect(run.exitCode).toBe(0);
    const events = run.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(events.filter((e) => e.event === "progress").length).toBeGreaterThan(1);
    const done = events.at(-1)!;
    expect(done).toMatchObject({
      event: "done",
      renditions: [expect.objectContaining({ name: "240p" }), expect.objectContaining({ name: "360p" })],
    });
    expect(done.videoId).toMatch(/^[0-9a-f-]{36}$/);
    expect(existsSync(done.master as string)).toBe(true);
  });

  it("exits non-zero with the typed error's message on a file that is not a video", async () => {
    await writeFile(join(dir, "notes.mp4"), "not a video\n".repeat(50));
    const run = await aq(["encode", "notes.mp4", "--out", "bad-out", "--id", "bad"]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr.trim()).toBe("aq: source is not a video file ffmpeg can read (SOURCE_NOT_MEDIA)");
    expect(run.stdout).toBe("");
    expect(existsSync(join(dir, "bad-out"))).toBe(false);

    const json = await aq(["encode", "notes.mp4", "--json"]);
    expect(json.exitCode).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      event: "error",
      code: "SOURCE_NOT_MEDIA",
      message: "source is not a video file ffmpeg can read",
    });
  });

  it("refuses a source below the configured minimum", async () => {
    const run = await aq(["encode", clip, "--out", "strict-out"], { LADDER_ALLOW_SMALLER_SOURCES: "false" });
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("(SOURCE_TOO_SMALL)");
  });

  it("encodes in chunks with --chunk-seconds: the same layout and segment durations as one run", async () => {
    const long = join(dir, "long.mp4");
    await makeTestClip(long, { seconds: 20, width: 640, height: 360, fps: 30 });
    const run = await aq(["encode", long, "--out", "chunked", "--id", "long", "--chunk-seconds", "6", "--mp4"]);
    expect(run.stderr).toMatch(/^encode \d+\.\d%/m);
    expect(run.exitCode).toBe(0);
    const root = join(dir, "chunked", "long");
    // The same extra files as a single run, and the download asked for (no 720p rung: the largest below it).
    expect((await readdir(root)).sort()).toEqual(["240p.m3u8", "360p.m3u8", "download", "images", "master.m3u8", "qc.json", "segments"]);
    expect(await readdir(join(root, "download"))).toEqual(["long.mp4"]);
    expect((await readdir(join(root, "images"))).filter((f) => f.startsWith("thumb_"))).toHaveLength(10);
    const qc = JSON.parse(await readFile(join(root, "qc.json"), "utf8"));
    expect(qc.renditions.map((r: { name: string; segmentCount: number }) => [r.name, r.segmentCount])).toEqual([
      ["240p", 4],
      ["360p", 4],
    ]);
    expect(qc.keyframesAligned).toBe(true);
    const segments = (await readdir(join(root, "segments"))).sort();
    expect(segments).toEqual(["240p", "360p"].flatMap((r) => [0, 1, 2, 3].map((i) => `${r}_00${i}.ts`)));
    const playlist = await readFile(join(root, "360p.m3u8"), "utf8");
    expect(playlist.match(/#EXTINF:([\d.]+)/g)).toEqual(["#EXTINF:6.000000", "#EXTINF:6.000000", "#EXTINF:6.000000", "#EXTINF:2.000000"]);
    expect(playlist).toContain("#EXT-X-ENDLIST");
    // Chunks (a first one of 2 segments, then 1 each: three encodes) sit on their own timeline.
    const probe = await execa("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "format=start_time",
      "-of",
      "csv=p=0",
      join(root, "segments", "240p_000.ts"),
    ]);
    expect(Number(probe.stdout)).toBeGreaterThanOrEqual(CHUNK_TIMELINE_OFFSET_SECONDS);
    expect((await aq(["encode", long, "--chunk-seconds", "7"])).exitCode).toBe(2);
  });

  it("refuses an id that could leave the output folder", async () => {
    const run = await aq(["encode", clip, "--out", "out", "--id", "../escape"]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("(INVALID_VIDEO_ID)");
    expect(existsSync(join(dir, "escape"))).toBe(false);
  });

  it("prints usage on a bad command line", async () => {
    const run = await aq(["transcode", clip]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain("usage: aq encode <input>");
    expect((await aq(["encode", clip, "--bogus"])).exitCode).toBe(2);
  });
});

describe("aq plan", () => {
  it("shows the ladder, an estimate and the ffmpeg command without encoding anything", async () => {
    const before = await readdir(dir);
    const run = await aq(["plan", clip], { X264_PRESET: "medium" });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^source: 640x360 h264, 30\/1 fps, 7\.0 s, aac 2 ch$/m);
    expect(run.stdout).toMatch(/^ladder \(capped CRF 19\):$/m);
    expect(run.stdout).toMatch(/^ {2}360p {2}640x360 {3}video at most 800 kbit\/s, audio 96 kbit\/s$/m);
    expect(run.stdout).toMatch(/^estimate: about \d+ CPU-seconds/m);
    expect(run.stdout).toMatch(/^stored: at most \d+\.\d MB/m);
    expect(run.stdout).toMatch(/^ffmpeg .* -crf:v:1 19 .*%v\.m3u8$/m);
    expect(await readdir(dir)).toEqual(before);
  });

  it("gives the plan as JSON, with no speed estimate for a preset the bench has not timed", async () => {
    const run = await aq(["plan", clip, "--json"], { X264_PRESET: "slow" });
    expect(run.exitCode).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.event).toBe("plan");
    expect(plan.plan.map((r: { name: string }) => r.name)).toEqual(["240p", "360p"]);
    expect(plan.estimate.cpuSeconds).toBeNull();
    // 7 s at 240p (400 + 64 kbit/s) and 360p (800 + 96 kbit/s), every rung at its cap.
    expect(plan.estimate.storedBytesAtMost).toBe(Math.round(((464 + 896) * 1000 * 7) / 8));
  });

  it("refuses an invalid source with its typed code, as encode does", async () => {
    const short = join(dir, "short.mp4");
    await makeTestClip(short, { seconds: 3, width: 640, height: 360, fps: 30 });
    const run = await aq(["plan", short]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain("(SOURCE_TOO_SHORT)");
  });
});
