import { rm } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { encodeVideo } from "@aq/shared/media";
import type { BenchContext } from "../context.js";
import { measure, median, round } from "../measure.js";
import type { ConcurrencySection } from "../results.js";

/**
 * What one encoder instance does with ENCODER_CONCURRENCY jobs at a time: encodeVideo calls
 * (check, probe, normalize, encode, verify) running side by side in one process, for each
 * combination of concurrency and ENCODE_THREADS.
 */
export async function runConcurrency(ctx: BenchContext): Promise<ConcurrencySection> {
  const { videos, configs } = ctx.options.concurrency;
  const source = await ctx.sources.get(ctx.options.concurrency.source);
  const results: ConcurrencySection["configs"] = [];
  for (const { concurrency, threads } of configs) {
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
    results.push({
      concurrency,
      threads,
      videos: count,
      wallSeconds: round(run.wallSeconds),
      cpuSeconds: round(run.cpuSeconds),
      videosPerHour: round((count / run.wallSeconds) * 3600, 1),
      cpuSecondsPerVideo: round(run.cpuSeconds / count),
      videoSeconds: round(median(videoSeconds)),
    });
  }
  return { source: source.description, configs: results };
}
