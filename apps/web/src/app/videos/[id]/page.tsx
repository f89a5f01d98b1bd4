import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { cache } from "react";
import { GatewayError } from "@/lib/gateway/errors";
import { videoForPlayback } from "@/lib/gateway/videos";
import { canRetry, isTerminal, type VideoDetails } from "@/lib/videos";
import { CopyField } from "../../_components/copy-field";
import { ErrorBox } from "../../_components/error-box";
import { formatDuration } from "../../_components/format";
import { GatewayProblem } from "../../_components/gateway-problem";
import { LocalTime } from "../../_components/local-time";
import { Poster } from "../../_components/poster";
import { StatusBadge, statusLabel } from "../../_components/status-badge";
import { VideoActions } from "../../_components/video-actions";
import { CaptionsPanel } from "./captions-panel";
import { LiveProgress } from "./live-progress";
import { PlayerView } from "./player-view";

export const dynamic = "force-dynamic";

/** Long enough for a viewer to finish a long film: segments keep being fetched with this token. */
const PLAYBACK_TTL_SECONDS = 6 * 3600;

type Loaded = { video: VideoDetails } | { failure: GatewayError };

/** One gateway read per request, shared by the page and its title. */
const load = cache(async (id: string): Promise<Loaded> => {
  try {
    // Signed here, on the server: the API key that asks for the URL never reaches the browser.
    const video = await videoForPlayback(id, PLAYBACK_TTL_SECONDS);
    if (!video) notFound();
    return { video };
  } catch (error) {
    if (
      error instanceof GatewayError &&
      (error.code === "BAD_USER_INPUT" || error.code === "INVALID_VIDEO_ID" || error.code === "NOT_FOUND")
    )
      notFound();
    if (error instanceof GatewayError) return { failure: error };
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const loaded = await load((await params).id);
  return { title: "video" in loaded ? (loaded.video.title ?? "Untitled video") : "Video" };
}

export default async function VideoPage({ params }: { params: Promise<{ id: string }> }) {
  const loaded = await load((await params).id);
  if ("failure" in loaded) return <GatewayProblem failure={loaded.failure.toFailure()} />;
  const { video } = loaded;
  const title = video.title ?? video.id;
  const aspectRatio = video.width && video.height ? video.width / video.height : undefined;
  const snippet = video.playbackUrl
    ? `import { HlsPlayer } from "@/components/hls-player";\n\n// playbackUrl from AQ's API, signed on your server (this one expires in ${PLAYBACK_TTL_SECONDS / 3600} h)\n<HlsPlayer src="${video.playbackUrl}" />`
    : null;

  return (
    <>
      <h1>{title}</h1>
      <div className="video-layout">
        <div>
          <section aria-label="Video">
            {video.playbackUrl ? (
              <PlayerView
                src={video.playbackUrl}
                poster={video.posterUrl ?? undefined}
                storyboard={video.storyboardUrl ?? undefined}
                aspectRatio={aspectRatio}
              />
            ) : (
              <Poster
                src={video.posterUrl ?? null}
                label={statusLabel(video.status)}
                durationSeconds={video.durationSeconds}
                aspectRatio={aspectRatio}
              />
            )}
          </section>
          {video.status !== "READY" && video.status !== "DELETED" && (
            <section aria-labelledby="progress-heading">
              <h2 id="progress-heading">Progress</h2>
              <LiveProgress
                videoId={video.id}
                status={video.status}
                progress={video.progress}
                attempts={video.attempts}
                playable={video.playable}
              />
            </section>
          )}
          {video.error && (
            <section aria-label="Error">
              <ErrorBox error={video.error} logUrl={video.logUrl} />
            </section>
          )}
          {/* Captions are taken from upload on; a failed or rejected video refuses them. */}
          {(video.status === "READY" || !isTerminal(video.status)) && (
            <section aria-labelledby="captions-heading">
              <h2 id="captions-heading">Captions</h2>
              <CaptionsPanel
                videoId={video.id}
                ready={video.status === "READY"}
                captions={video.captions}
                pending={video.pendingCaptions}
              />
            </section>
          )}
          {snippet && video.playbackUrl && (
            <section aria-labelledby="share-heading">
              <h2 id="share-heading">Use it in your site</h2>
              <CopyField label="Playback URL" value={video.playbackUrl} />
              <CopyField label="HlsPlayer snippet" value={snippet} multiline />
            </section>
          )}
        </div>
        <aside>
          <section aria-labelledby="about-heading">
            <h2 id="about-heading">About</h2>
            <dl className="details">
              <dt>Status</dt>
              <dd>
                <StatusBadge status={video.status} />
              </dd>
              <dt>Duration</dt>
              <dd>{formatDuration(video.durationSeconds)}</dd>
              <dt>Source</dt>
              <dd>{video.width && video.height ? `${video.width}×${video.height}` : "–"}</dd>
              <dt>Renditions</dt>
              <dd data-testid="renditions">{video.renditions.map((rendition) => rendition.name).join(", ") || "–"}</dd>
              <dt>Created</dt>
              <dd>
                <LocalTime iso={video.createdAt} />
              </dd>
              <dt>Id</dt>
              <dd>
                <code>{video.id}</code>
              </dd>
            </dl>
          </section>
          {video.status !== "DELETED" && (
            <section aria-label="Actions">
              <VideoActions id={video.id} title={title} retry={canRetry(video)} />
              {video.downloadUrl && (
                <p>
                  <a href={video.downloadUrl} className="button" download>
                    Download MP4
                  </a>
                </p>
              )}
              <p>
                <Link href="/upload">Upload another video</Link>
              </p>
            </section>
          )}
          <section aria-labelledby="history-heading">
            <h2 id="history-heading">History</h2>
            <ol className="history" data-testid="history">
              {video.history.map((change, index) => (
                <li key={index}>
                  <StatusBadge status={change.to} /> <LocalTime iso={change.at} className="muted" />
                  {change.detail && <div className="muted">{change.detail}</div>}
                </li>
              ))}
            </ol>
          </section>
        </aside>
      </div>
      {!isTerminal(video.status) && <noscript>This page updates itself with JavaScript; reload it to see the latest state.</noscript>}
    </>
  );
}
