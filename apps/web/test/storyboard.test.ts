import { describe, expect, it } from "vitest";
import { parseStoryboard, tileAt } from "../src/components/hls-player/storyboard";

const VTT_URL = "https://play.example.com/v/1800003600/k1.sig/video-1/images/storyboard.vtt";

// The form AQ's encoder writes (packages/media storyboardVtt): 2 s tiles, 2 columns per sheet row.
const AQ_STORYBOARD = `WEBVTT

00:00:00.000 --> 00:00:02.000
storyboard_0.jpg#xywh=0,0,160,90

00:00:02.000 --> 00:00:04.000
storyboard_0.jpg#xywh=160,0,160,90

00:00:04.000 --> 00:00:06.000
storyboard_0.jpg#xywh=0,90,160,90

00:00:06.000 --> 00:00:07.500
storyboard_1.jpg#xywh=0,0,160,90
`;

describe("storyboard WebVTT", () => {
  it("reads each cue's time range and tile, with the sheet resolved under the VTT's signed path", () => {
    const tiles = parseStoryboard(AQ_STORYBOARD, VTT_URL);
    expect(tiles).toHaveLength(4);
    expect(tiles[2]).toEqual({
      start: 4,
      end: 6,
      sheet: "https://play.example.com/v/1800003600/k1.sig/video-1/images/storyboard_0.jpg",
      x: 0,
      y: 90,
      width: 160,
      height: 90,
    });
    expect(tiles[3]!.sheet).toMatch(/\/k1\.sig\/video-1\/images\/storyboard_1\.jpg$/);
    expect(tiles[3]!.end).toBe(7.5);
  });

  it("picks the tile covering a time, the first before the start and the last past the end", () => {
    const tiles = parseStoryboard(AQ_STORYBOARD, VTT_URL);
    expect(tileAt(tiles, 0)).toBe(tiles[0]);
    expect(tileAt(tiles, 1.999)).toBe(tiles[0]);
    expect(tileAt(tiles, 2)).toBe(tiles[1]);
    expect(tileAt(tiles, 4.8)).toBe(tiles[2]);
    expect(tileAt(tiles, 7.5)).toBe(tiles[3]);
    expect(tileAt(tiles, 100)).toBe(tiles[3]);
    expect(tileAt(tiles, -1)).toBe(tiles[0]);
    expect(tileAt([], 3)).toBeNull();
  });

  it("accepts CRLF, short timestamps, cue identifiers and absolute sheet URLs, and skips cues of another form", () => {
    const vtt = [
      "WEBVTT",
      "",
      "NOTE made elsewhere",
      "",
      "tile-1",
      "00:05.000 --> 00:10.000",
      "https://cdn.example.com/sheet.jpg#xywh=10,20,30,40",
      "",
      "00:00.000 --> 00:05.000",
      "sprite.jpg#xywh=0,0,30,40",
      "",
      "00:10.000 --> 00:15.000",
      "a caption, not a tile",
      "",
    ].join("\r\n");
    const tiles = parseStoryboard(vtt, VTT_URL);
    expect(tiles.map((tile) => [tile.start, tile.sheet, tile.x, tile.y])).toEqual([
      [0, "https://play.example.com/v/1800003600/k1.sig/video-1/images/sprite.jpg", 0, 0],
      [5, "https://cdn.example.com/sheet.jpg", 10, 20],
    ]);
  });

  it("gives no tiles for a file that is not a storyboard", () => {
    expect(parseStoryboard("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n", VTT_URL)).toEqual([]);
    expect(parseStoryboard("<html>not found</html>", VTT_URL)).toEqual([]);
  });
});
