import { captionPlaylist, type CaptionTrack } from "@aq/contracts";

export const SUBTITLES_GROUP = "subs";

const quoted = (text: string) => text.replace(/["\r\n]/g, "'");

/**
 * The master playlist with exactly these caption tracks in its SUBTITLES group (none: the
 * group is removed). Only the subtitle lines change: every other line, and the variants' order,
 * stay as the encoder wrote them.
 */
export function withSubtitles(master: string, tracks: readonly CaptionTrack[]): string {
  const lines = master
    .replace(/\r\n/g, "\n")
    .split("\n")
    .filter((line) => !line.startsWith("#EXT-X-MEDIA:TYPE=SUBTITLES"))
    .map((line) => (line.startsWith("#EXT-X-STREAM-INF:") ? line.replace(/,SUBTITLES="[^"]*"/, "") : line));
  if (tracks.length === 0) return lines.join("\n");
  const media = tracks.map(
    (track, i) =>
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="${SUBTITLES_GROUP}",NAME="${quoted(track.label)}",LANGUAGE="${track.language}",` +
      `DEFAULT=${i === 0 ? "YES" : "NO"},AUTOSELECT=YES,URI="${captionPlaylist(track.language)}"`,
  );
  const firstVariant = lines.findIndex((line) => line.startsWith("#EXT-X-STREAM-INF:"));
  const withGroup = lines.map((line) => (line.startsWith("#EXT-X-STREAM-INF:") ? `${line},SUBTITLES="${SUBTITLES_GROUP}"` : line));
  withGroup.splice(firstVariant < 0 ? withGroup.length : firstVariant, 0, ...media);
  return withGroup.join("\n");
}
