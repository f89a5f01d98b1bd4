import Link from "next/link";
import { isTerminal, overall, type VideoSummary } from "@/lib/videos";
import { LocalTime } from "./local-time";
import { Poster } from "./poster";
import { StatusBadge, statusLabel } from "./status-badge";

/** One video in the library: poster, title (linking to its page), status, duration and a one-line error. */
export function VideoCard({ video }: { video: VideoSummary }) {
  const title = video.title ?? video.id;
  const moving = !isTerminal(video.status);
  const percent = Math.round(overall(video.status, video.progress).fraction * 100);
  return (
    <li className="video-card" data-video-id={video.id}>
      {/* The same destination as the title link: kept out of the tab order and the accessibility tree. */}
      <Link href={`/videos/${video.id}`} className="poster-link" tabIndex={-1} aria-hidden="true">
        <Poster src={video.posterUrl ?? null} label={statusLabel(video.status)} durationSeconds={video.durationSeconds} />
      </Link>
      <div className="card-body">
        <Link href={`/videos/${video.id}`} className="card-title" title={title}>
          {title}
        </Link>
        <div className="card-meta">
          <StatusBadge status={video.status} />
          {moving && <span className="muted">{percent}%</span>}
          <LocalTime iso={video.createdAt} className="muted" />
        </div>
        {video.renditions.length > 0 && (
          <div className="muted one-line" data-testid="renditions">
            {video.renditions.map((rendition) => rendition.name).join(", ")}
          </div>
        )}
        {video.error && (
          <p className="error-text one-line" title={`${video.error.summary} ${video.error.message}`} style={{ margin: 0 }}>
            {video.error.summary}
          </p>
        )}
      </div>
    </li>
  );
}
