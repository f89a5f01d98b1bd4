import { mkdir, readFile, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { execa } from "execa";
import { parse } from "hls-parser";
import {
  encodeHls,
  encodeInChunks,
  normalizedFileName,
  normalizeSource,
  planLadder,
  playlistName,
  probeMedia,
  SEGMENT_SECONDS,
  KEYFRAME_INTERVAL_SECONDS,
  type MediaInfo,
  type RenditionPlan,
} from "@aq/media";
import type { BenchContext } from "../context.js";
import { round } from "../measure.js";
import { acceptedCorpusFiles } from "../real-media.js";
import type { ChunkingSection } from "../results.js";
import { frameIndexTimestamps } from "../vmaf.js";

/** Chunks of one segment after a first of one: the most joins a source can have, so the cost of a join shows most. */
const CHUNKS = { segmentSeconds: SEGMENT_SECONDS, chunkSegments: 1, firstChunkSegments: 1 };

interface FrameScores {
  ssim: number[];
  psnr: number[];
}

/** What one encode of one rung gives: its bytes and per-frame scores against the normalized source. */
interface RungRun {
  bytes: number;
  scores: FrameScores;
}

/**
 * Cost of chunking: the same normalized source encoded by today's single run and in chunks
 * (encodeInChunks, the functions the pipeline's chunk jobs run), alternating, per rung: bytes,
 * mean SSIM-Y / PSNR-Y against the source, and the worst 2 s GOP next to a join (chunked minus
 * single on the same frames).
 */
export async function runChunking(ctx: BenchContext): Promise<ChunkingSection> {
  const { options } = ctx;
  const inputs = options.chunking.mediaDir
    ? await longEnoughCorpusFiles(options.chunking.mediaDir, options.chunking.mediaFiles)
    : [{ name: options.chunking.synthetic.id, path: (await ctx.sources.get(options.chunking.synthetic)).path }];
  const sources: ChunkingSection["sources"] = [];
  for (const input of inputs) {
    ctx.log(`chunking: ${input.name}`);
    const dir = join(ctx.workDir, "chunking", input.name.replace(/[^\w.-]/g, "_"));
    await mkdir(dir, { recursive: true });
    const logFile = join(dir, "ffmpeg.log");
    const sourceInfo = await probeMedia(input.path);
    const normalized = join(dir, normalizedFileName(sourceInfo));
    await normalizeSource({ input: input.path, output: normalized, info: sourceInfo, logFile });
    const info = await probeMedia(normalized);
    const plan = planLadder(info, ctx.ladder);
    const runs: { variant: "single" | "chunked"; rungs: Map<string, RungRun>; joins: number[] }[] = [];
    for (let run = 0; run < options.chunking.runs; run++) {
      // Alternated so that neither variant always meets the same load.
      for (const variant of run % 2 === 0 ? (["single", "chunked"] as const) : (["chunked", "single"] as const)) {
        const outDir = join(dir, `${variant}-${run}`);
        const encode = {
          input: normalized,
          outDir,
          info,
          plan,
          logFile,
          preset: ctx.ladder.x264Preset,
          rateControl: ctx.ladder.rateControl,
        };
        const threads = ctx.ladder.encodeThreads;
        let joins: number[] = [];
        if (variant === "single") await encodeHls({ ...encode, threads });
        else {
          const result = await encodeInChunks({ ...encode, threads, workDir: join(dir, `work-${run}`), chunks: CHUNKS });
          joins = result.chunks.slice(1).map((c) => c.index * SEGMENT_SECONDS);
        }
        const rungs = new Map<string, RungRun>();
        for (const rung of plan)
          rungs.set(rung.name, await scoreRung(normalized, outDir, rung, join(dir, `${variant}-${run}-${rung.name}`)));
        runs.push({ variant, rungs, joins });
        if (!options.keepWork) await rm(outDir, { recursive: true, force: true });
      }
    }
    sources.push(summarize(input.name, info, plan, runs));
    await ctx.checkpoint("chunking", { sources });
  }
  return { chunkSegments: CHUNKS.chunkSegments, runs: options.chunking.runs, preset: ctx.ladder.x264Preset, sources };
}

/** Corpus files (accepted by MANIFEST.md) long enough for at least three chunks. */
async function longEnoughCorpusFiles(mediaDir: string, only: string[] | null) {
  const files = await acceptedCorpusFiles(mediaDir);
  const chosen = only ? files.filter((f) => only.includes(f.name)) : files;
  const long: typeof files = [];
  for (const file of chosen) {
    const info = await probeMedia(file.path);
    if ((info.durationSeconds ?? 0) > 2 * SEGMENT_SECONDS) long.push(file);
  }
  if (!long.length) throw new Error(`no accepted file of ${mediaDir} lasts over ${2 * SEGMENT_SECONDS} s`);
  return long;
}

/** Frames of the reference after an fps filter, by `${path} ${filter}`: every rung and run of a source shares one count. */
const referenceFrames = new Map<string, Promise<number>>();

/** Video frames of an ffmpeg input after `filter` (packets of the first video stream when none). */
async function countFrames(input: string, filter?: string): Promise<number> {
  const { stderr } = await execa("ffmpeg", [
    ...["-hide_banner", "-nostdin", "-nostats", "-i", input, "-map", "0:v:0"],
    ...(filter ? ["-vf", filter, "-f", "null", "-"] : ["-c", "copy", "-f", "null", "-"]),
  ]);
  const frames = [...stderr.matchAll(/frame=\s*(\d+)/g)].at(-1)?.[1];
  if (frames === undefined) throw new Error(`ffmpeg printed no frame count for ${input}`);
  return Number(frames);
}

/**
 * SSIM-Y and PSNR-Y of every frame of a rendition against the normalized source brought to the
 * rendition's frame rate and size as the encoders do (fps filter, bicubic scale); frames pair by
 * index. Where the video starts half a frame or more after the audio (the 30 s WebM, 21 ms at
 * 24 fps), the single run fills the first frame slot with a copy of the first frame and a chunked
 * encode does not, at the same timestamps: the side with more frames drops its surplus at the
 * start, else every later frame would be scored against its neighbour.
 */
async function scoreRung(reference: string, outDir: string, rung: RenditionPlan, prefix: string): Promise<RungRun> {
  const playlist = parse(await readFile(join(outDir, playlistName(rung)), "utf8"));
  if (playlist.isMasterPlaylist) throw new Error(`${playlistName(rung)} is a master playlist`);
  const files = playlist.segments.map((s) => join(outDir, s.uri));
  let bytes = 0;
  for (const file of files) bytes += (await stat(file)).size;
  const rendition = `concat:${files.join("|")}`;
  const fps = `fps=fps=${rung.frameRateText}`;
  const key = `${reference} ${fps}`;
  if (!referenceFrames.has(key)) referenceFrames.set(key, countFrames(reference, fps));
  const surplus = (await countFrames(rendition)) - (await referenceFrames.get(key)!);
  const skip = (n: number) => (n > 0 ? `trim=start_frame=${n},` : "");
  const pts = frameIndexTimestamps(rung);
  const graph = [
    `[0:v]${fps},${skip(-surplus)}scale=w=${rung.width}:h=${rung.height}:flags=bicubic,setsar=1,format=yuv420p,${pts},split[r1][r2]`,
    `[1:v]${skip(surplus)}${pts},setsar=1,format=yuv420p,split[d1][d2]`,
    `[d1][r1]ssim=stats_file=${prefix}-ssim.log[o1]`,
    `[d2][r2]psnr=stats_file=${prefix}-psnr.log[o2]`,
  ].join(";");
  await execa("ffmpeg", [
    ...["-hide_banner", "-nostdin", "-loglevel", "error", "-i", reference, "-i", rendition],
    ...["-filter_complex", graph, "-map", "[o1]", "-f", "null", "-", "-map", "[o2]", "-f", "null", "-"],
  ]);
  const column = async (file: string, key: RegExp) =>
    (await readFile(file, "utf8"))
      .trim()
      .split("\n")
      .map((line) => {
        const value = key.exec(line)?.[1];
        return value === "inf" ? 100 : Number(value);
      });
  return {
    bytes,
    scores: { ssim: await column(`${prefix}-ssim.log`, /\bY:([\d.]+)/), psnr: await column(`${prefix}-psnr.log`, /\bpsnr_y:([\d.]+|inf)/) },
  };
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function summarize(
  name: string,
  info: MediaInfo,
  plan: RenditionPlan[],
  runs: { variant: "single" | "chunked"; rungs: Map<string, RungRun>; joins: number[] }[],
): ChunkingSection["sources"][number] {
  const singles = runs.filter((r) => r.variant === "single");
  const chunkeds = runs.filter((r) => r.variant === "chunked");
  const joins = chunkeds[0]?.joins ?? [];
  const rungs = plan.map((rung) => {
    const single = singles.map((r) => r.rungs.get(rung.name)!);
    const chunked = chunkeds.map((r) => r.rungs.get(rung.name)!);
    // Byte ratio of each chunked run against the mean single run: the spread covers both variants' run-to-run change.
    const singleBytes = mean(single.map((s) => s.bytes));
    const ratios = chunked.map((c) => c.bytes / singleBytes);
    const fps = rung.frameRateValue;
    const gop = Math.round(KEYFRAME_INTERVAL_SECONDS * fps);
    // The GOPs either side of each join: chunked minus single, mean PSNR-Y over the GOP's frames, every run pair.
    let worstJoinPsnr = Infinity;
    let worstJoinSsim = Infinity;
    for (const joinSeconds of joins) {
      const at = Math.round(joinSeconds * fps);
      for (const start of [at - gop, at]) {
        for (let i = 0; i < Math.min(single.length, chunked.length); i++) {
          const slice = (xs: number[]) => xs.slice(Math.max(0, start), start + gop);
          const c = chunked[i]!.scores;
          const s = single[i]!.scores;
          if (!slice(c.psnr).length || !slice(s.psnr).length) continue;
          worstJoinPsnr = Math.min(worstJoinPsnr, mean(slice(c.psnr)) - mean(slice(s.psnr)));
          worstJoinSsim = Math.min(worstJoinSsim, mean(slice(c.ssim)) - mean(slice(s.ssim)));
        }
      }
    }
    return {
      rung: rung.name,
      singleBytes: Math.round(singleBytes),
      chunkedBytes: Math.round(mean(chunked.map((c) => c.bytes))),
      bytesRatio: round(mean(ratios), 4),
      bytesRatioMin: round(Math.min(...ratios), 4),
      bytesRatioMax: round(Math.max(...ratios), 4),
      singleSsimY: round(mean(single.map((s) => mean(s.scores.ssim))), 5),
      chunkedSsimY: round(mean(chunked.map((c) => mean(c.scores.ssim))), 5),
      singlePsnrY: round(mean(single.map((s) => mean(s.scores.psnr))), 3),
      chunkedPsnrY: round(mean(chunked.map((c) => mean(c.scores.psnr))), 3),
      worstJoinGopPsnrDelta: Number.isFinite(worstJoinPsnr) ? round(worstJoinPsnr, 3) : null,
      worstJoinGopSsimDelta: Number.isFinite(worstJoinSsim) ? round(worstJoinSsim, 5) : null,
    };
  });
  return {
    file: basename(name),
    seconds: round(info.durationSeconds ?? 0, 2),
    width: info.video?.displayWidth ?? 0,
    height: info.video?.displayHeight ?? 0,
    frameRate: plan[0]?.frameRateText ?? "",
    joins: joins.length,
    rungs,
  };
}
