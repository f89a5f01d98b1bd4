import { copyFile, mkdir, open, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { AqError, IMAGES_DIR, imageJpegs, POSTER_FILE, STORYBOARD_VTT, type VideoAssets } from "@aq/contracts";
import { runFfmpeg } from "../ffmpeg-process.js";
import { playlistName } from "../hls-playlists.js";
import { fileArg } from "../input-safety.js";
import type { RenditionPlan } from "../ladder.js";
import { FFMPEG_RUN_ARGS } from "../progress.js";
import { parseFrameStats } from "./frame-stats.js";
import { planImages, type ImagePlan } from "./plan.js";
import { pickPosterFrame } from "./poster-pick.js";
import { sheetCount, storyboardVtt } from "./storyboard-vtt.js";

export interface MakeImagesOptions {
  /** A verified HLS output (the guide's layout); images/ is written into it. */
  outDir: string;
  /** Where candidate frames and frame statistics go; not part of the output. */
  workDir: string;
  /** The rendition whose keyframes are decoded: the largest. */
  rendition: Pick<RenditionPlan, "name" | "width" | "height">;
  durationSeconds: number;
  logFile: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const JPEG_QUALITY = { thumbnail: "4", tile: "5", poster: "3" };

/** Escapes the commas of a filter expression (ffmpeg's filter-graph syntax). */
const expr = (text: string) => text.replaceAll(",", "\\,");

function filterGraph(plan: ImagePlan): string {
  const { thumbnail, tile, columns, rows, poster } = plan;
  // Keyframes only (the encode puts one every 2 s), timed from the start of the rendition.
  const everyInterval = expr(`isnan(prev_selected_t)+gte(t-prev_selected_t,${plan.intervalSeconds - 0.01})`);
  const candidates = expr(
    `between(t,${poster.fromSeconds.toFixed(3)},${poster.toSeconds.toFixed(3)})*(isnan(prev_selected_t)+gte(t-prev_selected_t,${(poster.stepSeconds - 0.01).toFixed(3)}))`,
  );
  return [
    "[0:v]setpts=PTS-STARTPTS,split=2[grid][near]",
    `[grid]select=${everyInterval},split=2[t][s]`,
    `[t]scale=${thumbnail.width}:${thumbnail.height},signalstats,metadata=mode=print:file=thumbs.txt,format=yuvj420p[thumbs]`,
    `[s]scale=${tile.width}:${tile.height},tile=${columns}x${rows},format=yuvj420p[sheets]`,
    `[near]select=${candidates},signalstats,metadata=mode=print:file=candidates.txt,format=yuvj420p[candidates]`,
  ].join(";");
}

function imageOutput(label: string, quality: string, path: string): string[] {
  return ["-map", `[${label}]`, "-fps_mode", "passthrough", "-q:v", quality, "-start_number", "0", "-f", "image2", path];
}

/**
 * One ffmpeg run over the keyframes of the largest rendition (a small fraction of a full decode)
 * makes the thumbnails, the storyboard's sprite sheets and the poster candidates; the poster is
 * the least dark candidate that is not blank (pickPosterFrame). Writes images/ into outDir,
 * checks it (verifyImages) and returns its manifest.
 */
export async function makeImages(options: MakeImagesOptions): Promise<Omit<VideoAssets, "download">> {
  const outDir = resolve(options.outDir);
  const workDir = resolve(options.workDir);
  const imagesDir = join(outDir, IMAGES_DIR);
  const candidatesDir = join(workDir, "poster-candidates");
  await rm(imagesDir, { recursive: true, force: true });
  await rm(candidatesDir, { recursive: true, force: true });
  await mkdir(imagesDir, { recursive: true });
  await mkdir(candidatesDir, { recursive: true });
  const plan = planImages(options.rendition, options.durationSeconds);

  await runFfmpeg({
    args: [
      ...FFMPEG_RUN_ARGS,
      "-skip_frame",
      "nokey",
      "-format_whitelist",
      "hls,mpegts",
      "-protocol_whitelist",
      "file",
      "-i",
      fileArg(join(outDir, playlistName(options.rendition))),
      "-filter_complex",
      filterGraph(plan),
      ...imageOutput("thumbs", JPEG_QUALITY.thumbnail, join(imagesDir, "thumb_%04d.jpg")),
      ...imageOutput("sheets", JPEG_QUALITY.tile, join(imagesDir, "storyboard_%d.jpg")),
      ...imageOutput("candidates", JPEG_QUALITY.poster, join(candidatesDir, "%02d.jpg")),
    ],
    cwd: workDir,
    logFile: resolve(options.logFile),
    label: "images",
    failureCode: "ENCODE_FAILED",
    signal: options.signal,
    timeoutMs: options.timeoutMs,
  });

  const times = parseFrameStats(await readFile(join(workDir, "thumbs.txt"), "utf8")).map((f) => f.timeSeconds);
  const candidates = parseFrameStats(await readFile(join(workDir, "candidates.txt"), "utf8"));
  const chosen = pickPosterFrame(candidates, plan.poster.targetSeconds);
  if (!chosen)
    throw new AqError(
      "VERIFY_FAILED",
      `images: no keyframe between ${plan.poster.fromSeconds} s and ${plan.poster.toSeconds} s for the poster`,
    );
  await copyFile(join(candidatesDir, `${String(candidates.indexOf(chosen)).padStart(2, "0")}.jpg`), join(outDir, POSTER_FILE));
  await rm(candidatesDir, { recursive: true, force: true });

  const layout = { tile: plan.tile, columns: plan.columns, rows: plan.rows };
  await writeFile(join(outDir, STORYBOARD_VTT), storyboardVtt(times, options.durationSeconds, layout));
  const assets = {
    poster: { path: POSTER_FILE, timeSeconds: chosen.timeSeconds, width: plan.poster.width, height: plan.poster.height },
    thumbnails: { times, ...plan.thumbnail },
    storyboard: { path: STORYBOARD_VTT, sheets: sheetCount(times.length, layout), ...layout },
  };
  await verifyImages(outDir, assets);
  return assets;
}

async function isJpeg(path: string): Promise<boolean> {
  const file = await open(path).catch(() => null);
  if (!file) return false;
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(3), 0, 3, 0);
    return bytesRead === 3 && buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff;
  } finally {
    await file.close();
  }
}

/**
 * images/ holds exactly what the manifest names, each a JPEG (or the storyboard's WebVTT), and
 * no more: VERIFY_FAILED listing every problem otherwise.
 */
export async function verifyImages(outDir: string, assets: Omit<VideoAssets, "download">): Promise<void> {
  const problems: string[] = [];
  if (assets.thumbnails.times.length === 0) problems.push("no thumbnails were made");
  const jpegs = imageJpegs(assets);
  for (const path of jpegs) if (!(await isJpeg(join(outDir, path)))) problems.push(`${path} is missing or not a JPEG`);
  const vtt = await readFile(join(outDir, assets.storyboard.path), "utf8").catch(() => "");
  if (!vtt.startsWith("WEBVTT")) problems.push(`${assets.storyboard.path} is missing or not WebVTT`);
  const expected = new Set([...jpegs, assets.storyboard.path]);
  for (const name of await readdir(join(outDir, IMAGES_DIR))) {
    if (!expected.has(`${IMAGES_DIR}/${name}`)) problems.push(`unexpected file ${IMAGES_DIR}/${name}`);
  }
  if (problems.length > 0)
    throw new AqError("VERIFY_FAILED", `images failed verification: ${problems.slice(0, 5).join("; ")}`, { problems });
}
