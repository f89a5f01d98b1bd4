import { mkdir, rm, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import type { X264Preset } from "@aq/config";
import { buildEncodeArgs, runFfmpeg, type RenditionPlan } from "@aq/media";
import { bdRate } from "../bd-rate.js";
import type { BenchContext } from "../context.js";
import { measure, round } from "../measure.js";
import { measureSizes } from "../rendition-sizes.js";
import type { RatePoint } from "../rate-control.js";
import { acceptedCorpusFiles, makeMezzanine, type CorpusFile, type Mezzanine } from "../real-media.js";
import { runReferenceEncode } from "../reference-command.js";
import {
  QUALITY_METRICS,
  type BdRateResult,
  type QualitySection,
  type RateFamily,
  type RatePointResult,
  type ScoredRung,
} from "../results.js";
import { scoreLadder } from "../vmaf.js";

/** One encode of the mezzanine at one rate point, scored rung by rung. */
async function encodeAndScore(
  ctx: BenchContext,
  mez: Mezzanine,
  point: RatePoint,
  preset: X264Preset,
  dir: string,
): Promise<RatePointResult> {
  const outDir = join(dir, "out");
  await mkdir(join(outDir, "segments"), { recursive: true });
  const scaled: RenditionPlan[] =
    point.kind === "guide" ? mez.plan.map((r) => ({ ...r, videoBitrateKbps: Math.round(r.videoBitrateKbps * point.scale) })) : mez.plan;
  const run = await measure(async () => {
    if (point.kind === "guide") {
      await runReferenceEncode({ input: mez.path, outDir, rungs: scaled, withAudio: false, logFile: join(dir, "encode.log") });
    } else {
      const args = buildEncodeArgs({
        input: mez.path,
        info: mez.info,
        plan: mez.plan,
        preset,
        rateControl: { mode: "capped-crf", crf: point.crf },
        threads: ctx.ladder.encodeThreads,
        toneMap: false,
      });
      await runFfmpeg({ args, cwd: outDir, logFile: join(dir, "encode.log"), label: "encode", failureCode: "ENCODE_FAILED" });
    }
  });
  const sizes = await measureSizes(outDir, mez.plan);
  const scores = await scoreLadder({
    mezzanine: mez.path,
    outDir,
    plan: mez.plan,
    model: ctx.options.quality.vmafModel,
    subsample: ctx.options.quality.subsample,
    workDir: dir,
  });
  const rungs: ScoredRung[] = scaled.map((r) => {
    const size = sizes.get(r.name)!;
    const s = scores.get(r.name)!;
    return {
      name: r.name,
      width: r.width,
      height: r.height,
      targetKbps: r.videoBitrateKbps,
      bytes: size.bytes,
      averageKbps: round(size.averageKbps, 1),
      peakKbps: round(size.peakKbps, 1),
      frames: s.frames,
      vmaf: round(s.vmaf, 3),
      vmafP5: round(s.vmafP5, 3),
      ssimY: round(s.ssimY, 5),
      ssimYP1: round(s.ssimYP1, 5),
      psnrY: round(s.psnrY, 3),
      psnrYP1: round(s.psnrYP1, 3),
    };
  });
  return {
    param: point.kind === "guide" ? point.scale : point.crf,
    wallSeconds: round(run.wallSeconds),
    cpuSeconds: round(run.cpuSeconds),
    rungs,
  };
}

function selectFiles(files: CorpusFile[], names: string[] | null): CorpusFile[] {
  if (!names) return files;
  return names.map((name) => {
    const file = files.find((f) => f.name === name);
    if (!file) throw new Error(`--media-files: ${name} is not an accepted file of the corpus (${files.map((f) => f.name).join(", ")})`);
    return file;
  });
}

/** BD-rate of `test` against `anchor` per rung and over the ladder, weighted by the guide's bit rate of each rung. */
export function familyBdRates(
  anchor: RateFamily,
  test: RateFamily,
  plan: Pick<RenditionPlan, "name" | "videoBitrateKbps">[],
): BdRateResult[] {
  return QUALITY_METRICS.map((metric) => {
    const perRung = plan.map((r) => {
      const curve = (f: RateFamily) =>
        f.points.map((p) => {
          const rung = p.rungs.find((g) => g.name === r.name)!;
          return { kbps: rung.averageKbps, quality: rung[metric] };
        });
      const value = bdRate(curve(anchor), curve(test));
      return { name: r.name, bdRate: value === null ? null : round(value, 4) };
    });
    let weighted = 0;
    let weights = 0;
    plan.forEach((r, i) => {
      const value = perRung[i]!.bdRate;
      if (value === null) return;
      weighted += value * r.videoBitrateKbps;
      weights += r.videoBitrateKbps;
    });
    return { test: test.id, anchor: anchor.id, metric, perRung, ladder: weights ? round(weighted / weights, 4) : null };
  });
}

/**
 * Rate-quality curves on real footage: each accepted file of the sample corpus (its first
 * clipSeconds) plus one synthetic source for contrast, turned into a lossless mezzanine, encoded
 * by the guide's corrected command at several multiples of its bit rates and by AQ's arguments
 * with capped CRF at several CRFs and presets; every rung scored with VMAF, SSIM-Y and PSNR-Y
 * against the mezzanine scaled to its size. BD-rates: capped CRF at each preset against the guide,
 * and the faster presets against medium.
 */
export async function runQuality(ctx: BenchContext): Promise<QualitySection> {
  const q = ctx.options.quality;
  const result: QualitySection = {
    clipSeconds: q.clipSeconds,
    vmafModel: basename(q.vmafModel),
    subsample: q.subsample,
    guideScales: q.guideScales,
    crfs: q.crfs,
    defaultCrf: q.defaultCrf,
    presetFiles: q.presetFiles,
    sources: [],
  };
  const inputs = [
    ...(q.mediaDir ? selectFiles(await acceptedCorpusFiles(q.mediaDir), q.mediaFiles) : []).map((f) => ({
      id: f.name,
      path: f.path,
      synthetic: false,
      description: `sample corpus: ${f.name}`,
    })),
    ...(await Promise.all(
      q.synthetic.map(async (spec) => {
        const s = await ctx.sources.get(spec);
        return { id: `synthetic-${spec.id}`, path: s.path, synthetic: true, description: s.description.description };
      }),
    )),
  ];
  for (const input of inputs) {
    const dir = join(ctx.workDir, `quality-${input.id}`);
    await mkdir(dir, { recursive: true });
    ctx.log(`quality ${input.id}: mezzanine`);
    const mez = await makeMezzanine(input.path, dir, q.clipSeconds, ctx.ladder);
    const families: RateFamily[] = [
      { id: "guide", kind: "guide", preset: "medium", points: [] },
      ...q.presets
        .filter((preset) => preset === "medium" || !q.presetFiles || q.presetFiles.includes(input.id))
        .map((preset) => ({ id: `crf-${preset}`, kind: "crf" as const, preset, points: [] as RatePointResult[] })),
    ];
    const bytes = (await stat(input.path)).size;
    const entry: QualitySection["sources"][number] = {
      source: {
        id: input.id,
        description: input.description,
        width: mez.sourceWidth,
        height: mez.sourceHeight,
        fps: round(mez.fps, 3),
        seconds: round(mez.seconds, 2),
        bytes,
        bitrateKbps: round((bytes * 8) / mez.sourceSeconds / 1000, 0),
        synthetic: input.synthetic,
      },
      families,
      bdRates: [],
    };
    // In the partial results after every point: a stopped run keeps the points of its last source.
    result.sources.push(entry);
    for (const family of families) {
      const points: RatePoint[] =
        family.kind === "guide" ? q.guideScales.map((scale) => ({ kind: "guide", scale })) : q.crfs.map((crf) => ({ kind: "crf", crf }));
      for (const point of points) {
        const label = `${family.id} ${point.kind === "guide" ? `x${point.scale}` : `crf ${point.crf}`}`;
        const pointDir = join(dir, label.replace(/\W+/g, "-"));
        const scored = await encodeAndScore(ctx, mez, point, family.preset as X264Preset, pointDir);
        family.points.push(scored);
        ctx.log(
          `quality ${input.id}: ${label}: CPU ${scored.cpuSeconds.toFixed(1)} s; ` +
            scored.rungs.map((r) => `${r.name} ${r.averageKbps.toFixed(0)}k VMAF ${r.vmaf.toFixed(1)}/${r.vmafP5.toFixed(1)}`).join(", "),
        );
        await rm(pointDir, { recursive: true, force: true });
        await ctx.checkpoint("quality", result);
      }
    }
    const guide = families[0]!;
    const medium = families.find((f) => f.id === "crf-medium");
    const bdRates = [
      ...families.filter((f) => f.kind === "crf").flatMap((f) => familyBdRates(guide, f, mez.plan)),
      ...(medium ? families.filter((f) => f.kind === "crf" && f !== medium).flatMap((f) => familyBdRates(medium, f, mez.plan)) : []),
    ];
    entry.bdRates = bdRates;
    if (!ctx.options.keepWork) await rm(dir, { recursive: true, force: true });
    await ctx.checkpoint("quality", result);
  }
  return result;
}
