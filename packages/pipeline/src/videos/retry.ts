import { AqError, explainError, WORK_CONSUMERS, type VideoStatus, type WorkerName } from "@aq/contracts";
import { getVideo, liveLease, republishStatus, transitionVideo, type Database, type VideoRow } from "@aq/platform/db";

const STAGES = Object.values(WORK_CONSUMERS);
/** The worker (and lease unit) whose stage a status belongs to. */
const WORKER_OF: Partial<Record<VideoStatus, WorkerName>> = Object.fromEntries(
  (Object.entries(WORK_CONSUMERS) as [WorkerName, (typeof STAGES)[number]][]).flatMap(([worker, stage]) =>
    [stage.status, stage.working, stage.failed].map((status) => [status, worker]),
  ),
);
/**
 * A failed stage starts again from the status its worker waits for. REJECTED is a verdict on
 * the source, which a retry would only repeat.
 */
const RESTART_FROM_FAILURE: Partial<Record<VideoStatus, VideoStatus>> = Object.fromEntries(
  STAGES.filter((stage) => stage.failed !== "rejected").map((stage) => [stage.failed, stage.status]),
);
/** A stage left half-done (its worker gone) is handed back to the status its worker waits for. */
const RESTART_IN_PROGRESS: Partial<Record<VideoStatus, VideoStatus>> = Object.fromEntries(
  STAGES.map((stage) => [stage.working, stage.status]),
);
/** Statuses a worker waits for: announcing them again is enough. */
const WAITING: readonly VideoStatus[] = STAGES.map((stage) => stage.status);

/** Messages name statuses as the API does (the upper-case form, see contracts/status). */
const shown = (status: VideoStatus) => status.toUpperCase();

const FRESH_START = { errorCode: null, errorMessage: null, attempts: 0, progress: 0 };

export interface RetryOutcome {
  video: VideoRow;
  action: "restarted" | "requeued" | "reannounced";
}

/**
 * An operator's retry: a failed video restarts its failed stage with a fresh attempt budget; a
 * video in a stage's working status is handed back to its queue only when nobody holds a live
 * lease on that stage (its worker died or hung); a video waiting in a queue that has not moved
 * for `stuckAfterSeconds` is announced again. A failure whose code says the source is the cause
 * (contracts' error explanations) is refused: the same encode would fail the same way. Throws
 * NOT_FOUND, or NOT_RETRYABLE with the reason.
 */
export async function retryVideo(db: Database, id: string, options: { stuckAfterSeconds: number }): Promise<RetryOutcome> {
  const video = await getVideo(db, id);
  if (!video) throw new AqError("NOT_FOUND", `no video with id ${id}`);
  const reload = async () => (await getVideo(db, id)) ?? video;

  const unit = WORKER_OF[video.status];
  const afterFailure = RESTART_FROM_FAILURE[video.status];
  if (afterFailure) {
    const cause = video.errorCode ? explainError(video.errorCode) : null;
    if (cause && !cause.retryable) {
      throw new AqError("NOT_RETRYABLE", `video ${id} failed with ${video.errorCode}, which a retry would repeat. ${cause.nextStep}`, {
        status: video.status,
        errorCode: video.errorCode,
      });
    }
    const restarted = await transitionVideo(db, {
      id,
      from: video.status,
      to: afterFailure,
      set: FRESH_START,
      detail: "retry requested",
      unlessLeased: unit,
    });
    return { video: restarted ?? (await reload()), action: "restarted" };
  }

  const inProgress = RESTART_IN_PROGRESS[video.status];
  if (!inProgress && !WAITING.includes(video.status)) {
    throw new AqError(
      "NOT_RETRYABLE",
      `video ${id} is ${shown(video.status)}; only FAILED_ENCODING, FAILED_UPLOAD or stuck videos can be retried`,
      {
        status: video.status,
      },
    );
  }
  if (inProgress && unit) {
    const holder = await liveLease(db, id, unit);
    const detail = `retry requested: ${video.status} with no live lease`;
    const requeued = holder
      ? null
      : await transitionVideo(db, { id, from: video.status, to: inProgress, set: FRESH_START, detail, unlessLeased: unit });
    if (!requeued) {
      const renewed = holder ? `; its lease was renewed ${Math.round(holder.renewedSecondsAgo)} s ago` : "";
      throw new AqError("NOT_RETRYABLE", `video ${id} is ${shown(video.status)} and a worker is still on it${renewed}`, {
        status: video.status,
        ...(holder ? { renewedSecondsAgo: holder.renewedSecondsAgo } : {}),
      });
    }
    return { video: requeued, action: "requeued" };
  }
  const idleSeconds = Math.floor((Date.now() - video.statusChangedAt.getTime()) / 1000);
  if (idleSeconds < options.stuckAfterSeconds) {
    throw new AqError(
      "NOT_RETRYABLE",
      `video ${id} has been ${shown(video.status)} for ${idleSeconds} s; it can be retried once it has not moved for ${options.stuckAfterSeconds} s`,
      { status: video.status, idleSeconds },
    );
  }
  const detail = `retry requested after ${idleSeconds} s in ${video.status}`;
  await republishStatus(db, video, detail);
  return { video: await reload(), action: "reannounced" };
}
