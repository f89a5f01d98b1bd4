import type { VideoStatus } from "@aq/contracts";
import { getVideo, listExpiredUploads, transitionVideo, type Database } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import {
  abortMultipartUpload,
  deletePrefix,
  listMultipartUploads,
  listPrefix,
  uploadPrefix,
  workPrefix,
  type Storage,
} from "@aq/platform/storage";

/**
 * Statuses after which a video never reads its upload or its work/ objects again (the encoder reads
 * them until READY, and again on a retry; a failed upload's retry copies the staged output).
 */
const DONE_WITH_UPLOAD: readonly VideoStatus[] = ["ready", "rejected", "deleted"];
/** Expired videos handled per sweep; the next sweep takes the rest. */
const BATCH = 100;

export interface UploadSweepDeps {
  db: Database;
  storage: Storage;
  log: Logger;
  /** How long an upload URL is valid (UPLOAD_URL_TTL_SECONDS). */
  uploadUrlTtlSeconds: number;
}

export interface UploadSweepResult {
  /** AWAITING_UPLOAD videos whose upload URL expired unused, now DELETED. */
  expired: string[];
  /** Videos whose left-over objects under uploads/<id>/ or work/<id>/ were removed. */
  cleaned: string[];
  /** Videos whose unfinished multipart upload was aborted (its parts freed). */
  aborted: string[];
}

/**
 * Once a video's upload window has closed (its upload URL expired, or for a multipart upload
 * MULTIPART_UPLOAD_TTL_SECONDS passed) nothing can PUT to it any more, so what is left under
 * uploads/<id>/ can go for good: a video still AWAITING_UPLOAD then is marked DELETED (it can
 * never be completed) and its partial upload removed, and the upload of a video that no longer
 * needs it (READY, REJECTED, DELETED, or gone) is removed, including one PUT again after READY,
 * and so is its work/<id>/ (the uploader removes both after READY, but only logs a refusal there).
 * Unfinished multipart uploads are aborted unless their video still awaits them, so the bucket
 * keeps no orphaned parts (which no object listing shows, and R2 bills).
 */
export async function sweepUploads(deps: UploadSweepDeps, now = new Date()): Promise<UploadSweepResult> {
  const urlsExpiredBefore = new Date(now.getTime() - deps.uploadUrlTtlSeconds * 1000);
  const expired: string[] = [];
  for (const video of await listExpiredUploads(deps.db, now, deps.uploadUrlTtlSeconds, BATCH)) {
    const window = video.uploadExpiresAt ? `by ${video.uploadExpiresAt.toISOString()}` : `within ${deps.uploadUrlTtlSeconds} s`;
    const moved = await transitionVideo(deps.db, {
      id: video.id,
      from: "awaiting_upload",
      to: "deleted",
      detail: `the upload was not completed ${window}; nothing can upload to it any more`,
    });
    if (moved) expired.push(video.id);
  }

  const aborted: string[] = [];
  for (const upload of await listMultipartUploads(deps.storage, "uploads/")) {
    const id = upload.key.split("/")[1] ?? "";
    const video = id ? await getVideo(deps.db, id) : undefined;
    if (video?.status === "awaiting_upload" && video.multipartUploadId === upload.uploadId) continue;
    // No row: createVideo may be about to write it, so an orphan gets the upload URL lifetime first.
    if (!video && (!upload.initiated || upload.initiated >= urlsExpiredBefore)) continue;
    await abortMultipartUpload(deps.storage, upload.key, upload.uploadId);
    aborted.push(id);
  }

  const cleaned = new Set<string>();
  for (const [root, prefixOf] of [
    ["uploads/", uploadPrefix],
    ["work/", workPrefix],
  ] as const) {
    const ids = new Set((await listPrefix(deps.storage, root)).map((object) => object.key.split("/")[1] ?? ""));
    for (const id of ids) {
      if (!id) continue;
      const video = await getVideo(deps.db, id);
      if (video && (video.createdAt >= urlsExpiredBefore || !DONE_WITH_UPLOAD.includes(video.status))) continue;
      await deletePrefix(deps.storage, prefixOf(id));
      cleaned.add(id);
    }
  }
  if (expired.length > 0 || cleaned.size > 0 || aborted.length > 0)
    deps.log.info({ expired: expired.length, cleaned: cleaned.size, aborted: aborted.length }, "upload sweep");
  return { expired, cleaned: [...cleaned], aborted };
}

/** Runs sweepUploads every `intervalMs` until the signal aborts; a failed sweep is logged and the next one tries again. */
export function startUploadSweep(deps: UploadSweepDeps, intervalMs: number, signal: AbortSignal): void {
  const timer = setInterval(() => {
    sweepUploads(deps).catch((error: unknown) => deps.log.warn({ err: error }, "upload sweep failed; trying again at the next one"));
  }, intervalMs);
  timer.unref();
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
}
