import { WORK_CONSUMERS, type WorkerName } from "@aq/contracts";
import { findStuckVideos, republishStatus, transitionVideo } from "@aq/platform/db";
import type { Logger } from "@aq/platform/log";
import type { Database } from "@aq/platform/db";

/**
 * A safety net under the outbox and JetStream redelivery, for work nobody owns: a video that
 * has waited in this worker's queue status for longer than `stuckAfterMs` is announced again
 * (a second copy of the message is harmless: the lease lets one delivery through), and a video
 * in the in-progress status whose lease expired is handed back to the queue. Work under a live
 * lease is never touched, however long it takes. Returns the ids it re-queued.
 */
export async function sweepStuckVideos(db: Database, worker: WorkerName, stuckAfterMs: number, log: Logger): Promise<string[]> {
  const { status: queued, working } = WORK_CONSUMERS[worker];
  const olderThan = new Date(Date.now() - stuckAfterMs);
  const requeued: string[] = [];
  for (const video of await findStuckVideos(db, { queued, working, unit: worker }, olderThan)) {
    if (video.status === queued) {
      await republishStatus(db, video, "re-announced by the stuck-work sweep");
      requeued.push(video.id);
    } else {
      const moved = await transitionVideo(db, {
        id: video.id,
        from: working,
        to: queued,
        unlessLeased: worker,
        detail: "re-queued by the stuck-work sweep: its owner stopped renewing its lease",
      });
      if (moved) requeued.push(video.id);
    }
  }
  if (requeued.length) log.warn({ worker, videoIds: requeued }, "sweep: re-queued stuck videos");
  return requeued;
}
