import Link from "next/link";
import { GatewayError } from "@/lib/gateway/errors";
import { listVideos } from "@/lib/gateway/videos";
import { canRetry, isTerminal, type VideoSummary } from "@/lib/videos";
import { AutoRefresh } from "./_components/auto-refresh";
import { formatDuration } from "./_components/format";
import { GatewayProblem } from "./_components/gateway-problem";
import { StatusBadge } from "./_components/status-badge";
import { VideoActions } from "./_components/video-actions";

// Every request reads the gateway: the library is never prerendered at build time.
export const dynamic = "force-dynamic";

export default async function LibraryPage() {
  let videos: VideoSummary[];
  try {
    videos = await listVideos();
  } catch (error) {
    if (error instanceof GatewayError) return <GatewayProblem failure={error.toFailure()} />;
    throw error;
  }
  const now = Date.now();

  return (
    <>
      <h1>Library</h1>
      {videos.length === 0 ? (
        <p>
          No videos yet. <Link href="/upload">Upload one</Link>.
        </p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>Title</th>
              <th>Status</th>
              <th>Duration</th>
              <th>Renditions</th>
              <th>Error</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {videos.map((video) => {
              const title = video.title ?? video.id;
              return (
                <tr key={video.id} data-video-id={video.id}>
                  <td>
                    {video.status === "READY" ? <Link href={`/videos/${video.id}`}>{title}</Link> : title}
                    <div className="muted">{new Date(video.createdAt).toLocaleString("en-GB", { timeZone: "UTC" })} UTC</div>
                  </td>
                  <td>
                    <StatusBadge status={video.status} />
                    {!isTerminal(video.status) && video.progress !== null && <div className="muted">{Math.round(video.progress)}%</div>}
                  </td>
                  <td>{formatDuration(video.durationSeconds)}</td>
                  <td>{video.renditions.map((rendition) => rendition.name).join(", ") || "–"}</td>
                  <td>
                    {video.error && (
                      <span className="error-text">
                        <code>{video.error.code}</code> {video.error.message}
                      </span>
                    )}
                  </td>
                  <td>{video.status !== "DELETED" && <VideoActions id={video.id} title={title} retry={canRetry(video, now)} />}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <AutoRefresh active={videos.some((video) => !isTerminal(video.status) && video.status !== "AWAITING_UPLOAD")} />
    </>
  );
}
