import { mkdir, rm, stat } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { basename, extname, join } from "node:path";
import type { X264Preset } from "@aq/config";
import { buildEncodeArgs, planLadder, probeMedia, runFfmpeg, type MediaInfo, type RenditionPlan } from "@aq/media";
import { treeBytes, type BenchContext } from "../context.js";
import { measure, median, round } from "../measure.js";
import type { SpeedSection } from "../results.js";

export interface SpeedConfig {
  preset: X264Preset;
  /** 2: the top rung in one ffmpeg, the others in a second one, both at once. */
  processes: 1 | 2;
}

export function speedConfigId(c: SpeedConfig): string {
  return c.processes === 1 ? c.preset : `${c.preset}-split`;
}

/** The first `seconds` of a file, streams copied: the encodes then decode the source's own bitstream. */
async function firstSeconds(source: string, seconds: number, workDir: string): Promise<string> {
  const path = join(workDir, `speed-source${extname(source)}`);
  await runFfmpeg({
    args: ["-hide_banner", "-nostdin", "-y", "-i", source, "-t", String(seconds), "-map", "0:v:0", "-map", "0:a:0?", "-c", "copy", path],
    logFile: join(workDir, "speed-source.log"),
    label: "speed source",
    failureCode: "ENCODE_FAILED",
  });
  return path;
}

/** The ladder in one ffmpeg, or split across two run at the same time (each decodes the source). */
async function encodeLadder(
  ctx: BenchContext,
  input: string,
  info: MediaInfo,
  plan: RenditionPlan[],
  c: SpeedConfig,
  crf: number,
  dir: string,
): Promise<void> {
  const groups = c.processes === 1 ? [plan] : [plan.slice(-1), plan.slice(0, -1)];
  await Promise.all(
    groups.map(async (group, i) => {
      const outDir = join(dir, `out${i}`);
      await mkdir(join(outDir, "segments"), { recursive: true });
      const args = buildEncodeArgs({
        input,
        info,
        plan: group,
        preset: c.preset,
        rateControl: { mode: "capped-crf", crf },
        threads: ctx.ladder.encodeThreads,
        toneMap: false,
      });
      await runFfmpeg({
        args,
        cwd: outDir,
        logFile: join(dir, `encode${i}.log`),
        label: `encode ${speedConfigId(c)}`,
        failureCode: "ENCODE_FAILED",
      });
    }),
  );
}

/**
 * Encode speed of the whole ladder from a real 1080p source, as AQ's encode arguments with the
 * default capped CRF, per x264 preset and with the ladder in one or two ffmpeg processes. Runs
 * rotate through the configurations (a drifting load hits each alike); CPU is user + system of
 * the reaped ffmpegs, which contention inflates less than wall time.
 */
export async function runSpeed(ctx: BenchContext): Promise<SpeedSection> {
  const s = ctx.options.speed;
  const whole = s.source ?? (await ctx.sources.get(s.synthetic)).path;
  const input = s.source && s.seconds ? await firstSeconds(whole, s.seconds, ctx.workDir) : whole;
  const info = await probeMedia(input);
  const plan = planLadder(info, ctx.ladder);
  const seconds = info.durationSeconds ?? 0;
  const sourceBytes = (await stat(input)).size;
  const runs: SpeedSection["runs"] = [];
  const bytes = new Map<string, number>();
  for (let round_ = 0; round_ < s.runs; round_++) {
    for (let k = 0; k < s.configs.length; k++) {
      const c = s.configs[(k + round_) % s.configs.length]!;
      const id = speedConfigId(c);
      const dir = join(ctx.workDir, `speed-${id}-${round_}`);
      const loadBefore = loadavg()[0]!;
      const run = await measure(() => encodeLadder(ctx, input, info, plan, c, s.crf, dir));
      const loadAfter = loadavg()[0]!;
      bytes.set(id, await treeBytes(dir));
      runs.push({
        config: id,
        wallSeconds: round(run.wallSeconds),
        cpuSeconds: round(run.cpuSeconds),
        loadBefore: round(loadBefore, 2),
        loadAfter: round(loadAfter, 2),
        othersCpuSeconds: round(run.othersCpuSeconds),
      });
      ctx.log(
        `speed ${id} run ${round_ + 1}/${s.runs}: wall ${run.wallSeconds.toFixed(1)} s, CPU ${run.cpuSeconds.toFixed(1)} s, ` +
          `others ${run.othersCpuSeconds.toFixed(1)} CPU s, load ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)}`,
      );
      await rm(dir, { recursive: true, force: true });
    }
  }
  return {
    source: {
      id: s.source ? basename(s.source) : `synthetic-${s.synthetic.id}`,
      description: s.source
        ? s.seconds
          ? `sample corpus, first ${s.seconds} s (streams copied)`
          : "sample corpus, whole file"
        : "synthetic",
      width: info.video!.displayWidth,
      height: info.video!.displayHeight,
      fps: round(plan[0]!.frameRateValue, 3),
      seconds: round(seconds, 2),
      bytes: sourceBytes,
      bitrateKbps: round((sourceBytes * 8) / seconds / 1000, 0),
    },
    rungs: plan.map((r) => r.name),
    crf: s.crf,
    runsPerConfig: s.runs,
    cores: availableParallelism(),
    runs,
    configs: s.configs.map((c) => {
      const id = speedConfigId(c);
      const mine = runs.filter((r) => r.config === id);
      const wall = mine.map((r) => r.wallSeconds);
      const cpu = mine.map((r) => r.cpuSeconds);
      const wallMedian = median(wall);
      return {
        id,
        preset: c.preset,
        processes: c.processes,
        wallMedian: round(wallMedian),
        wallMin: Math.min(...wall),
        wallMax: Math.max(...wall),
        cpuMedian: round(median(cpu)),
        cpuMin: Math.min(...cpu),
        cpuMax: Math.max(...cpu),
        cpuSecondsPerVideoMinute: round((median(cpu) / seconds) * 60, 1),
        realtimeFactor: round(seconds / wallMedian, 3),
        maxLoad: Math.max(...mine.flatMap((r) => [r.loadBefore, r.loadAfter])),
        bytes: bytes.get(id) ?? 0,
      };
    }),
  };
}
