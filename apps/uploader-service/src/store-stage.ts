import { transitionVideo } from "@aq/platform/db";
import { CAPTIONS_DIR, isAqError, stagedOutputPrefix, toErrorValue } from "@aq/contracts";
import { copyTree, deletePrefixWithBackoff, uploadPrefix, verifyListing, videoPrefix, workPrefix } from "@aq/platform/storage";
import { verifyChunkedOutput } from "./chunked-output.js";
import { publishPendingCaptions, type DeliveryContext, type StageDeps } from "@aq/pipeline";

export interface StoreStageOptions {
  /** Objects copied at once. */
  concurrency: number;
}

/**
 * uploading -> ready | failed_upload, under the stage's lease (the runner took it and moved the
 * video from encoded). Nothing staged is deleted until the listing under videos/<id>/ matches
 * what the encoder staged; then caption tracks completed before READY are published (a failure
 * there is logged and recorded on the track, never the video's), and the original upload and the
 * staged files go (the guide, docs/encoding-guide.md §8). Only the delivery whose compare-and-set
 * move to READY succeeded publishes; a crash before it leaves the tracks pending for
 * completeCaptionUpload to publish. The uploader keeps nothing on its own disk.
 */
export async function runStoreStage(
  deps: StageDeps,
  videoId: string,
  delivery: DeliveryContext,
  options: StoreStageOptions,
): Promise<void> {
  const { db, log, storage } = deps;
  const { lease } = delivery;
  const prefix = videoPrefix(videoId);
  const finish = (to: "ready" | "failed_upload", set: Parameters<typeof transitionVideo>[1]["set"], detail?: string) =>
    transitionVideo(db, { id: videoId, from: "uploading", to, set, detail, lease: lease.ref, releaseLease: true });
  if (delivery.video.chunkCount !== null) {
    // A chunked encode's output is in the bucket already (its encoders put it there): check it, clean up.
    try {
      await verifyChunkedOutput(deps, delivery.video);
    } catch (error) {
      if (delivery.signal.aborted || !isAqError(error)) throw error;
      if (await finish("failed_upload", { errorCode: error.code, errorMessage: error.message }, error.code)) {
        log.error({ videoId, code: error.code }, "store: the chunked output in the bucket is not what was recorded");
      }
      return;
    }
    const ready = await finish("ready", { outputPrefix: prefix, progress: 100, errorCode: null, errorMessage: null });
    if (!ready) return log.warn({ videoId }, "store: lease lost before READY was recorded; the new owner decides");
    log.info({ videoId, prefix }, "store: chunked output verified in the bucket; ready");
    await publishPendingCaptions(deps, videoId);
    await cleanUp(deps, videoId);
    return;
  }
  const staged = delivery.video.stagedOutput;
  if (!staged?.length) {
    await finish(
      "failed_upload",
      { errorCode: "UPLOAD_FAILED", errorMessage: `no staged output is recorded for video ${videoId}: encode it again` },
      "UPLOAD_FAILED",
    );
    return;
  }

  // The encoder staged the output in the bucket (it may run on another host): copy it within the
  // bucket, then check the listing under videos/<id>/ against what the encoder recorded.
  try {
    await copyTree(storage, staged, stagedOutputPrefix(videoId), prefix, {
      concurrency: options.concurrency,
      log,
      signal: delivery.signal,
    });
    // Caption files completed before READY wait under captions/ (publishPendingCaptions below).
    await verifyListing(storage, prefix, staged, `the staged output of ${videoId}`, { except: `${CAPTIONS_DIR}/` });
  } catch (error) {
    if (delivery.signal.aborted || !isAqError(error)) throw error;
    if (await finish("failed_upload", { errorCode: error.code, errorMessage: error.message }, error.code)) {
      log.error({ videoId, code: error.code }, "store: failed; the staged output stays in the bucket for a retry");
    }
    return;
  }

  const ready = await finish("ready", { outputPrefix: prefix, progress: 100, errorCode: null, errorMessage: null });
  if (!ready) return log.warn({ videoId }, "store: lease lost before READY was recorded; the new owner decides");
  log.info({ videoId, prefix }, "store: stored and verified; ready");
  await publishPendingCaptions(deps, videoId);
  await cleanUp(deps, videoId);
}

/** After a verified output: the original upload and everything staged under work/<id>/ (a chunked encode's inputs, a single run's output). */
async function cleanUp(deps: StageDeps, videoId: string): Promise<void> {
  try {
    for (const prefix of [uploadPrefix(videoId), workPrefix(videoId)])
      await deletePrefixWithBackoff(deps.storage, prefix, { log: deps.log });
  } catch (error) {
    // The video is ready either way; the gateway's upload sweep removes what is left once the
    // upload window has closed (or deleteVideo does).
    deps.log.error(
      { videoId, code: "CLEANUP_FAILED", err: toErrorValue(error) },
      "cleanup: objects under uploads/ or work/ are still in the bucket; the upload sweep removes them later",
    );
  }
}
