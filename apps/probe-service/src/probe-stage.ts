import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transitionVideo } from "@aq/platform/db";
import { isAqError, toErrorValue } from "@aq/contracts";
import { checkSourceFile, planLadder, probeMedia, validateSource } from "@aq/media";
import { fetchSourceToFile } from "@aq/platform/sources";
import { deletePrefixWithBackoff, downloadObject, uploadFile, uploadKey, uploadPrefix } from "@aq/platform/storage";
import type { DeliveryContext, StageDeps } from "@aq/pipeline";

export interface ProbeStageOptions {
  /** Allow sourceUrl fetches from private and loopback addresses (local development only). */
  allowPrivateSources: boolean;
  maxSourceBytes: number;
}

/**
 * probing -> probed | rejected, under the stage's lease (the runner took it and moved the video
 * from uploaded). A URL source is fetched once and stored in the bucket, so the encoder always
 * reads the job's own copy and never the original URL. The verdict and the plan are stored
 * typed: the encoder encodes exactly that plan.
 */
export async function runProbeStage(
  deps: StageDeps,
  videoId: string,
  delivery: DeliveryContext,
  options: ProbeStageOptions,
): Promise<void> {
  const { db, log, storage } = deps;
  const { video, lease } = delivery;

  const scratch = await mkdtemp(join(tmpdir(), `aq-probe-${videoId}-`));
  try {
    const localSource = join(scratch, "source");
    let sourceLocation = video.sourceLocation;
    let sourceSizeBytes = video.sourceSizeBytes;
    try {
      if (video.sourceKind === "url") {
        await fetchSourceToFile(video.sourceLocation, localSource, {
          allowPrivate: options.allowPrivateSources,
          maxBytes: options.maxSourceBytes,
          signal: delivery.signal,
          storage,
        });
        sourceLocation = uploadKey(videoId);
        await uploadFile(storage, localSource, sourceLocation);
        sourceSizeBytes = (await stat(localSource)).size;
      } else {
        await downloadObject(storage, video.sourceLocation, localSource);
      }
      await checkSourceFile(localSource);
      const info = await probeMedia(localSource, { timeoutMs: deps.ladder.probeTimeoutSeconds * 1000, signal: delivery.signal });
      validateSource(info, deps.ladder);
      const plan = planLadder(info, deps.ladder);
      const probed = await transitionVideo(db, {
        id: videoId,
        from: "probing",
        to: "probed",
        set: {
          sourceKind: "upload",
          sourceLocation,
          sourceSizeBytes,
          probe: info,
          plannedRenditions: plan,
          errorCode: null,
          errorMessage: null,
        },
        lease: lease.ref,
        releaseLease: true,
      });
      if (!probed) return log.warn({ videoId }, "probe: lease lost before the verdict was recorded; the new owner decides");
      log.info({ videoId, renditions: plan.map((r) => r.name) }, "probe: source accepted");
    } catch (error) {
      if (!isAqError(error) || error.code === "ENCODE_ABORTED" || lease.lost) throw error;
      // A typed error about the source is a verdict, not a transient failure: record it.
      const { code, message } = toErrorValue(error);
      const rejected = await transitionVideo(db, {
        id: videoId,
        from: "probing",
        to: "rejected",
        set: { errorCode: code, errorMessage: message },
        detail: code,
        lease: lease.ref,
        releaseLease: true,
      });
      // Not ours to decide any more: the new owner's verdict stands, and the upload stays.
      if (!rejected) return log.warn({ videoId, code }, "probe: lease lost before the rejection was recorded; the new owner decides");
      log.info({ videoId, code }, "probe: source rejected");
      // A rejected source will never be encoded: it is only a storage cost now.
      await deletePrefixWithBackoff(storage, uploadPrefix(videoId), { log }).catch((cleanupError: unknown) =>
        log.error(
          { videoId, code: "CLEANUP_FAILED", err: toErrorValue(cleanupError) },
          "probe: the rejected upload is still in the bucket",
        ),
      );
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
