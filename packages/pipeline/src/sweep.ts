import { WORK_CONSUMERS, type WorkerName } from "@aq/contracts";
import { findStuckVideos, republishStatus, transitionVideo } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import type { Database } from "@aq/platform/db";

/**
 * A safety net under the outbox and JetStream redelivery: a video that has waited in this
 * worker's queue status, or sat in its in-progress status without any update (progress
 * updates touch the row every second), for longer than `stuckAfterMs` is announced again.
 * Returns the ids it re-queued.
 */
export async function sweepStuckVideos(db: Database, worker: WorkerName, stuckAfterMs: number, log: Logger): Promise<string[]> {
  const { status: queued, working } = WORK_CONSUMERS[worker];
  const olderThan = new Date(Date.now() - stuckAfterMs);
  const requeued: string[] = [];
  for (const video of await findStuckVideos(db, [queued, working], olderThan)) {
    if (video.status === queued) {
      await republishStatus(db, video, "re-announced by the stuck-work sweep");
      requeued.push(video.id);
    } else if (video.updatedAt < olderThan) {
      const moved = await transitionVideo(db, { id: video.id, from: working, to: queued, detail: "re-queued by the stuck-work sweep" });
      if (moved) requeued.push(video.id);
    }
  }
  if (requeued.length) log.warn({ worker, videoIds: requeued }, "sweep: re-queued stuck videos");
  return requeued;
}
