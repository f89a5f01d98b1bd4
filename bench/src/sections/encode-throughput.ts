import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildEncodeArgs, encodeVideo, planLadder, probeMedia, type EncodeProgress } from "@aq/media";
import { treeBytes, type BenchContext } from "../context.js";
import { alternation, measure, median, round } from "../measure.js";
import { referenceCommandArgs, runReferenceEncode } from "../reference-command.js";
import type { EncodeRun, EncodeSection, StageSeconds } from "../results.js";

/**
 * The same source encoded by the guide's (docs/encoding-guide.md §4) corrected command and by AQ's encodeVideo (probe,
 * normalize, encode, verify), alternating A B / B A. CPU is that of the reaped ffmpeg/ffprobe
 * children plus this process.
 */
export async function runEncodeThroughput(ctx: BenchContext): Promise<EncodeSection> {
  const { runs } = ctx.options.encode;
  const result: EncodeSection = { runsPerVariant: runs, referenceCommand: [], aqCommand: [], sources: [] };
  for (const spec of ctx.options.encode.sources) {
    const source = await ctx.sources.get(spec);
    const info = await probeMedia(source.path);
    const plan = planLadder(info, ctx.ladder);
    const withAudio = info.audio !== null;
    result.referenceCommand = referenceCommandArgs("input.mp4", plan, withAudio);
    result.aqCommand = buildEncodeArgs({
      input: "/path/to/normalized.mp4",
      info,
      plan,
      preset: ctx.ladder.x264Preset,
      rateControl: ctx.ladder.rateControl,
      threads: ctx.ladder.encodeThreads,
      toneMap: false,
    });

    const measured: EncodeRun[] = [];
    const order = alternation("reference" as const, "aq" as const, runs);
    for (const [i, variant] of order.entries()) {
      const dir = join(ctx.workDir, `encode-${spec.id}-${i}-${variant}`);
      const outDir = join(dir, "out", "bench");
      await mkdir(dir, { recursive: true });
      ctx.log(`encode ${spec.id}: ${variant} run ${Math.floor(i / 2) + 1}/${runs}`);
      let stages: StageSeconds | null = null;
      if (variant === "reference") {
        const run = await measure(() =>
          runReferenceEncode({ input: source.path, outDir, rungs: plan, withAudio, logFile: join(dir, "ffmpeg.log") }),
        );
        measured.push({
          variant,
          wallSeconds: round(run.wallSeconds),
          cpuSeconds: round(run.cpuSeconds),
          outputBytes: await treeBytes(outDir),
          stages,
        });
        ctx.log(`encode ${spec.id}: ${variant} took ${run.wallSeconds.toFixed(1)} s, CPU ${run.cpuSeconds.toFixed(1)} s`);
        await rm(dir, { recursive: true, force: true });
      } else {
        const stageEnds = new Map<string, number>();
        const start = performance.now();
        const run = await measure(() =>
          encodeVideo({
            source: source.path,
            workDir: join(dir, "work"),
            outDir,
            videoId: "bench",
            ladder: ctx.ladder,
            onProgress: (p: EncodeProgress) => stageEnds.set(p.stage, performance.now()),
          }),
        );
        stages = stageSplit(start, stageEnds, start + run.wallSeconds * 1000);
        measured.push({
          variant,
          wallSeconds: round(run.wallSeconds),
          cpuSeconds: round(run.cpuSeconds),
          outputBytes: await treeBytes(outDir),
          stages,
        });
        ctx.log(`encode ${spec.id}: ${variant} took ${run.wallSeconds.toFixed(1)} s, CPU ${run.cpuSeconds.toFixed(1)} s`);
        await rm(dir, { recursive: true, force: true });
      }
    }

    const summary = (variant: "reference" | "aq") => {
      const rows = measured.filter((r) => r.variant === variant);
      const wall = median(rows.map((r) => r.wallSeconds));
      return {
        wallSeconds: round(wall),
        cpuSeconds: round(median(rows.map((r) => r.cpuSeconds))),
        realtimeFactor: round(spec.seconds / wall),
        outputBytes: Math.round(median(rows.map((r) => r.outputBytes))),
      };
    };
    const reference = summary("reference");
    const aq = summary("aq");
    const aqRuns = measured.flatMap((r) => (r.stages ? [r.stages] : []));
    result.sources.push({
      source: source.description,
      runs: measured,
      reference,
      aq,
      aqStages: {
        prepare: round(median(aqRuns.map((s) => s.prepare))),
        encode: round(median(aqRuns.map((s) => s.encode))),
        verify: round(median(aqRuns.map((s) => s.verify))),
      },
      ratio: {
        wall: round(aq.wallSeconds / reference.wallSeconds),
        cpu: round(aq.cpuSeconds / reference.cpuSeconds),
        bytes: round(aq.outputBytes / reference.outputBytes),
      },
    });
  }
  return result;
}

/**
 * Splits an encodeVideo run at the last progress event of normalize (its 100 %) and of encode:
 * prepare = check, probe, normalize; encode = the second probe and the ffmpeg encode;
 * verify = measuring the output, writing the master playlist, verification.
 */
function stageSplit(start: number, stageEnds: Map<string, number>, end: number): StageSeconds {
  const normalized = stageEnds.get("normalize") ?? start;
  const encoded = stageEnds.get("encode") ?? normalized;
  return {
    prepare: round((normalized - start) / 1000),
    encode: round((encoded - normalized) / 1000),
    verify: round(Math.max(0, end - encoded) / 1000),
  };
}
