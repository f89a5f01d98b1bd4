import { WORK_CONSUMERS, type VideoStatus } from "@aq/shared/contracts";
import { getVideo, republishStatus, transitionVideo, type VideoRow } from "@aq/shared/db";
import type { GatewayRuntime } from "../deps.js";
import type { MutationResolvers } from "../generated/resolvers.js";
import { badInput, notFound } from "../graphql/errors.js";
import { videoIdArg } from "../graphql/ids.js";
import { toGraphQLStatus } from "../graphql/status.js";

const STAGES = Object.values(WORK_CONSUMERS);
/**
 * A failed stage starts again from the status its worker waits for. REJECTED is a verdict on
 * the source, which a retry would only repeat.
 */
const RESTART_FROM_FAILURE: Partial<Record<VideoStatus, VideoStatus>> = Object.fromEntries(
  STAGES.filter((stage) => stage.failed !== "rejected").map((stage) => [stage.failed, stage.status]),
);
/** A stage left half-done (its worker gone) is handed back to the status its worker waits for. */
const RESTART_IN_PROGRESS: Partial<Record<VideoStatus, VideoStatus>> = Object.fromEntries(STAGES.map((stage) => [stage.working, stage.status]));
/** Statuses a worker waits for: announcing them again is enough. */
const WAITING: readonly VideoStatus[] = STAGES.map((stage) => stage.status);

const FRESH_START = { errorCode: null, errorMessage: null, attempts: 0, progress: 0 };

async function restart(runtime: GatewayRuntime, video: VideoRow, to: VideoStatus, detail: string): Promise<VideoRow | null> {
  return transitionVideo(runtime.db, { id: video.id, from: video.status, to, set: FRESH_START, detail });
}

export const retryVideo: MutationResolvers["retryVideo"] = async (_parent, args, { runtime, log }) => {
  const id = videoIdArg(args.id);
  const video = await getVideo(runtime.db, id);
  if (!video) throw notFound(`no video with id ${id}`);

  const afterFailure = RESTART_FROM_FAILURE[video.status];
  if (afterFailure) {
    const restarted = await restart(runtime, video, afterFailure, "retry requested");
    log.info({ videoId: id, from: video.status, to: afterFailure }, "retry: failed video restarted");
    return restarted ?? (await getVideo(runtime.db, id)) ?? video;
  }

  const inProgress = RESTART_IN_PROGRESS[video.status];
  if (!inProgress && !WAITING.includes(video.status)) {
    throw badInput(`video ${id} is ${toGraphQLStatus(video.status)}; only FAILED_ENCODING, FAILED_UPLOAD or stuck videos can be retried`);
  }
  const idleSeconds = Math.floor((Date.now() - video.statusChangedAt.getTime()) / 1000);
  const stuckAfter = runtime.config.RETRY_STUCK_AFTER_SECONDS;
  if (idleSeconds < stuckAfter) {
    throw badInput(
      `video ${id} has been ${toGraphQLStatus(video.status)} for ${idleSeconds} s; it can be retried once it has not moved for ${stuckAfter} s`,
    );
  }
  if (inProgress) {
    await restart(runtime, video, inProgress, `retry requested after ${idleSeconds} s in ${video.status}`);
  } else {
    await republishStatus(runtime.db, video, `retry requested after ${idleSeconds} s in ${video.status}`);
  }
  log.info({ videoId: id, status: video.status, idleSeconds }, "retry: stuck video re-queued");
  return (await getVideo(runtime.db, id)) ?? video;
};
