/**
 * The shapes this app reads from the gateway, as generated from its schema (@aq/graphql-client),
 * and the status rules it shows, from @aq/contracts.
 */
import {
  canBeStuck,
  DEFAULT_STUCK_AFTER_SECONDS,
  fromApiStatus,
  isRetryableStatus,
  isTerminalStatus,
  overallProgress,
} from "@aq/contracts";
import type {
  CreateUploadMutation,
  PlayerQuery,
  UploadRulesQuery,
  VideoProgressSubscription,
  VideoStatus,
  VideoSummaryFragment,
} from "@aq/graphql-client";

export type { VideoStatus };
export type VideoSummary = VideoSummaryFragment;
export type VideoDetails = NonNullable<PlayerQuery["video"]>;
export type UploadTarget = NonNullable<CreateUploadMutation["createVideo"]["upload"]>;
export type MultipartUploadPlan = NonNullable<CreateUploadMutation["createVideo"]["multipart"]>;
export type VideoProgress = VideoProgressSubscription["videoProgress"];
export type UploadRules = UploadRulesQuery["uploadRules"];

export function isTerminal(status: VideoStatus): boolean {
  return isTerminalStatus(fromApiStatus(status));
}

/**
 * Failed videos whose error a retry can help (the gateway refuses the others), and videos that
 * have not moved for the default stuck threshold (the gateway applies its own STUCK_AFTER_SECONDS
 * and refuses a retry that comes too early).
 */
export function canRetry(video: Pick<VideoSummary, "status" | "updatedAt" | "error">, now = Date.now()): boolean {
  const status = fromApiStatus(video.status);
  if (isRetryableStatus(status)) return video.error?.retryable ?? true;
  return canBeStuck(status) && now - Date.parse(video.updatedAt) > DEFAULT_STUCK_AFTER_SECONDS * 1000;
}

/** The whole way to READY as one figure, from a status and its stage's percent. */
export function overall(status: VideoStatus, stagePercent: number | null) {
  return overallProgress(fromApiStatus(status), stagePercent);
}
