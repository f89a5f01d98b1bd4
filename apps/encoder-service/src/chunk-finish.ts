import { basename, join } from "node:path";
import { stat } from "node:fs/promises";
import {
  AqError,
  DOWNLOAD_DIR,
  downloadName,
  IMAGES_DIR,
  isAqError,
  MASTER_PLAYLIST,
  QC_REPORT,
  toErrorValue,
  type VideoAssets,
} from "@aq/contracts";
import { encodeTimeoutMs, FFMPEG_LOG_NAME, makeAssets, playlistName, writeQcReport } from "@aq/media";
import { sharedInputsPending, type VideoChunkRow, type VideoRow } from "@aq/platform/db";
import {
  deleteObject,
  deletePrefixWithBackoff,
  downloadObject,
  forEachAtOnce,
  uploadDirectory,
  uploadFile,
  videoPrefix,
} from "@aq/platform/storage";
import type { DeliveryContext, StageDeps } from "@aq/pipeline";

/** Where a chunked video is: chunks to queue (first time, or again after a failure), chunks still running, or all done. */
export type ChunkedStep = "plan" | "wait" | "finish";

/**
 * What the encoder stage does with a chunked video it is handed. A failed chunk means a retry:
 * the planner queues again what is not done; so does a planner that stopped before the
 * whole-source audio was in the bucket. Chunks pending or encoding without a failed one are
 * still on their way (the chunk sweep looks after lost ones): nothing to do. All done: the assets.
 */
export function chunkedStep(video: VideoRow, chunks: VideoChunkRow[]): ChunkedStep {
  if (!video.chunkSource || chunks.length === 0 || sharedInputsPending(video.chunkSource)) return "plan";
  if (chunks.length === video.chunkCount && chunks.every((c) => c.status === "done")) return "finish";
  return chunks.some((c) => c.status === "failed") ? "plan" : "wait";
}

/**
 * The last step of a chunked encode, one attempt of the encode stage under its lease: the master
 * and every rung are fetched from the bucket, where the chunks put them, into the attempt's
 * directory; makeAssets makes images/ and download/ from them as it does for a single run, and
 * measureQc makes qc.json against the normalized source (fetched too); they are put beside the
 * HLS files under videos/<id>/, replacing what an earlier attempt left there and checked against
 * the local tree. Returns the manifest for the row, naming qc.json when it was made. Throws typed
 * AqErrors (a segment missing from the bucket is UPLOAD_MISMATCH); a bucket that does not answer
 * throws as it is, for redelivery. A QC report that cannot be made is a warning in the log.
 */
export async function makeChunkedAssets(
  deps: StageDeps,
  video: VideoRow,
  chunks: VideoChunkRow[],
  delivery: DeliveryContext,
  work: { dir: string; concurrency: number },
): Promise<VideoAssets> {
  const { storage, ladder, log } = deps;
  const plan = video.plannedRenditions ?? [];
  const outDir = join(work.dir, "out");
  const download = video.mp4Download ? { name: downloadName(video.title, video.id), rendition: ladder.downloadRendition } : null;
  const prefix = videoPrefix(video.id);
  // Every rung: the QC report measures them all (makeAssets reads the largest and the download's).
  const files = [
    MASTER_PLAYLIST,
    ...plan.flatMap((rendition) => [
      playlistName(rendition),
      ...chunks.flatMap((c) => c.renditions?.find((r) => r.name === rendition.name)?.segments.map((s) => s.uri) ?? []),
    ]),
  ];
  await forEachAtOnce(
    files.map((path) => ({ path, key: prefix + path })),
    work.concurrency,
    delivery.signal,
    async ({ path, key }) => {
      try {
        await downloadObject(storage, key, join(outDir, path));
      } catch (error) {
        if (isAqError(error) && error.code === "NOT_FOUND")
          throw new AqError("UPLOAD_MISMATCH", `the chunked output is missing ${key}, which its chunks recorded`, { key });
        throw error;
      }
    },
  );
  const assets = await makeAssets({
    outDir,
    workDir: work.dir,
    plan,
    logFile: join(work.dir, FFMPEG_LOG_NAME),
    download,
    signal: delivery.signal,
    timeoutMs: encodeTimeoutMs(ladder, video.chunkSource?.info.durationSeconds ?? video.probe?.durationSeconds ?? 0),
  });
  const qcBytes = await makeQcReport(deps, video, delivery.signal, { dir: work.dir, outDir });
  // The bucket's copy is replaced only by the lease holder.
  await delivery.lease.assertHeld();
  for (const dir of [IMAGES_DIR, DOWNLOAD_DIR]) {
    await deletePrefixWithBackoff(storage, `${prefix}${dir}/`, { log }).catch((error: unknown) => {
      // The bucket refused to clear the way: the same verdict as a refused put.
      if (isAqError(error) && error.code === "CLEANUP_FAILED")
        throw new AqError("UPLOAD_FAILED", `putting the assets in place failed: ${error.message}`);
      throw error;
    });
    if (await stat(join(outDir, dir)).catch(() => null)) {
      await uploadDirectory(storage, join(outDir, dir), `${prefix}${dir}/`, {
        concurrency: work.concurrency,
        log,
        signal: delivery.signal,
      });
    }
  }
  // An earlier attempt's report must not outlive this attempt's verdict: the row names what is there.
  if (qcBytes === null) await deleteObject(storage, prefix + QC_REPORT);
  else await uploadFile(storage, join(outDir, QC_REPORT), prefix + QC_REPORT, { log, signal: delivery.signal });
  return qcBytes === null ? assets : { ...assets, qc: { path: QC_REPORT, bytes: qcBytes } };
}

/**
 * qc.json in outDir, measured against the normalized source the chunks read (fetched into the
 * attempt's directory: the measurements open local files only). Returns its size, or null when
 * it could not be made (a warning in the log, as a single run's is among its warnings).
 */
async function makeQcReport(
  deps: StageDeps,
  video: VideoRow,
  signal: AbortSignal,
  work: { dir: string; outDir: string },
): Promise<number | null> {
  const warnings: string[] = [];
  try {
    const chunkSource = video.chunkSource;
    if (!chunkSource) throw new Error("the row records no chunk source");
    const source = join(work.dir, basename(chunkSource.normalizedKey));
    await downloadObject(deps.storage, chunkSource.normalizedKey, source);
    const plan = video.plannedRenditions ?? [];
    const qc = await writeQcReport({ source, info: chunkSource.info, outDir: work.outDir, plan, workDir: work.dir, signal }, warnings);
    if (qc) return (await stat(join(work.outDir, QC_REPORT))).size;
  } catch (error) {
    if (signal.aborted) throw error;
    warnings.push(`no quality-control report: ${toErrorValue(error).message}`);
  }
  deps.log.warn({ videoId: video.id, warnings }, "encode: the chunked output has no quality-control report");
  return null;
}
