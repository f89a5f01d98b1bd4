import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { buildEncodeArgs, planLadder, probeMedia, runFfmpeg } from "@aq/media";
import type { BenchContext } from "../context.js";
import { measure, round } from "../measure.js";
import { measureQuality, measureSizes, qualityRungs } from "../quality-metrics.js";
import { withRateControl } from "../rate-control.js";
import type { QualityConfig, QualityRung, QualitySection } from "../results.js";

function summarize(rungs: QualityRung[]) {
  const mean = (f: (r: QualityRung) => number) => rungs.reduce((n, r) => n + f(r), 0) / rungs.length;
  return { bytes: rungs.reduce((n, r) => n + r.bytes, 0), ssimAll: round(mean((r) => r.ssimAll), 5), psnrY: round(mean((r) => r.psnrY), 2) };
}

/**
 * For each source: AQ's single-pass encode under each rate control and preset (no normalize
 * step: the arguments of encodeHls run on the source), plus the guide's (docs/encoding-guide.md §4) command as run by the
 * throughput section; then sizes, segment bit rates and PSNR/SSIM per rendition.
 */
export async function runQuality(ctx: BenchContext): Promise<QualitySection> {
  const encodes = ctx.options.quality.configs;
  const crfs = [...new Set(encodes.flatMap((e) => (e.rateControl.kind === "crf" ? [e.rateControl.crf] : [])))];
  const result: QualitySection = { crfs, sources: [] };
  for (const spec of ctx.options.quality.sources) {
    const source = await ctx.sources.get(spec);
    const info = await probeMedia(source.path);
    const plan = planLadder(info, ctx.ladder);
    const configs: QualityConfig[] = [];

    const reference = ctx.referenceOutputs.get(spec.id);
    if (reference) {
      ctx.log(`quality ${spec.id}: measuring the guide's output`);
      const rungs = qualityRungs(
        plan,
        await measureSizes(reference.outDir, plan),
        await measureQuality(source.path, reference.outDir, plan, join(ctx.workDir, `quality-${spec.id}-guide.log`)),
        "master",
      );
      configs.push({
        id: "guide",
        rateControl: "guide",
        preset: "medium",
        crf: null,
        wallSeconds: round(reference.wallSeconds),
        cpuSeconds: round(reference.cpuSeconds),
        rungs,
        ...summarize(rungs),
      });
    }

    for (const { rateControl, preset } of encodes) {
      const id = `${rateControl.kind === "crf" ? `crf${rateControl.crf}` : "bitrate"}-${preset}`;
      ctx.log(`quality ${spec.id}: encoding ${id}`);
      const dir = join(ctx.workDir, `quality-${spec.id}-${id}`);
      const outDir = join(dir, "out");
      await mkdir(join(outDir, "segments"), { recursive: true });
      const args = withRateControl(
        buildEncodeArgs({ input: source.path, info, plan, preset, threads: ctx.ladder.encodeThreads, toneMap: false }),
        plan,
        rateControl,
      );
      const run = await measure(() => runFfmpeg({ args, cwd: outDir, logFile: join(dir, "encode.log"), label: `encode ${id}`, failureCode: "ENCODE_FAILED" }));
      ctx.log(`quality ${spec.id}: ${id} took ${run.wallSeconds.toFixed(1)} s, CPU ${run.cpuSeconds.toFixed(1)} s`);
      const rungs = qualityRungs(plan, await measureSizes(outDir, plan), await measureQuality(source.path, outDir, plan, join(dir, "quality.log")), "ladder");
      configs.push({
        id,
        rateControl: rateControl.kind,
        preset,
        crf: rateControl.kind === "crf" ? rateControl.crf : null,
        wallSeconds: round(run.wallSeconds),
        cpuSeconds: round(run.cpuSeconds),
        rungs,
        ...summarize(rungs),
      });
      if (!ctx.options.keepWork) await rm(dir, { recursive: true, force: true });
    }
    if (reference && !ctx.options.keepWork) await rm(reference.outDir, { recursive: true, force: true });
    result.sources.push({ source: source.description, configs });
  }
  return result;
}
