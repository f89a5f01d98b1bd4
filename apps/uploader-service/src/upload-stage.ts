import { rm, stat } from "node:fs/promises";
import { transitionVideo } from "@aq/platform/db";
import { isAqError, toErrorValue } from "@aq/contracts";
import { deletePrefixWithRetries, uploadDirectory, uploadPrefix, verifyUploadedTree, videoPrefix, workPrefix } from "@aq/platform/storage";
import { verifyChunkedOutput } from "./chunked-output.js";
import type { DeliveryContext, StageDeps } from "@aq/pipeline";
import { hlsOutputDir, sourceCopyPath, videoWorkDir } from "@aq/pipeline";

export interface UploadStageOptions {
  concurrency: number;
}

/**
 * uploading -> ready | failed_upload, under the stage's lease (the runner took it and moved the
 * video from encoded). Nothing local is deleted until the bucket listing matches the local
 * tree; then the original upload and the local files go (the guide, docs/encoding-guide.md §8).
 */
export async function runUploadStage(
  deps: StageDeps,
  videoId: string,
  delivery: DeliveryContext,
  options: UploadStageOptions,
): Promise<void> {
  const { db, log, storage } = deps;
  const { lease } = delivery;
  const localDir = hlsOutputDir(deps.workDir, videoId);
  const prefix = videoPrefix(videoId);
  const finish = (to: "ready" | "failed_upload", set: Parameters<typeof transitionVideo>[1]["set"], detail?: string) =>
    transitionVideo(db, { id: videoId, from: "uploading", to, set, detail, lease: lease.ref, releaseLease: true });
  if (delivery.video.chunkCount !== null) {
    // A chunked encode's output is in the bucket already (its encoders put it there): check it, clean up.
    try {
      await verifyChunkedOutput(deps, videoId);
    } catch (error) {
      if (delivery.signal.aborted || !isAqError(error)) throw error;
      if (await finish("failed_upload", { errorCode: error.code, errorMessage: error.message }, error.code)) {
        log.error({ videoId, code: error.code }, "store: the chunked output in the bucket is not what the chunks recorded");
      }
      return;
    }
    const ready = await finish("ready", { outputPrefix: prefix, progress: 100, errorCode: null, errorMessage: null });
    if (!ready) return log.warn({ videoId }, "store: lease lost before READY was recorded; the new owner decides");
    await cleanUp(deps, videoId);
    log.info({ videoId, prefix }, "store: chunked output verified in the bucket; ready");
    return;
  }
  if (!(await stat(localDir).catch(() => null))) {
    await finish("failed_upload", {
      errorCode: "UPLOAD_FAILED",
      errorMessage: `the encoded output is not in ${localDir}: encoder and uploader must share WORK_DIR; retry re-encodes it`,
    });
    return;
  }

  try {
    await uploadDirectory(storage, localDir, prefix, { concurrency: options.concurrency, log, signal: delivery.signal });
    await verifyUploadedTree(storage, localDir, prefix);
  } catch (error) {
    if (delivery.signal.aborted || !isAqError(error)) throw error;
    if (await finish("failed_upload", { errorCode: error.code, errorMessage: error.message }, error.code)) {
      log.error({ videoId, code: error.code }, "upload: failed; the local output is kept for a retry");
    }
    return;
  }

  const ready = await finish("ready", { outputPrefix: prefix, progress: 100, errorCode: null, errorMessage: null });
  // The local files are the new owner's now.
  if (!ready) return log.warn({ videoId }, "upload: lease lost before the upload was recorded; the new owner decides");
  await cleanUp(deps, videoId);
  log.info({ videoId, prefix }, "upload: stored and verified; ready");
}

/** After a verified upload: the original upload, a chunked encode's shared inputs, and every local file of the job, logs included. */
async function cleanUp(deps: StageDeps, videoId: string): Promise<void> {
  try {
    for (const prefix of [uploadPrefix(videoId), workPrefix(videoId)])
      await deletePrefixWithRetries(deps.storage, prefix, { log: deps.log });
  } catch (error) {
    // The video is ready either way; the original stays until deleteVideo removes it.
    deps.log.error({ videoId, code: "CLEANUP_FAILED", err: toErrorValue(error) }, "cleanup: the original upload is still in the bucket");
  }
  await rm(sourceCopyPath(deps.workDir, videoId), { force: true });
  await rm(videoWorkDir(deps.workDir, videoId), { recursive: true, force: true });
}
