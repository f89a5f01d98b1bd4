import { vttTimestamp } from "../images/storyboard-vtt.js";
import type { Cue } from "./parse.js";

function cueBlock(cue: Cue): string {
  const settings = cue.settings ? ` ${cue.settings}` : "";
  return `${vttTimestamp(cue.startSeconds)} --> ${vttTimestamp(cue.endSeconds)}${settings}\n${cue.text}`;
}

/** The whole track as one WebVTT file, times from the start of the video. */
export function captionsVtt(cues: readonly Cue[]): string {
  return `WEBVTT\n\n${cues.map(cueBlock).join("\n\n")}\n`;
}

export interface SegmentedCaptions {
  /** The track's media playlist: one WebVTT segment per video segment, same durations. */
  playlist: string;
  /** Segment i's text (its file name is given by segmentName(i)). */
  segments: string[];
}

/**
 * Cuts a track into WebVTT segments aligned with the video's segments (same count, same
 * durations), each cue in every segment it overlaps (players drop the repeats), each segment
 * mapping its times to the video's MPEG-TS clock (X-TIMESTAMP-MAP: local 0 is the first
 * segment's first timestamp, `startPts`), as HLS requires of WebVTT in a SUBTITLES group.
 */
export function segmentCaptions(
  cues: readonly Cue[],
  segmentSeconds: readonly number[],
  startPts: number,
  segmentName: (index: number) => string,
): SegmentedCaptions {
  const header = `WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:${Math.round(startPts)},LOCAL:00:00:00.000`;
  let from = 0;
  const segments = segmentSeconds.map((duration) => {
    const to = from + duration;
    const inside = cues.filter((cue) => cue.startSeconds < to && cue.endSeconds > from);
    from = to;
    return `${header}\n\n${inside.map(cueBlock).join("\n\n")}${inside.length ? "\n" : ""}`;
  });
  const target = Math.max(1, ...segmentSeconds.map((s) => Math.round(s)));
  const lines = ["#EXTM3U", "#EXT-X-VERSION:3", `#EXT-X-TARGETDURATION:${target}`, "#EXT-X-MEDIA-SEQUENCE:0", "#EXT-X-PLAYLIST-TYPE:VOD"];
  segmentSeconds.forEach((duration, i) => lines.push(`#EXTINF:${duration.toFixed(3)},`, segmentName(i)));
  lines.push("#EXT-X-ENDLIST");
  return { playlist: `${lines.join("\n")}\n`, segments };
}
