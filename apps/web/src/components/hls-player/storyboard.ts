/** One storyboard tile: the frame shown for [start, end) seconds, a rectangle of a sprite sheet. */
export interface StoryboardTile {
  start: number;
  end: number;
  /** The sprite sheet's absolute URL (resolved against the VTT's, so a signed VTT URL signs its sheets). */
  sheet: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

const TIMING = /^((?:\d+:)?\d{1,2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}\.\d{3})/;
const XYWH = /^(.+)#xywh=(\d+),(\d+),(\d+),(\d+)$/;

function seconds(timestamp: string): number {
  return timestamp.split(":").reduce((total, part) => total * 60 + Number(part), 0);
}

/**
 * Reads a storyboard WebVTT (the form hls.js, video.js and Vidstack share): cues whose text is
 * `sheet.jpg#xywh=x,y,w,h`. Cues in any other form are skipped; the result is sorted by start.
 */
export function parseStoryboard(vtt: string, vttUrl: string): StoryboardTile[] {
  const tiles: StoryboardTile[] = [];
  const lines = vtt.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const timing = TIMING.exec(lines[i]!.trim());
    const target = timing && XYWH.exec((lines[i + 1] ?? "").trim());
    if (!timing || !target) continue;
    const [, name, x, y, width, height] = target;
    tiles.push({
      start: seconds(timing[1]!),
      end: seconds(timing[2]!),
      sheet: new URL(name!, vttUrl).href,
      x: Number(x),
      y: Number(y),
      width: Number(width),
      height: Number(height),
    });
  }
  return tiles.sort((a, b) => a.start - b.start);
}

/** The tile shown at a time: the cue covering it, else the last one that started before it. */
export function tileAt(tiles: readonly StoryboardTile[], time: number): StoryboardTile | null {
  let found: StoryboardTile | null = null;
  for (const tile of tiles) {
    if (tile.start > time) break;
    found = tile;
    if (time < tile.end) break;
  }
  return found ?? tiles[0] ?? null;
}
