import { storyboardSheetName, type ImageSize } from "@aq/contracts";

export interface StoryboardLayout {
  tile: ImageSize;
  columns: number;
  rows: number;
}

/** WebVTT timestamps: hh:mm:ss.ttt. */
export function vttTimestamp(seconds: number): string {
  const ms = Math.max(0, Math.round(seconds * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor(ms / 60_000) % 60;
  const s = Math.floor(ms / 1000) % 60;
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

/** How many sprite sheets hold this many tiles. */
export function sheetCount(tiles: number, layout: StoryboardLayout): number {
  return Math.ceil(tiles / (layout.columns * layout.rows));
}

/**
 * The storyboard's WebVTT (the form hls.js, video.js and Vidstack read): one cue per tile, from
 * its frame's time to the next one's (the last to the end), whose text is the sheet's name,
 * relative to the VTT, with a `#xywh=` fragment. Relative names keep working under a signed
 * playback URL, whose token is part of the path.
 */
export function storyboardVtt(times: readonly number[], durationSeconds: number, layout: StoryboardLayout): string {
  const perSheet = layout.columns * layout.rows;
  const { width, height } = layout.tile;
  const cues = times.map((start, i) => {
    const end = Math.max(times[i + 1] ?? durationSeconds, start + 0.001);
    const within = i % perSheet;
    const x = (within % layout.columns) * width;
    const y = Math.floor(within / layout.columns) * height;
    const sheet = storyboardSheetName(Math.floor(i / perSheet));
    return `${vttTimestamp(start)} --> ${vttTimestamp(end)}\n${sheet}#xywh=${x},${y},${width},${height}`;
  });
  return `WEBVTT\n\n${cues.join("\n\n")}\n`;
}
