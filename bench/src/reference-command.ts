import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { runFfmpeg, type RenditionPlan } from "@aq/media";

/** The guide's (docs/encoding-guide.md §4) GOP (`-g 48 -keyint_min 48`) and segment length (`-hls_time 6`). */
const GUIDE_GOP_FRAMES = 48;
const GUIDE_SEGMENT_SECONDS = 6;

/**
 * The guide's (docs/encoding-guide.md) section 4 command, argument for argument, for the given rungs (the guide's four
 * for a 1080p source), with its defects corrected and nothing else changed:
 *  - `name:` in -var_stream_map, so the files are 240p.m3u8 and segments/240p_000.ts, not 0.m3u8;
 *  - the audio mapped once per rendition (a:0..a:3): ffmpeg refuses one audio stream in four variants;
 *  - `-hls_base_url segments/`, else the playlists list bare segment names that do not resolve;
 *  - keyframes forced every 6 s, so every segment of every rendition starts with one at the same time
 *    (with -g 48 alone at 30 fps the segments come out 6.4 s long and out of step with the grid);
 *  - the segments folder is made before ffmpeg runs (prepareReferenceOutput), which ffmpeg does not do.
 * Run with the output folder as working directory. ffmpeg's own master playlist is kept as written.
 */
export function referenceCommandArgs(
  input: string,
  rungs: Pick<RenditionPlan, "name" | "width" | "height" | "videoBitrateKbps">[],
  withAudio = true,
): string[] {
  const split = `[0:v]split=${rungs.length}${rungs.map((_, i) => `[v${i + 1}]`).join("")}`;
  const scales = rungs.map((r, i) => `[v${i + 1}]scale=${r.width}:${r.height}[v${r.name}]`);
  const perRung = rungs.flatMap((r, i) => [
    "-map",
    `[v${r.name}]`,
    ...(withAudio ? ["-map", "0:a"] : []),
    `-c:v:${i}`,
    "libx264",
    `-b:v:${i}`,
    `${r.videoBitrateKbps}k`,
  ]);
  return [
    "-hide_banner",
    "-nostdin",
    "-y",
    "-i",
    input,
    "-filter_complex",
    [split, ...scales].join(";"),
    ...perRung,
    ...(withAudio ? ["-c:a", "aac", "-ac", "2", "-ar", "48000"] : []),
    "-preset",
    "medium",
    "-profile:v",
    "main",
    "-g",
    String(GUIDE_GOP_FRAMES),
    "-keyint_min",
    String(GUIDE_GOP_FRAMES),
    "-force_key_frames",
    `expr:gte(t,n_forced*${GUIDE_SEGMENT_SECONDS})`,
    "-f",
    "hls",
    "-hls_time",
    String(GUIDE_SEGMENT_SECONDS),
    "-hls_playlist_type",
    "vod",
    "-hls_base_url",
    "segments/",
    "-hls_segment_filename",
    "segments/%v_%03d.ts",
    "-master_pl_name",
    "master.m3u8",
    "-var_stream_map",
    rungs.map((r, i) => (withAudio ? `v:${i},a:${i},name:${r.name}` : `v:${i},name:${r.name}`)).join(" "),
    "%v.m3u8",
  ];
}

/** The guide's (docs/encoding-guide.md §2) `os.makedirs("output/video_id/segments", exist_ok=True)`. */
export async function prepareReferenceOutput(outDir: string): Promise<void> {
  await mkdir(join(outDir, "segments"), { recursive: true });
}

/** Runs the corrected reference command; ffmpeg's stderr goes to `logFile`. */
export async function runReferenceEncode(options: {
  input: string;
  outDir: string;
  rungs: Pick<RenditionPlan, "name" | "width" | "height" | "videoBitrateKbps">[];
  withAudio: boolean;
  logFile: string;
}): Promise<void> {
  await prepareReferenceOutput(options.outDir);
  await runFfmpeg({
    args: referenceCommandArgs(options.input, options.rungs, options.withAudio),
    cwd: options.outDir,
    logFile: options.logFile,
    label: "reference encode",
    failureCode: "ENCODE_FAILED",
  });
}

/** The command as a shell line, for the report. */
export function shellLine(args: string[]): string {
  return ["ffmpeg", ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(" ");
}
