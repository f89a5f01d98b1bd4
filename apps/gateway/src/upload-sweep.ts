import type { VideoStatus } from "@aq/contracts";
import { getVideo, listVideosCreatedBefore, transitionVideo, type Database } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import { deletePrefix, listPrefix, uploadPrefix, type Storage } from "@aq/platform/storage";

/** Statuses after which a video never reads its upload again (the encoder reads it until READY, and again on a retry). */
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
  /** Videos whose left-over upload objects were removed. */
  cleaned: string[];
}

/**
 * Once a video's upload URL has expired nothing can PUT to it any more, so what is left under
 * uploads/<id>/ can go for good: a video still AWAITING_UPLOAD then is marked DELETED (it can
 * never be completed) and its partial upload removed, and the upload of a video that no longer
 * needs it (READY, REJECTED, DELETED, or gone) is removed, including one PUT again after READY.
 */
export async function sweepUploads(deps: UploadSweepDeps, now = new Date()): Promise<UploadSweepResult> {
  const urlsExpiredBefore = new Date(now.getTime() - deps.uploadUrlTtlSeconds * 1000);
  const expired: string[] = [];
  for (const video of await listVideosCreatedBefore(deps.db, "awaiting_upload", urlsExpiredBefore, BATCH)) {
    const moved = await transitionVideo(deps.db, {
      id: video.id,
      from: "awaiting_upload",
      to: "deleted",
      detail: `the upload was not completed within ${deps.uploadUrlTtlSeconds} s, when its upload URL expired`,
    });
    if (moved) expired.push(video.id);
  }

  const cleaned: string[] = [];
  const ids = new Set((await listPrefix(deps.storage, "uploads/")).map((object) => object.key.split("/")[1] ?? ""));
  for (const id of ids) {
    if (!id) continue;
    const video = await getVideo(deps.db, id);
    if (video && (video.createdAt >= urlsExpiredBefore || !DONE_WITH_UPLOAD.includes(video.status))) continue;
    await deletePrefix(deps.storage, uploadPrefix(id));
    cleaned.push(id);
  }
  if (expired.length > 0 || cleaned.length > 0) deps.log.info({ expired: expired.length, cleaned: cleaned.length }, "upload sweep");
  return { expired, cleaned };
}

/** Runs sweepUploads every `intervalMs` until the signal aborts; a failed sweep is logged and the next one tries again. */
export function startUploadSweep(deps: UploadSweepDeps, intervalMs: number, signal: AbortSignal): void {
  const timer = setInterval(() => {
    sweepUploads(deps).catch((error: unknown) => deps.log.warn({ err: error }, "upload sweep failed; trying again at the next one"));
  }, intervalMs);
  timer.unref();
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
}
