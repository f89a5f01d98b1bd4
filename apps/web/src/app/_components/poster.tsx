import { formatDuration } from "./format";

/**
 * The picture a video is known by: its poster (Video.posterUrl, signed) once READY, else a
 * placeholder saying where the video stands; with its duration, 16:9 unless the page gives the
 * source's own aspect ratio.
 */
export function Poster({
  src,
  label,
  durationSeconds,
  aspectRatio,
}: {
  src: string | null;
  label: string;
  durationSeconds: number | null;
  aspectRatio?: number;
}) {
  return (
    <div className="poster" style={aspectRatio ? { aspectRatio: String(aspectRatio) } : undefined}>
      {src ? (
        // A plain <img>: the URL is signed and short-lived, which Next's image optimizer would cache under an expiring key.
        <img src={src} alt="" loading="lazy" />
      ) : (
        <span className="poster-label">{label}</span>
      )}
      {durationSeconds !== null && <span className="duration">{formatDuration(durationSeconds)}</span>}
    </div>
  );
}
