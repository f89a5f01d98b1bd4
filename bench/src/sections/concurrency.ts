import { rm } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { encodeVideo } from "@aq/media";
import type { BenchContext } from "../context.js";
import { measure, median, round } from "../measure.js";
import type { ConcurrencySection } from "../results.js";
import type { Source } from "../sources.js";

/**
 * What one encoder instance does with ENCODER_CONCURRENCY jobs at a time: encodeVideo calls
 * (check, probe, normalize, encode, verify) running side by side in one process, for each
 * combination of concurrency and ENCODE_THREADS.
 */
export async function runConcurrency(ctx: BenchContext): Promise<ConcurrencySection> {
  const { videos, configs, rounds } = ctx.options.concurrency;
  const source = await ctx.sources.get(ctx.options.concurrency.source);
  const runs = new Map<string, ConcurrencySection["configs"]>();
  for (let r = 0; r < rounds; r++) {
    // Each round starts one configuration later, so none always meets the same moment of the machine's load.
    for (let i = 0; i < configs.length; i++) {
      const config = configs[(i + r) % configs.length]!;
      const key = `${config.concurrency}/${config.threads}`;
      runs.set(key, [...(runs.get(key) ?? []), await runConfig(ctx, source, videos, config)]);
    }
  }
  const results = configs.map(({ concurrency, threads }) => {
    const rows = runs.get(`${concurrency}/${threads}`) ?? [];
    const mid = (f: (row: ConcurrencySection["configs"][number]) => number, digits = 3) => round(median(rows.map(f)), digits);
    return {
      concurrency,
      threads,
      videos: rows[0]!.videos,
      runs: rows.length,
      wallSeconds: mid((r) => r.wallSeconds),
      cpuSeconds: mid((r) => r.cpuSeconds),
      videosPerHour: mid((r) => r.videosPerHour, 1),
      cpuSecondsPerVideo: mid((r) => r.cpuSecondsPerVideo),
      videoSeconds: mid((r) => r.videoSeconds),
    };
  });
  return { source: source.description, configs: results };
}

async function runConfig(
  ctx: BenchContext,
  source: Source,
  videos: number,
  { concurrency, threads }: { concurrency: number; threads: number },
): Promise<ConcurrencySection["configs"][number]> {
  // Whole rounds: every job slot has as many videos as the others.
  const count = Math.ceil(videos / concurrency) * concurrency;
  ctx.log(`concurrency: ${count} videos, ${concurrency} at a time, ENCODE_THREADS=${threads}`);
  const dir = join(ctx.workDir, `concurrency-${concurrency}-${threads}`);
  const videoSeconds: number[] = [];
  let next = 0;
  const run = await measure(async () => {
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const start = performance.now();
        await encodeVideo({
          source: source.path,
          workDir: join(dir, `${i}`, "work"),
          outDir: join(dir, `${i}`, "out", `v${i}`),
          videoId: `v${i}`,
          ladder: { ...ctx.ladder, encodeThreads: threads },
        });
        videoSeconds.push((performance.now() - start) / 1000);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
  });
  await rm(dir, { recursive: true, force: true });
  ctx.log(`concurrency: ${count} videos took ${run.wallSeconds.toFixed(1)} s, CPU ${run.cpuSeconds.toFixed(1)} s`);
  return {
    concurrency,
    threads,
    videos: count,
    runs: 1,
    wallSeconds: round(run.wallSeconds),
    cpuSeconds: round(run.cpuSeconds),
    videosPerHour: round((count / run.wallSeconds) * 3600, 1),
    cpuSecondsPerVideo: round(run.cpuSeconds / count),
    videoSeconds: round(median(videoSeconds)),
  };
}
