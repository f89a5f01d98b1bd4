import { rm } from "node:fs/promises";
import { execa } from "execa";

export interface TestClipOptions {
  seconds: number;
  width: number;
  height: number;
  fps: number;
  /** Default "stereo" (a 440/660 Hz tone). */
  audio?: "stereo" | "5.1" | "silent" | "none";
  /** Tracks after the first are silent, so a test can tell which one was encoded. Default 1. */
  audioTracks?: number;
  /** e.g. "yuv420p10le", "yuv444p", "yuv422p"; default yuv420p (yuv420p10le with hdr). */
  pixFmt?: string;
  /** Stored as a display-matrix rotation, as phones do: the frames stay landscape. */
  rotate?: 90 | -90 | 180;
  /** Tags the video BT.2020 / PQ (smpte2084), as HDR10 phone footage is. */
  hdr?: boolean;
  /** 0-100: film-grain-like noise that makes the picture as hard to compress as camera footage. */
  noise?: number;
}

/**
 * Writes a synthetic clip (lavfi testsrc2, which moves, plus sine tones) encoded with libx264
 * ultrafast so it is quick to make. The container follows the file extension.
 */
export async function makeTestClip(path: string, options: TestClipOptions): Promise<void> {
  const { seconds, width, height, fps } = options;
  const audio = options.audio ?? "stereo";
  const tracks = audio === "none" ? 0 : Math.max(1, options.audioTracks ?? 1);
  const pixFmt = options.pixFmt ?? (options.hdr ? "yuv420p10le" : "yuv420p");

  const inputs = ["-f", "lavfi", "-i", `testsrc2=size=${width}x${height}:rate=${fps}:duration=${seconds}`];
  for (let t = 0; t < tracks; t++) inputs.push("-f", "lavfi", "-i", audioSource(t === 0 ? audio : "silent", seconds));
  const maps = ["-map", "0:v", ...Array.from({ length: tracks }, (_, t) => ["-map", `${t + 1}:a`]).flat()];

  const target = options.rotate ? `${path}.unrotated.mp4` : path;
  await ffmpeg([
    ...inputs,
    ...maps,
    ...(options.noise ? ["-vf", `noise=alls=${options.noise}:allf=t+u`] : []),
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-pix_fmt",
    pixFmt,
    ...(options.hdr ? ["-color_primaries", "bt2020", "-color_trc", "smpte2084", "-colorspace", "bt2020nc"] : []),
    ...(tracks > 0 ? ["-c:a", "aac", "-b:a", "128k"] : []),
    "-t",
    String(seconds),
    target,
  ]);
  if (options.rotate) {
    // ffmpeg 5.1 writes the rotate tag as a display matrix only when stream-copying.
    await ffmpeg(["-i", target, "-map", "0", "-c", "copy", "-metadata:s:v:0", `rotate=${(options.rotate + 360) % 360}`, path]);
    await rm(target, { force: true });
  }
}

function audioSource(kind: "stereo" | "5.1" | "none" | "silent", seconds: number): string {
  if (kind === "silent" || kind === "none") return `anullsrc=r=48000:cl=stereo:d=${seconds}`;
  if (kind === "5.1") {
    const tones = [440, 550, 660, 110, 880, 990].map((f) => `0.4*sin(2*PI*${f}*t)`).join("|");
    return `aevalsrc=${tones}:s=48000:c=5.1:d=${seconds}`;
  }
  return `aevalsrc=0.5*sin(2*PI*440*t)|0.5*sin(2*PI*660*t):s=48000:c=stereo:d=${seconds}`;
}

async function ffmpeg(args: string[]): Promise<void> {
  const result = await execa("ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...args], {
    reject: false,
    stdin: "ignore",
  });
  if (result.exitCode !== 0) throw new Error(`makeTestClip: ffmpeg failed: ${String(result.stderr).slice(-2000)}`);
}
