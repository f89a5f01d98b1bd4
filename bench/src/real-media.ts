import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { planLadder, probeMedia, runFfmpeg, type MediaInfo, type RenditionPlan } from "@aq/media";
import type { LadderConfig } from "@aq/config";

/** A file of the sample-media corpus that AQ accepts, by its MANIFEST.md row. */
export interface CorpusFile {
  name: string;
  path: string;
}

/**
 * The accepted files listed in the corpus's MANIFEST.md (rows whose last cell says ACCEPT): the
 * manifest is the one list of what the corpus holds and what AQ must take.
 */
export async function acceptedCorpusFiles(mediaDir: string): Promise<CorpusFile[]> {
  const manifest = await readFile(join(mediaDir, "MANIFEST.md"), "utf8");
  const files: CorpusFile[] = [];
  for (const line of manifest.split("\n")) {
    const name = /^\| `([^`]+)` \|/.exec(line)?.[1];
    const verdict = line.trim().replace(/\|$/, "").split("|").pop() ?? "";
    if (name && /\bACCEPT\b/.test(verdict)) files.push({ name, path: join(mediaDir, name) });
  }
  if (!files.length) throw new Error(`${mediaDir}/MANIFEST.md lists no accepted file`);
  return files;
}

export interface Mezzanine {
  path: string;
  info: MediaInfo;
  /** The whole source's duration (the mezzanine is its first part) and displayed size. */
  sourceSeconds: number;
  sourceWidth: number;
  sourceHeight: number;
  plan: RenditionPlan[];
  seconds: number;
  width: number;
  height: number;
  fps: number;
}

/**
 * The first `seconds` of a source's video as every encode under comparison reads it: at the frame
 * rate AQ's ladder chooses, displayed shape with square pixels (rotation and SAR applied) at the
 * top rung's size, 8-bit 4:2:0, lossless x264. Encoding from one lossless file, and scoring against it, makes every
 * rendition pair frame for frame with its reference whatever the source's timestamps were.
 */
export async function makeMezzanine(source: string, dir: string, seconds: number, ladder: LadderConfig): Promise<Mezzanine> {
  const info = await probeMedia(source);
  const video = info.video;
  if (!video) throw new Error(`${source} has no video`);
  const rate = planLadder(info, ladder)[0]!.frameRateText;
  const path = join(dir, "mezzanine.mkv");
  // Capped at the top rung's size: every rendition is scored at its own size, so detail above
  // 720p would only make each encode and each scoring pass decode more.
  const top = planLadder(info, ladder).at(-1)!;
  const fit = Math.min(1, Math.max(top.width, top.height) / Math.max(video.displayWidth, video.displayHeight));
  const w = Math.round((video.displayWidth * fit) / 2) * 2;
  const h = Math.round((video.displayHeight * fit) / 2) * 2;
  await runFfmpeg({
    args: [
      "-hide_banner",
      "-nostdin",
      "-y",
      "-i",
      source,
      "-t",
      String(seconds),
      "-map",
      "0:v:0",
      "-vf",
      `fps=fps=${rate},scale=w=${w}:h=${h}:flags=bicubic,setsar=1,format=yuv420p`,
      "-c:v",
      "libx264",
      "-preset",
      "ultrafast",
      "-qp",
      "0",
      "-an",
      "-sn",
      "-dn",
      path,
    ],
    logFile: join(dir, "mezzanine.log"),
    label: "mezzanine",
    failureCode: "ENCODE_FAILED",
  });
  const mezzanine = await probeMedia(path);
  const plan = planLadder(mezzanine, ladder);
  return {
    path,
    info: mezzanine,
    sourceSeconds: info.durationSeconds ?? seconds,
    sourceWidth: video.displayWidth,
    sourceHeight: video.displayHeight,
    plan,
    seconds: mezzanine.durationSeconds ?? seconds,
    width: mezzanine.video!.displayWidth,
    height: mezzanine.video!.displayHeight,
    fps: plan[0]!.frameRateValue,
  };
}
