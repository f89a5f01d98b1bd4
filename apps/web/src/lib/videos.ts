/**
 * The shapes this app reads from the gateway, as generated from its schema (@aq/graphql-client),
 * and the status rules it shows, from @aq/contracts.
 */
import { canBeStuck, DEFAULT_STUCK_AFTER_SECONDS, fromApiStatus, isRetryableStatus, isTerminalStatus } from "@aq/contracts";
import type { CreateUploadMutation, VideoProgressSubscription, VideoStatus, VideoSummaryFragment } from "@aq/graphql-client";

export type { VideoStatus };
export type VideoSummary = VideoSummaryFragment;
export type UploadTarget = NonNullable<CreateUploadMutation["createVideo"]["upload"]>;
export type VideoProgress = VideoProgressSubscription["videoProgress"];

export function isTerminal(status: VideoStatus): boolean {
  return isTerminalStatus(fromApiStatus(status));
}

/**
 * Failed videos, and videos that have not moved for the default stuck threshold (the gateway
 * applies its own STUCK_AFTER_SECONDS and refuses a retry that comes too early).
 */
export function canRetry(video: Pick<VideoSummary, "status" | "updatedAt">, now = Date.now()): boolean {
  const status = fromApiStatus(video.status);
  if (isRetryableStatus(status)) return true;
  return canBeStuck(status) && now - Date.parse(video.updatedAt) > DEFAULT_STUCK_AFTER_SECONDS * 1000;
}
