import { stat } from "node:fs/promises";
import { availableParallelism, loadavg } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { uploadKey } from "@aq/contracts";
import { createTestDatabase, startNatsServer, startServiceProcess, stopChild, type RunningService } from "@aq/devkit";
import { planChunks, SEGMENT_SECONDS } from "@aq/media";
import { insertVideo } from "@aq/platform/db";
import { createStorage, uploadFile } from "@aq/platform/storage";
import { chunkSettings } from "../chunk-settings.js";
import { followVideo, secondsBetween, type VideoTimeline } from "../chunk-timeline.js";
import type { BenchContext } from "../context.js";
import { sourceFacts, videoSource } from "../looped-source.js";
import { median, round } from "../measure.js";
import type { ScaleOutSection } from "../results.js";
import { startS3Process, stopS3Process } from "../s3-process.js";

type Run = ScaleOutSection["runs"][number];

/** Pins a running process, every thread of it, and so the ffmpeg processes it starts later, to one CPU. */
async function pin(pid: number, cpu: number): Promise<void> {
  await execa("taskset", ["--all-tasks", "--cpu-list", "--pid", String(cpu), String(pid)]);
}

function runOf(encoders: number, cpus: number[], t: VideoTimeline, loadStart: number): Run {
  const starts = t.chunks.flatMap((c) => (c.startedAt ? [c.startedAt.getTime()] : []));
  const others = t.chunks.flatMap((c) => (c.index > 0 && c.startedAt ? [c.startedAt.getTime()] : []));
  const dones = t.chunks.flatMap((c) => (c.doneAt ? [c.doneAt.getTime()] : []));
  const firstStart = starts.length ? Math.min(...starts) : null;
  const lastDone = dones.length ? Math.max(...dones) : null;
  const ready = secondsBetween(t.reached.uploaded, t.reached.ready);
  if (t.status !== "ready" || ready === null) throw new Error(`the video ended ${t.status}, not ready`);
  return {
    encoders,
    cpus,
    readySeconds: ready,
    phases: {
      probe: secondsBetween(t.reached.uploaded, t.reached.encoding),
      planner: secondsBetween(t.reached.encoding, firstStart),
      audio: firstStart !== null && others.length ? (Math.min(...others) - firstStart) / 1000 : null,
      chunks: secondsBetween(firstStart, lastDone),
      tail: secondsBetween(lastDone, t.reached.ready),
    },
    chunks: t.chunks.map((c) => ({
      index: c.index,
      durationSeconds: round(c.durationSeconds),
      wallSeconds: secondsBetween(c.startedAt, c.doneAt),
      encoder: c.encoder,
      attempts: c.attempts,
    })),
    load: { start: round(loadStart, 2), max: round(t.load.max, 2), mean: round(t.load.mean, 2) },
  };
}

/**
 * Least squares of wall = a + b x length over the measured chunks; of wall = b x length when their
 * lengths hardly differ (chunks of 36 and 36.09 s gave a line of 662 s - 16 x length).
 */
function fitChunkTime(points: { d: number; t: number }[]): { fixed: number; perSecond: number } {
  const n = points.length;
  const md = points.reduce((s, p) => s + p.d, 0) / n;
  const mt = points.reduce((s, p) => s + p.t, 0) / n;
  const sdd = points.reduce((s, p) => s + (p.d - md) ** 2, 0);
  const lengths = points.map((p) => p.d);
  if (Math.max(...lengths) - Math.min(...lengths) < 0.25 * md) {
    return { fixed: 0, perSecond: points.reduce((s, p) => s + p.d * p.t, 0) / points.reduce((s, p) => s + p.d * p.d, 0) };
  }
  const perSecond = points.reduce((s, p) => s + (p.d - md) * (p.t - mt), 0) / sdd;
  return { fixed: mt - perSecond * md, perSecond };
}

