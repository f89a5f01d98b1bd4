import { WORK_CONSUMERS, type WorkerName } from "@aq/contracts";
import { findStuckChunks, findStuckVideos, republishStatus, requeueChunk, transitionVideo } from "@aq/platform/db";
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

/**
 * The same net under chunk jobs (the encoder's sweep): a chunk of an encoding video untouched for
 * `stuckAfterMs` and under no live lease is queued again in a new round. Returns "<id>/<index>"s.
 */
export async function sweepStuckChunks(db: Database, stuckAfterMs: number, log: Logger): Promise<string[]> {
  const requeued: string[] = [];
  for (const chunk of await findStuckChunks(db, new Date(Date.now() - stuckAfterMs))) {
    if (await requeueChunk(db, chunk.videoId, chunk.index)) requeued.push(`${chunk.videoId}/${chunk.index}`);
  }
  if (requeued.length) log.warn({ chunks: requeued }, "sweep: re-queued stuck chunks");
  return requeued;
}
