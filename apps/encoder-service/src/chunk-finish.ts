import { join } from "node:path";
import { stat } from "node:fs/promises";
import { AqError, DOWNLOAD_DIR, downloadName, IMAGES_DIR, isAqError, type VideoAssets } from "@aq/contracts";
import { assetRenditions, encodeTimeoutMs, FFMPEG_LOG_NAME, makeAssets, playlistName } from "@aq/media";
import type { VideoChunkRow, VideoRow } from "@aq/platform/db";
import { deletePrefixWithRetries, downloadObject, forEachAtOnce, uploadDirectory, videoPrefix } from "@aq/platform/storage";
import type { DeliveryContext, StageDeps } from "@aq/pipeline";

/** Where a chunked video is: chunks to queue (first time, or again after a failure), chunks still running, or all done. */
export type ChunkedStep = "plan" | "wait" | "finish";

/**
 * What the encoder stage does with a chunked video it is handed. A failed chunk means a retry:
 * the planner queues again what is not done. Chunks pending or encoding without a failed one are
 * still on their way (the chunk sweep looks after lost ones): nothing to do. All done: the assets.
 */
export function chunkedStep(video: VideoRow, chunks: VideoChunkRow[]): ChunkedStep {
  if (!video.chunkSource || chunks.length === 0) return "plan";
  if (chunks.length === video.chunkCount && chunks.every((c) => c.status === "done")) return "finish";
  return chunks.some((c) => c.status === "failed") ? "plan" : "wait";
}

/**
 * The last step of a chunked encode, one attempt of the encode stage under its lease: the rungs
 * makeAssets reads (the largest, and the download's when the video asked for one) are fetched
 * from the bucket, where the chunks put them, into the attempt's directory; makeAssets makes
 * images/ and download/ from them as it does for a single run, and they are put beside the HLS
 * files under videos/<id>/, replacing what an earlier attempt left there and checked against the
 * local tree. Returns the manifest for the row. Throws typed AqErrors (a segment missing from the
 * bucket is UPLOAD_MISMATCH); a bucket that does not answer throws as it is, for redelivery.
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
  const files = assetRenditions(plan, download).flatMap((rendition) => [
    playlistName(rendition),
    ...chunks.flatMap((c) => c.renditions?.find((r) => r.name === rendition.name)?.segments.map((s) => s.uri) ?? []),
  ]);
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
  // The bucket's copy is replaced only by the lease holder.
  await delivery.lease.assertHeld();
  for (const dir of [IMAGES_DIR, DOWNLOAD_DIR]) {
    await deletePrefixWithRetries(storage, `${prefix}${dir}/`, { log }).catch((error: unknown) => {
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
  return assets;
}