/**
 * Projection to `workers` single-core encoders on a `sourceSeconds` source: the chunks the encoder
 * would plan, handed out in order to whichever worker is free first (the queue's order), the first
 * at once and the others once the whole-source audio is encoded (the shortest wait measured with
 * more than one encoder, scaled with the length); plus the serial parts measured here: the probe as
 * is, the planner (normalize by stream copy, the first chunk's head put in the bucket) and the tail (fan-in, listing
 * check) scaled with the length. The first chunk takes its measured time (median): it has the same
 * length whatever the source, and its own preset (CHUNK_FIRST_PRESET), so it stays out of the fit
 * of the others' wall time against their length.
 */
function project(
  runs: Run[],
  measuredSeconds: number,
  settings: Record<string, number>,
  target: { workers: number; sourceSeconds: number },
): ScaleOutSection["projection"] {
  const measuredChunks = runs.flatMap((r) =>
    r.chunks.flatMap((c) => (c.wallSeconds === null ? [] : [{ ...c, wallSeconds: c.wallSeconds }])),
  );
  const points = measuredChunks.filter((c) => c.index > 0).map((c) => ({ d: c.durationSeconds, t: c.wallSeconds }));
  const firstChunkSeconds = median(measuredChunks.filter((c) => c.index === 0).map((c) => c.wallSeconds));
  const serial = (pick: (r: Run) => number | null) => median(runs.flatMap((r) => (pick(r) === null ? [] : [pick(r)!])));
  if (!points.length || !Number.isFinite(firstChunkSeconds)) return null;
  const fit = fitChunkTime(points);
  const chunks = planChunks(target.sourceSeconds, {
    segmentSeconds: SEGMENT_SECONDS,
    chunkSegments: settings.CHUNK_SECONDS! / SEGMENT_SECONDS,
    firstChunkSegments: settings.CHUNK_FIRST_SEGMENTS!,
  });
  const scale = target.sourceSeconds / measuredSeconds;
  const audioWaits = runs.flatMap((r) => (r.encoders > 1 && r.phases.audio !== null ? [r.phases.audio] : []));
  const audioSeconds = (audioWaits.length ? Math.min(...audioWaits) : 0) * scale;
  const free = new Array<number>(target.workers).fill(0);
  for (const chunk of chunks) {
    const worker = free.indexOf(Math.min(...free));
    const start = chunk.index === 0 ? free[worker]! : Math.max(free[worker]!, audioSeconds);
    free[worker] = start + (chunk.index === 0 ? firstChunkSeconds : fit.fixed + fit.perSecond * chunk.durationSeconds);
  }
  const probeSeconds = serial((r) => r.phases.probe);
  const plannerSeconds = serial((r) => r.phases.planner) * scale;
  const chunkPhaseSeconds = Math.max(...free);
  const tailSeconds = serial((r) => r.phases.tail) * scale;
  return {
    ...target,
    chunks: chunks.length,
    fixedSeconds: round(fit.fixed),
    secondsPerVideoSecond: round(fit.perSecond),
    probeSeconds: round(probeSeconds),
    plannerSeconds: round(plannerSeconds),
    audioSeconds: round(audioSeconds),
    chunkPhaseSeconds: round(chunkPhaseSeconds),
    tailSeconds: round(tailSeconds),
    readySeconds: round(probeSeconds + plannerSeconds + chunkPhaseSeconds + tailSeconds),
    method:
      `the first chunk ${round(firstChunkSeconds, 1)} s (its measured median); every other chunk's wall time = ${round(fit.fixed, 2)} s + ` +
      `${round(fit.perSecond, 3)} x its length (least squares over the ${points.length} measured chunks after the first, each encoder on one core); ` +
      `the ${chunks.length} chunks of a ${target.sourceSeconds} s source handed out in order to the first free of ` +
      `${target.workers} workers, the others no sooner than the whole-source audio (${round(audioSeconds, 1)} s after the first started); ` +
      `plus the measured probe, and the planner and tail scaled by ${round(scale, 2)} (the length ratio)`,
  };
}

/**
 * Scale-out: one chunked source through the real pipeline (probe, encoder(s), uploader as
 * processes; NATS, Postgres and s3rver of their own) with 1 encoder instance, then 2, each pinned
 * to a core of its own; READY times, parallel efficiency, chunk wall times and a projection.
 */
