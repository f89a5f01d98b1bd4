import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultLadderConfig, type LadderConfig } from "@aq/config";
import { makeTestClip } from "@aq/devkit";
import { AAC_FRAME_SAMPLES, encodeSourceAudio, type AudioTrackInput } from "../../src/chunks/audio.js";
import { encodeChunk, type EncodedChunk } from "../../src/chunks/encode-chunk.js";
import { encodeInChunks } from "../../src/chunks/encode-in-chunks.js";
import { planChunks, type ChunkRange } from "../../src/chunks/plan.js";
import { chunkedPlaylists, writePlaylistFiles } from "../../src/chunks/playlists.js";
import { encodeHls } from "../../src/encode.js";
import { planLadder, type RenditionPlan } from "../../src/ladder.js";
import type { MediaInfo } from "../../src/media-info.js";
import { normalizeSource } from "../../src/normalize.js";
import { probeMedia } from "../../src/probe.js";
import { verifyHlsOutput } from "../../src/verify.js";
import { expectAlignedSegments, expectExactLayout, mediaPlaylist } from "../hls-assertions.js";

/** 640x360 sources give two rungs (240p, 360p) with different audio bit rates: quick, and two audio tracks. */
const ladder: LadderConfig = { ...defaultLadderConfig, allowSmallerSources: true, x264Preset: "superfast" };
const SECONDS = 20;
/** A white frame and a loud 3 kHz burst over a steady tone at every 6 s mark: what the A/V sync check looks for. */
const MARK_EVERY = 6;

interface Encoded {
  normalized: string;
  audio: AudioTrackInput[];
  info: MediaInfo;
  plan: RenditionPlan[];
  chunks: ChunkRange[];
  done: EncodedChunk[];
  single: string;
  chunked: string;
}

let dir: string;
const sources: Record<string, Encoded> = {};

