import type { VideoStatus } from "@/lib/videos";

function tone(status: VideoStatus): string {
  if (status === "READY") return "status-ready";
  if (status === "REJECTED" || status.startsWith("FAILED_")) return "status-failed";
  if (status === "DELETED") return "muted";
  return "status-active";
}

export function StatusBadge({ status }: { status: VideoStatus }) {
  return (
    <span className={`status ${tone(status)}`} data-status={status}>
      {status.replaceAll("_", " ").toLowerCase()}
    </span>
  );
}
