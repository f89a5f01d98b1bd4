import { notFound } from "next/navigation";
import { GatewayError } from "@/lib/gateway/errors";
import { videoForPlayback, type PlayableVideo } from "@/lib/gateway/videos";
import { isTerminal } from "@/lib/videos";
import { AutoRefresh } from "../../_components/auto-refresh";
import { formatDuration } from "../../_components/format";
import { GatewayProblem } from "../../_components/gateway-problem";
import { StatusBadge } from "../../_components/status-badge";
import { PlayerView } from "./player-view";

export const dynamic = "force-dynamic";

/** Long enough for a viewer to finish a long film: segments keep being fetched with this token. */
const PLAYBACK_TTL_SECONDS = 6 * 3600;

export default async function PlayerPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  let video: PlayableVideo | null;
  try {
    // Signed here, on the server: the API key that asks for the URL never reaches the browser.
    video = await videoForPlayback(id, PLAYBACK_TTL_SECONDS);
  } catch (error) {
    if (error instanceof GatewayError && (error.code === "BAD_USER_INPUT" || error.code === "NOT_FOUND")) notFound();
    if (error instanceof GatewayError) return <GatewayProblem failure={error.toFailure()} />;
    throw error;
  }
  if (!video) notFound();

  return (
    <>
      <h1>{video.title ?? video.id}</h1>
      {video.playbackUrl ? (
        <PlayerView src={video.playbackUrl} />
      ) : (
        <div className="panel">
          <p>
            Not playable yet: <StatusBadge status={video.status} />
          </p>
          {video.error && (
            <p className="error-text">
              <code>{video.error.code}</code> {video.error.message}
            </p>
          )}
          <AutoRefresh active={!isTerminal(video.status)} />
        </div>
      )}
      <dl className="details">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={video.status} />
        </dd>
        <dt>Duration</dt>
        <dd>{formatDuration(video.durationSeconds)}</dd>
        <dt>Source</dt>
        <dd>{video.width && video.height ? `${video.width}x${video.height}` : "–"}</dd>
        <dt>Renditions</dt>
        <dd>
          {video.renditions
            .map(
              (rendition) => `${rendition.name} (${rendition.width}x${rendition.height}, ${Math.round(rendition.bandwidth / 1000)} kb/s)`,
            )
            .join(", ") || "–"}
        </dd>
      </dl>
    </>
  );
}