/** testsrc2 with marks, and a 0.3 tone (440 Hz left, 660 Hz right) plus bursts: never silent. */
async function makeMarkedClip(path: string, rate: string): Promise<void> {
  const flash = `drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(t+0.001,${MARK_EVERY}),1/25)'`;
  const burst = `0.6*lt(mod(t,${MARK_EVERY}),0.05)*sin(2*PI*3000*t)`;
  await execa("ffmpeg", [
    ...["-hide_banner", "-nostdin", "-loglevel", "error", "-y"],
    ...["-f", "lavfi", "-i", `testsrc2=size=640x360:rate=${rate}:duration=${SECONDS},${flash}`],
    ...["-f", "lavfi", "-i", `aevalsrc='0.3*sin(2*PI*440*t)+${burst}|0.3*sin(2*PI*660*t)+${burst}':s=48000:c=stereo:d=${SECONDS}`],
    ...["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "192k", path],
  ]);
}

/** Normalizes, then encodes the same normalized file once as today's single run and once in chunks (in reverse order). */
async function prepare(name: string, rate: string, chunkSegments: number): Promise<Encoded> {
  const root = join(dir, name);
  const clip = join(dir, `${name}.mp4`);
  await makeMarkedClip(clip, rate);
  const logFile = join(dir, `${name}.log`);
  const normalized = join(dir, `${name}-normalized.mp4`);
  await normalizeSource({ input: clip, output: normalized, info: await probeMedia(clip), logFile });
  const info = await probeMedia(normalized);
  const plan = planLadder(info, ladder);
  const single = join(root, "single");
  await encodeHls({ input: normalized, outDir: single, info, plan, logFile, preset: "superfast" });

  const chunked = join(root, "chunked");
  const audio = await encodeSourceAudio({ input: normalized, info, plan, outDir: join(root, "audio"), logFile });
  const chunks = planChunks(info.durationSeconds!, { segmentSeconds: 6, chunkSegments, firstChunkSegments: 1 });
  const done: EncodedChunk[] = [];
  for (const chunk of [...chunks].reverse()) {
    // The first chunk encodes its own audio, as in the pipeline.
    const own = chunk.index === 0 ? undefined : audio;
    done.push(await encodeChunk({ input: normalized, audio: own, info, plan, chunk, outDir: chunked, logFile, preset: "superfast" }));
  }
  await writePlaylistFiles(chunked, chunkedPlaylists(plan, done, chunks.length, true)!.files);
  return { normalized, audio, info, plan, chunks, done, single, chunked };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aq-chunk-test-"));
  // 30 fps: chunks of 1 and 2 segments; 29.97 fps, where 6 s is not a whole number of frames.
  sources.fps30 = await prepare("fps30", "30", 2);
  sources.ntsc = await prepare("ntsc", "30000/1001", 1);
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Packet {
  pts: number;
  duration: number;
  key: boolean;
}

const probed = new Map<string, Promise<{ v: Packet[]; a: Packet[] }>>();

/** Video and audio packets of a segment in presentation order, probed once per file. */
async function packets(file: string, stream: "v" | "a"): Promise<Packet[]> {
  if (!probed.has(file)) probed.set(file, probePackets(file));
  return (await probed.get(file)!)[stream];
}

async function probePackets(file: string): Promise<{ v: Packet[]; a: Packet[] }> {
  const { stdout } = await execa("ffprobe", ["-v", "error", "-show_entries", "packet=codec_type,pts,duration,flags", "-of", "json", file]);
  const parsed = JSON.parse(stdout) as { packets: { codec_type: string; pts: number; duration?: number; flags: string }[] };
  const of = (type: string) =>
    parsed.packets
      .filter((p) => p.codec_type === type)
      .map((p) => ({ pts: p.pts, duration: p.duration ?? 0, key: p.flags.includes("K") }))
      .sort((a, b) => a.pts - b.pts);
  return { v: of("video"), a: of("audio") };
}

async function renditionPackets(outDir: string, rung: string, stream: "v" | "a"): Promise<Packet[][]> {
  const playlist = await mediaPlaylist(outDir, rung);
  return Promise.all(playlist.segments.map((s) => packets(join(outDir, s.uri), stream)));
}

describe.each(["fps30", "ntsc"])("a chunked encode (%s)", (name) => {
  it("plans at least 3 chunks and passes the verifier with exactly the guide's layout", async () => {
    const { chunked, plan, chunks } = sources[name]!;
    expect(chunks.length).toBeGreaterThanOrEqual(3);
    const verified = await verifyHlsOutput(chunked, plan);
    expect(verified.renditions.map((r) => r.name)).toEqual(["240p", "360p"]);
    await expectExactLayout(chunked, plan, { qc: false });
    await expectAlignedSegments(chunked, plan);
  });

  it("has the single run's segment count and durations in every rung", async () => {
    const { chunked, single, plan } = sources[name]!;
    for (const r of plan) {
      const a = await mediaPlaylist(chunked, r.name);
      const b = await mediaPlaylist(single, r.name);
      expect(a.segments.map((s) => [s.uri, s.duration])).toEqual(b.segments.map((s) => [s.uri, s.duration]));
    }
  });

  it("continues the video timestamps across every join, with keyframes where the single run has them", async () => {
    const { chunked, single, plan } = sources[name]!;
    for (const r of plan) {
      const segments = await renditionPackets(chunked, r.name, "v");
      const reference = (await renditionPackets(single, r.name, "v")).flat();
      const all = segments.flat();
      expect(all.length).toBe(reference.length);
      for (let i = 1; i < all.length; i++) {
        // 90 kHz ticks: one frame lasts 3000 (30 fps) or 3003 (29.97 fps) ticks, never a gap or an overlap.
        expect(all[i]!.pts - all[i - 1]!.pts, `${r.name} frame ${i}`).toBe(all[i - 1]!.duration);
      }
      const keyTimes = (packets: Packet[]) => packets.filter((p) => p.key).map((p) => p.pts - packets[0]!.pts);
      expect(keyTimes(all)).toEqual(keyTimes(reference));
      for (const segment of segments) expect(segment[0]!.key).toBe(true);
    }
  });

  it("holds every AAC frame of the whole-source audio exactly once, contiguous across joins", async () => {
    const { chunked, single, plan } = sources[name]!;
    for (const r of plan) {
      const all = (await renditionPackets(chunked, r.name, "a")).flat();
      const reference = (await renditionPackets(single, r.name, "a")).flat();
      expect(all.length).toBe(reference.length);
      for (let i = 1; i < all.length; i++) expect(all[i]!.pts - all[i - 1]!.pts, `${r.name} audio frame ${i}`).toBe(1920);
      // Against the video: the same distance as in the single run (the AAC priming before the first frame).
      const video = (await renditionPackets(chunked, r.name, "v")).flat();
      const referenceVideo = (await renditionPackets(single, r.name, "v")).flat();
      expect(all[0]!.pts - video[0]!.pts).toBe(reference[0]!.pts - referenceVideo[0]!.pts);
    }
  });

  it("plays no silence at any join (silencedetect on the decoded rendition)", async () => {
    const { chunked, plan, chunks } = sources[name]!;
    for (const r of plan) {
      const { stderr } = await execa("ffmpeg", [
        ...["-hide_banner", "-nostdin", "-i", join(chunked, `${r.name}.m3u8`), "-map", "0:a"],
        ...["-af", "silencedetect=noise=-30dB:duration=0.005", "-f", "null", "-"],
      ]);
      const silences = [...stderr.matchAll(/silence_start: (-?[\d.]+)/g)].map((m) => Number(m[1]));
      expect(stderr).toContain("Audio:");
      // The AAC encoder's priming before the first sample and its padding after the last (as in the
      // single run) are the only silence there may be: the stream starts at 0 here.
      const inside = silences.filter((s) => s > 0.1 && s < SECONDS - 0.1);
      expect(inside, `silences in ${r.name} (joins at ${chunks.slice(1).map((c) => c.startSeconds)} s)`).toEqual([]);
    }
  });

  it("sounds as close to the source at every join as the single run does: no click", async () => {
    const { chunked, single, normalized, plan, chunks } = sources[name]!;
    const source = await decodeAudio(normalized);
    for (const r of plan) {
      const [a, b] = await Promise.all([decodeAudio(join(chunked, `${r.name}.m3u8`)), decodeAudio(join(single, `${r.name}.m3u8`))]);
      // Decoded from MPEG-TS, a rendition starts with the encoder's priming frame before the source's first sample.
      expect(b.length - source.length).toBe(AAC_FRAME_SAMPLES);
      expect(a.length).toBe(b.length);
      const errorDb = (x: Float32Array, from: number, to: number) => {
        let error = 0;
        let signal = 0;
        for (let i = from; i < to; i++) {
          error += (x[i + AAC_FRAME_SAMPLES]! - source[i]!) ** 2;
          signal += source[i]! ** 2;
        }
        return 10 * Math.log10(error / signal);
      };
      expect(errorDb(b, 48_000, 96_000), `${r.name}: the single run against the source`).toBeLessThan(-5);
      for (const { startSeconds } of chunks.slice(1)) {
        // 50 ms each side of the join. A dropped, doubled or silent frame, or a discontinuity,
        // makes the error as loud as the signal (0 dB or more).
        const [from, to] = [Math.round((startSeconds - 0.05) * 48_000), Math.round((startSeconds + 0.05) * 48_000)];
        expect(errorDb(a, from, to), `${r.name} around the ${startSeconds} s join`).toBeLessThan(errorDb(b, from, to) + 2);
      }
    }
  });

  it("keeps sound and picture in sync within one frame at every join", async () => {
    const { chunked, plan, chunks, info } = sources[name]!;
    const frame = 1 / plan[0]!.frameRateValue;
    for (const r of plan) {
      const { flashes, bursts } = await marks(join(chunked, `${r.name}.m3u8`), join(dir, `${name}-${r.name}`));
      const joins = chunks.slice(1).map((c) => c.startSeconds);
      expect(flashes.length, `${r.name} flashes`).toBe(Math.ceil((info.video ? SECONDS : 0) / MARK_EVERY));
      expect(bursts.length, `${r.name} bursts`).toBe(flashes.length);
      for (const join of joins) {
        const flash = flashes.find((t) => Math.abs(t - flashes[0]! - join) < 0.5);
        const burst = bursts.find((t) => Math.abs(t - flashes[0]! - join) < 0.5);
        expect(flash, `${r.name}: a flash at the ${join} s join`).toBeDefined();
        expect(Math.abs(burst! - flash!), `${r.name}: A/V offset at the ${join} s join`).toBeLessThanOrEqual(frame);
      }
    }
  });

  it("lists only the contiguous done prefix as a growing EVENT playlist, and nothing before chunk 0", async () => {
    const { plan, done, chunks } = sources[name]!;
    expect(
      chunkedPlaylists(
        plan,
        done.filter((c) => c.index !== 0),
        chunks.length,
        true,
      ),
    ).toBeNull();
    const partial = chunkedPlaylists(
      plan,
      done.filter((c) => c.index !== 1),
      chunks.length,
      true,
    )!;
    expect(partial).toMatchObject({ complete: false, chunkCount: 1, segmentCount: chunks[0]!.segmentCount });
    const media = partial.files.find((f) => f.name === "240p.m3u8")!.text;
    expect(media).toContain("#EXT-X-PLAYLIST-TYPE:EVENT");
    expect(media).not.toContain("#EXT-X-ENDLIST");
    expect(media).toContain("segments/240p_000.ts");
    expect(media).not.toContain(`segments/240p_${String(chunks[1]!.firstSegment).padStart(3, "0")}.ts`);
    expect(partial.files.map((f) => f.name)).toEqual(["master.m3u8", "240p.m3u8", "360p.m3u8"]);
    expect(partial.files[0]!.text).toMatch(/AVERAGE-BANDWIDTH=\d+,CODECS="avc1\.4d40[0-9a-f]{2},mp4a\.40\.2"/);
  });
});

/** A rendition's audio decoded to mono 48 kHz samples, from its first. */
async function decodeAudio(playlist: string): Promise<Float32Array> {
  const { stdout } = await execa(
    "ffmpeg",
    ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", playlist, "-map", "0:a", "-ac", "1", "-ar", "48000", "-f", "f32le", "-"],
    { encoding: "buffer" },
  );
  const bytes = Buffer.from(stdout);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

/** Presentation times of the white frames and of the onsets of the loud bursts, decoded from one rendition. */
async function marks(playlist: string, prefix: string): Promise<{ flashes: number[]; bursts: number[] }> {
  const videoFile = `${prefix}-luma.txt`;
  const audioFile = `${prefix}-peak.txt`;
  await execa("ffmpeg", [
    ...["-hide_banner", "-nostdin", "-loglevel", "error", "-copyts", "-i", playlist],
    ...["-map", "0:v", "-vf", `scale=64:36,signalstats,metadata=print:key=lavfi.signalstats.YAVG:file=${videoFile}`, "-f", "null", "-"],
    ...[
      "-map",
      "0:a",
      "-af",
      `asetnsamples=n=240:p=0,astats=metadata=1:reset=1,ametadata=print:key=lavfi.astats.Overall.Peak_level:file=${audioFile}`,
    ],
    ...["-f", "null", "-"],
  ]);
  const series = async (file: string) =>
    [...(await readFile(file, "utf8")).matchAll(/pts_time:([\d.]+)\s*\n[^=]+=(-?[\d.]+|-inf)/g)].map(
      (m) => [Number(m[1]), Number(m[2])] as const,
    );
  const onsets = (points: (readonly [number, number])[], over: number) =>
    points.filter(([, v], i) => v > over && (i === 0 || points[i - 1]![1] <= over)).map(([t]) => t);
  return { flashes: onsets(await series(videoFile), 200), bursts: onsets(await series(audioFile), -3) };
}

/** Serves files of `root` with byte ranges (what ffmpeg seeks with), ignoring query strings, as a bucket serves presigned GETs. */
async function serveFiles(root: string): Promise<{ server: Server; url: (path: string) => string }> {
  const server = createServer((req, res) => {
    const path = join(root, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
    stat(path).then(
      ({ size }) => {
        const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
        const start = range ? Number(range[1]) : 0;
        const end = range && range[2] ? Number(range[2]) : size - 1;
        res.writeHead(range ? 206 : 200, {
          "content-length": end - start + 1,
          "accept-ranges": "bytes",
          ...(range ? { "content-range": `bytes ${start}-${end}/${size}` } : {}),
        });
        createReadStream(path, { start, end }).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: (path) => `http://127.0.0.1:${port}${path.slice(root.length)}?X-Amz-Signature=not-for-logs` };
}

describe("encodeInChunks", () => {
  it("encodes a source without audio in chunks to video-only renditions that pass the verifier", async () => {
    const clip = join(dir, "silent.mp4");
    await makeTestClip(clip, { seconds: 14, width: 640, height: 360, fps: 25, audio: "none" });
    const info = await probeMedia(clip);
    const plan = planLadder(info, ladder);
    const outDir = join(dir, "silent");
    const result = await encodeInChunks({
      input: clip,
      outDir,
      workDir: join(dir, "silent-work"),
      info,
      plan,
      chunks: { segmentSeconds: 6, chunkSegments: 1, firstChunkSegments: 1 },
      logFile: join(dir, "silent.log"),
      preset: "superfast",
    });
    expect(result.chunks.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(result.playlists).toMatchObject({ complete: true, segmentCount: 3 });
    await verifyHlsOutput(outDir, plan);
    await expectExactLayout(outDir, plan, { qc: false });
    await expectAlignedSegments(outDir, plan);
    const master = await readFile(join(outDir, "master.m3u8"), "utf8");
    expect(master).toMatch(/CODECS="avc1\.4d40[0-9a-f]{2}"/);
    expect(master).not.toContain("mp4a");
    for (const segment of result.chunks.flatMap((c) => c.renditions.flatMap((r) => r.segments))) {
      expect(await packets(join(outDir, segment.uri), "a")).toEqual([]);
    }
  });
});

describe("a chunk read over HTTP", () => {
  it("encodes from URLs (presigned GETs of the normalized source and audio) the same segments as from files, and logs no signature", async () => {
    const { normalized, audio, info, plan, chunks, done, chunked } = sources.fps30!;
    const { server, url } = await serveFiles(dir);
    try {
      const chunk = chunks[1]!;
      const outDir = join(dir, "over-http");
      const logFile = join(dir, "over-http.log");
      const result = await encodeChunk({
        input: url(normalized),
        audio: audio.map((a) => ({ ...a, input: url(a.input) })),
        info,
        plan,
        chunk,
        outDir,
        logFile,
        preset: "superfast",
      });
      // x264's rate control under frame threads is not bit-exact from run to run: compare what a player sees.
      const fromFiles = done.find((c) => c.index === chunk.index)!;
      const shape = (c: EncodedChunk) => c.renditions.map((r) => [r.name, r.videoCodec, r.segments.map((s) => [s.uri, s.durationSeconds])]);
      expect(shape(result)).toEqual(shape(fromFiles));
      for (const segment of result.renditions.flatMap((r) => r.segments)) {
        for (const stream of ["v", "a"] as const) {
          const pts = async (root: string) => (await packets(join(root, segment.uri), stream)).map((p) => p.pts);
          expect(await pts(outDir), `${segment.uri} ${stream}`).toEqual(await pts(chunked));
        }
      }
      const log = await readFile(logFile, "utf8");
      expect(log).toContain("http://127.0.0.1:");
      expect(log).not.toContain("not-for-logs");
    } finally {
      server.close();
    }
  });

  it("fails with ENCODE_FAILED on an unreachable URL, its signature in neither the message nor the log", async () => {
    const { info, plan, chunks, audio } = sources.fps30!;
    const error = await encodeChunk({
      input: "http://127.0.0.1:1/normalized.mp4?X-Amz-Signature=not-for-logs",
      audio,
      info,
      plan,
      chunk: chunks[0]!,
      outDir: join(dir, "unreachable"),
      logFile: join(dir, "unreachable.log"),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "ENCODE_FAILED" });
    expect(String((error as Error).message)).not.toContain("not-for-logs");
    expect(await readFile(join(dir, "unreachable.log"), "utf8")).not.toContain("not-for-logs");
  });
});
