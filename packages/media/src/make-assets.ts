import type { VideoAssets } from "@aq/contracts";
import { playlistName, readPlaylist } from "./hls-playlists.js";
import { makeImages } from "./images/make-images.js";
import type { RenditionPlan } from "./ladder.js";
import { makeDownload } from "./mp4/make-download.js";
import { join } from "node:path";

export interface MakeAssetsOptions {
  /** A verified HLS output (encodeVideo's outputDir). */
  outDir: string;
  /** The attempt's folder, for intermediate files. */
  workDir: string;
  plan: RenditionPlan[];
  logFile: string;
  /** Asked for: the file name (without .mp4) and the rung to remux. */
  download: { name: string; rendition: string } | null;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Seconds the rendition's playlist lasts: what the images and their cues are timed against. */
async function playlistSeconds(outDir: string, rendition: RenditionPlan): Promise<number> {
  const playlist = await readPlaylist(join(outDir, playlistName(rendition)));
  return playlist.isMasterPlaylist ? 0 : playlist.segments.reduce((sum, s) => sum + s.duration, 0);
}

/**
 * Everything made beside the guide's HLS files, from those files: images/ (poster, thumbnails,
 * storyboard) from the largest rendition's keyframes and, when asked for, download/<name>.mp4
 * remuxed from one rendition. Each part checks what it wrote (VERIFY_FAILED).
 */
export async function makeAssets(options: MakeAssetsOptions): Promise<VideoAssets> {
  const largest = options.plan.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
  const common = { outDir: options.outDir, logFile: options.logFile, signal: options.signal, timeoutMs: options.timeoutMs };
  const images = await makeImages({
    ...common,
    workDir: options.workDir,
    rendition: largest,
    durationSeconds: await playlistSeconds(options.outDir, largest),
  });
  if (!options.download) return images;
  const download = await makeDownload({
    ...common,
    plan: options.plan,
    renditionName: options.download.rendition,
    name: options.download.name,
  });
  return { ...images, download };
}
