"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { isTerminal, overall, type VideoStatus } from "@/lib/videos";
import { formatBytes, formatEta } from "../../_components/format";
import { ProgressSteps } from "../../_components/progress-steps";
import { useVideoProgress } from "../../_components/use-video-progress";
import { useUpload } from "../../upload/upload-store";

/**
 * Where a video stands, live: this tab's upload bytes while it sends the file, then the
 * gateway's videoProgress events. A new status re-renders the server page (history, player,
 * error); the bar never moves back within one run of the pipeline.
 */
export function LiveProgress({
  videoId,
  status: pageStatus,
  progress: pageProgress,
  attempts,
  playable: pagePlayable,
}: {
  videoId: string;
  status: VideoStatus;
  playable: boolean;
  progress: number | null;
  attempts: number;
}) {
  const router = useRouter();
  const upload = useUpload(videoId);
  const live = useVideoProgress(isTerminal(pageStatus) ? null : videoId);
  const event = live.progress;
  const status = event?.status ?? pageStatus;
  const uploadPercent = upload?.phase === "uploading" ? (upload.sent / upload.total) * 100 : upload ? 100 : null;
  const stagePercent = status === "AWAITING_UPLOAD" ? uploadPercent : (event?.percent ?? pageProgress);
  const computed = overall(status, stagePercent);

  // A second encode attempt starts its own percent again: the bar holds where it was.
  const floor = useRef(0);
  if (isTerminal(status)) floor.current = 0;
  else floor.current = Math.max(floor.current, computed.fraction);
  const shown = isTerminal(status) ? computed : { ...computed, fraction: floor.current };

  // The page's server parts follow the status; a percent that falls back means a new attempt began.
  const lastPercent = useRef<number | null>(null);
  useEffect(() => {
    if (!event) return;
    const restarted = event.status === pageStatus && lastPercent.current !== null && event.percent < lastPercent.current - 5;
    lastPercent.current = event.percent;
    // Also once a chunked video becomes playable before READY: the page then shows the player.
    if (event.status !== pageStatus || restarted || (event.playable && !pagePlayable)) router.refresh();
  }, [event, pageStatus, pagePlayable, router]);
  useEffect(() => {
    if (live.ended) router.refresh();
  }, [live.ended, router]);

  const eta = event && !isTerminal(status) ? formatEta(event.etaSeconds) : null;
  const speed =
    status === "ENCODING" && event?.fps != null
      ? `${Math.round(event.fps)} fps${event.speed != null ? `, ${event.speed.toFixed(1)}x` : ""}`
      : null;
  const detail =
    upload?.phase === "uploading" && status === "AWAITING_UPLOAD"
      ? `${formatBytes(upload.sent)} of ${formatBytes(upload.total)}`
      : [eta, speed].filter(Boolean).join(" · ") || null;

  return (
    <div data-testid="video-progress" data-status={status} data-upload={upload?.phase}>
      <ProgressSteps progress={shown} attempt={status === "ENCODING" ? Math.max(attempts, 1) : null} detail={detail} />
      {upload?.phase === "failed" && (
        <p className="error-text" role="alert">
          The upload failed: {upload.message}. <a href="/upload">Upload the file again</a>.
        </p>
      )}
      {!upload && status === "AWAITING_UPLOAD" && (
        <p className="muted">
          Waiting for the file. If its upload was interrupted (the page was closed or reloaded), <a href="/upload">upload it again</a>.
        </p>
      )}
      {live.failure && (
        <p className="error-text" role="alert">
          Live progress is unavailable ({live.failure.message}); reload the page to see the latest state.
        </p>
      )}
    </div>
  );
}