export async function runScaleOut(ctx: BenchContext): Promise<ScaleOutSection> {
  const { runs, encoders, chunkEnv, projection } = ctx.options.scaleOut;
  const source = await videoSource(ctx, ctx.options.scaleOut.source);
  const cores = availableParallelism();
  const dir = join(ctx.workDir, "scale-out");
  const [nats, database, s3] = await Promise.all([startNatsServer(), createTestDatabase(), startS3Process([])]);
  const storage = createStorage(s3.env);
  const env: Record<string, string> = {
    ...ctx.ladderEnv,
    ...chunkEnv,
    DATABASE_URL: database.url,
    NATS_URL: nats.url,
    ...s3.env,
    S3_FORCE_PATH_STYLE: String(s3.env.S3_FORCE_PATH_STYLE),
    LOG_LEVEL: "info",
    ENCODER_CONCURRENCY: "1",
  };
  const start = (name: RunningService["name"], instance: string) =>
    startServiceProcess(name, { ...env, WORK_DIR: join(dir, `work-${instance}`) }, { logDir: join(dir, "logs"), instance });
  const services: RunningService[] = [];
  const measured: Run[] = [];
  try {
    services.push(await start("probe-service", "probe"), await start("uploader-service", "uploader"));
    for (let run = 0; run < runs; run++) {
      // Alternated between runs, so that neither count always meets the same load.
      for (const count of run % 2 === 0 ? encoders : [...encoders].reverse()) {
        const cpus = Array.from({ length: count }, (_, i) => i % cores);
        const instances: RunningService[] = [];
        try {
          for (const [i, cpu] of cpus.entries()) {
            const instance = await start("encoder-service", `encoder-${run}-${count}-${i}`);
            instances.push(instance);
            await pin(instance.child.pid!, cpu);
          }
          const id = `scale-${run}-${count}`;
          ctx.log(`scale-out: ${count} encoder(s) on cpu ${cpus.join(",")}, run ${run + 1}/${runs}`);
          const key = uploadKey(id, "source.mp4");
          await uploadFile(storage, source.path, key);
          const loadStart = loadavg()[0]!;
          await insertVideo(database.db, {
            id,
            title: id,
            status: "uploaded",
            sourceKind: "upload",
            sourceLocation: key,
            sourceSizeBytes: (await stat(source.path)).size,
          });
          const timeline = await followVideo(database.db, id).ended();
          measured.push(runOf(count, cpus, timeline, loadStart));
          await ctx.checkpoint("scale-out", { runs: measured });
        } finally {
          await Promise.all(instances.map((s) => stopChild(s.child, 15_000)));
        }
      }
    }
  } finally {
    await Promise.all(services.map((s) => stopChild(s.child, 15_000)));
    storage.client.destroy();
    await Promise.allSettled([nats.stop(), database.drop(), stopS3Process(s3.child)]);
  }
  const readyOf = (count: number) => median(measured.filter((r) => r.encoders === count).map((r) => r.readySeconds));
  const [one, two] = [readyOf(encoders[0]!), readyOf(encoders[1]!)];
  const settings = chunkSettings(chunkEnv);
  return {
    ...sourceFacts(source),
    chunkSettings: settings,
    cores,
    placement:
      `each encoder instance pinned with taskset (all its threads, and so the ffmpeg it starts) to a core of its own (cpu ${encoders
        .map((n) => Array.from({ length: n }, (_, i) => i % cores).join("+"))
        .join(" / ")}); ENCODER_CONCURRENCY=1; the probe and uploader services, NATS, Postgres, s3rver and the bench unpinned ` +
      `on the same ${cores} cores; one host, no network namespaces`,
    runs: measured,
    parallelEfficiency: Number.isFinite(one) && Number.isFinite(two) ? round(one / (encoders[1]! / encoders[0]!) / two) : null,
    loadAboveCores: measured.some((r) => r.load.max > cores),
    projection: project(measured, source.seconds, settings, projection),
  };
}
