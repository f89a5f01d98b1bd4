import type { VideoStatus } from "@/lib/videos";

function tone(status: VideoStatus): string {
  if (status === "READY") return "status-ready";
  if (status === "REJECTED" || status.startsWith("FAILED_")) return "status-failed";
  if (status === "DELETED") return "muted";
  return "status-active";
}

/** "failed encoding": the API's status in words. */
export function statusLabel(status: VideoStatus): string {
  return status.replaceAll("_", " ").toLowerCase();
}

export function StatusBadge({ status }: { status: VideoStatus }) {
  return (
    <span className={`status ${tone(status)}`} data-status={status}>
      {statusLabel(status)}
    </span>
  );
}
