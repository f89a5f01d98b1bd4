import { ladderConfigFromEnv } from "@aq/config";
import { planDryRun, type DryRunPlan } from "@aq/media";

/** `aq plan`: what `aq encode` (and the pipeline) would do with a file, without encoding it. */
export async function runPlan(input: string, env: Record<string, string | undefined>, signal: AbortSignal): Promise<DryRunPlan> {
  return planDryRun(input, ladderConfigFromEnv(env), signal);
}

const megabytes = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** The plan for a person: the source, the ladder, the estimates, then the ffmpeg command. */
export function formatPlan(dry: DryRunPlan, rateControl: string): string {
  const { info, plan, estimate } = dry;
  const video = info.video!;
  const audio = info.audio ? `${info.audio.codec} ${info.audio.channels} ch` : "no audio";
  const lines = [
    `source: ${video.displayWidth}x${video.displayHeight} ${video.codec}, ${plan[0]?.frameRateText ?? "?"} fps, ${(info.durationSeconds ?? 0).toFixed(1)} s, ${audio}`,
    `ladder (${rateControl}):`,
    ...plan.map(
      (r) =>
        `  ${r.name.padEnd(5)} ${`${r.width}x${r.height}`.padEnd(9)} video at most ${r.videoBitrateKbps} kbit/s${info.audio ? `, audio ${r.audioBitrateKbps} kbit/s` : ""}`,
    ),
    estimate.cpuSeconds === null
      ? "estimate: this preset has no measured speed (npm run bench times medium, faster and veryfast)"
      : `estimate: about ${estimate.cpuSeconds} CPU-seconds, ${estimate.wallSecondsOnThisMachine} s or more on this machine (from the bench's figures)`,
    `stored: at most ${megabytes(estimate.storedBytesAtMost)} (every rung at its cap)`,
    `ffmpeg ${dry.ffmpegArgs.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, "'\\''")}'`)).join(" ")}`,
  ];
  return `${lines.join("\n")}\n`;
}
