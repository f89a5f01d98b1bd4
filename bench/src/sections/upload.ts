import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { encodeVideo } from "@aq/media";
import { contentTypeFor, createStorage, deletePrefix, listLocalTree, uploadDirectory, type Storage } from "@aq/platform/storage";
import type { BenchContext } from "../context.js";
import { measure, median, round } from "../measure.js";
import type { UploadSection } from "../results.js";
import { startS3Process, stopS3Process } from "../s3-process.js";

/** One PutObject per file, one after another, each body read whole: the simplest uploader. */
async function sequentialPuts(storage: Storage, dir: string, prefix: string): Promise<void> {
  for (const file of await listLocalTree(dir)) {
    const key = `${prefix}/${file.relativePath}`;
    await storage.client.send(
      new PutObjectCommand({ Bucket: storage.bucket, Key: key, Body: await readFile(file.absolutePath), ContentType: contentTypeFor(key) }),
    );
  }
}

/**
 * The HLS tree of a 720p source (its four-rung ladder) sent to a local S3 server in another
 * process: by the uploader's uploadDirectory (files in parallel, retries, listing check) and by
 * sequential PutObjects, in rotating order.
 */
export async function runUpload(ctx: BenchContext): Promise<UploadSection> {
  const { runs, fileConcurrency, addedLatencyMs } = ctx.options.upload;
  const source = await ctx.sources.get(ctx.options.upload.source);
  const dir = join(ctx.workDir, "upload");
  const outDir = join(dir, "out", "bench");
  ctx.log("upload: encoding the ladder to send (preset veryfast: the bytes follow the bit rates, not the preset)");
  await encodeVideo({
    source: source.path,
    workDir: join(dir, "work"),
    outDir,
    videoId: "bench",
    ladder: { ...ctx.ladder, x264Preset: "veryfast" },
  });
  const files = await listLocalTree(outDir);
  const bytes = files.reduce((n, f) => n + f.size, 0);

  const { env, proxies, child } = await startS3Process(addedLatencyMs.filter((ms) => ms > 0));
  const storages = new Map<number, Storage>(
    addedLatencyMs.map((ms) => [ms, createStorage(ms > 0 ? { ...env, S3_ENDPOINT: proxies[String(ms)]! } : env)]),
  );
  const kinds = [
    {
      mode: `uploadDirectory, ${fileConcurrency} at a time`,
      description: `the uploader service's path (UPLOAD_FILE_CONCURRENCY=${fileConcurrency}): lib-storage uploads with retries, then a listing check`,
      send: async (storage: Storage, prefix: string) =>
        void (await uploadDirectory(storage, outDir, prefix, { concurrency: fileConcurrency })),
    },
    {
      mode: "uploadDirectory, 1 at a time",
      description: "the same with one file at a time",
      send: async (storage: Storage, prefix: string) => void (await uploadDirectory(storage, outDir, prefix, { concurrency: 1 })),
    },
    {
      mode: "sequential PutObject",
      description: "one PutObject per file, one after another, no check",
      send: (storage: Storage, prefix: string) => sequentialPuts(storage, outDir, prefix),
    },
  ];
  const modes = addedLatencyMs.flatMap((ms) => kinds.map((kind) => ({ ...kind, addedLatencyMs: ms, key: `${kind.mode} +${ms}` })));
  const times = new Map<string, number[]>(modes.map((m) => [m.key, []]));
  try {
    for (let r = 0; r < runs; r++) {
      // Rotating the order each run, so no mode always goes first.
      const order = modes.map((_, i) => modes[(i + r) % modes.length]!);
      for (const [i, m] of order.entries()) {
        const prefix = `bench/${r}-${i}`;
        const storage = storages.get(m.addedLatencyMs)!;
        ctx.log(`upload: ${m.mode}, ${m.addedLatencyMs} ms added, run ${r + 1}/${runs}`);
        const run = await measure(() => m.send(storage, prefix));
        times.get(m.key)!.push(round(run.wallSeconds));
        await deletePrefix(storage, prefix);
      }
    }
  } finally {
    for (const storage of storages.values()) storage.client.destroy();
    await stopS3Process(child);
    if (!ctx.options.keepWork) await rm(dir, { recursive: true, force: true });
  }
  const results = modes.map((m) => {
    const runTimes = times.get(m.key)!;
    const wall = median(runTimes);
    return {
      mode: m.mode,
      description: m.description,
      addedLatencyMs: m.addedLatencyMs,
      runs: runTimes,
      wallSeconds: round(wall),
      mibPerSecond: round(bytes / 1024 / 1024 / wall, 2),
      filesPerSecond: round(files.length / wall, 1),
    };
  });
  const speedups = addedLatencyMs.map((ms) => {
    const of = (mode: string) => results.find((m) => m.addedLatencyMs === ms && m.mode === mode)!.wallSeconds;
    return { addedLatencyMs: ms, sequentialOverUploader: round(of(kinds[2]!.mode) / of(kinds[0]!.mode), 2) };
  });
  return {
    source: source.description,
    files: files.length,
    bytes,
    runsPerMode: runs,
    modes: results,
    speedups,
  };
}
