import { formatDuration } from "./format";

/**
 * The picture a video is known by: for now a placeholder saying where the video stands, with
 * its duration, 16:9 unless the page gives the source's own aspect ratio.
 */
export function Poster({ label, durationSeconds, aspectRatio }: { label: string; durationSeconds: number | null; aspectRatio?: number }) {
  return (
    <div className="poster" style={aspectRatio ? { aspectRatio: String(aspectRatio) } : undefined}>
      <span className="poster-label">{label}</span>
      {durationSeconds !== null && <span className="duration">{formatDuration(durationSeconds)}</span>}
    </div>
  );
}
