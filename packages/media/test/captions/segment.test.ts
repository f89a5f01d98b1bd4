import { execa } from "execa";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Cue } from "../../src/captions/parse.js";
import { captionsVtt, segmentCaptions } from "../../src/captions/segment.js";
import { withSubtitles } from "../../src/captions/master-subtitles.js";
import { firstPresentationTimestamp } from "../../src/captions/ts-start.js";

const cue = (startSeconds: number, endSeconds: number, text: string): Cue => ({ startSeconds, endSeconds, settings: "", text });

describe("segmentCaptions", () => {
  it("puts each cue in every 6 s segment it overlaps, mapped to the video's MPEG-TS clock", () => {
    const cues = [cue(1, 2, "a"), cue(5, 7, "across"), cue(13, 14, "last")];
    const { playlist, segments } = segmentCaptions(cues, [6, 6, 2.5], 126000, (i) => `en_00${i}.vtt`);
    expect(segments).toHaveLength(3);
    const header = "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:126000,LOCAL:00:00:00.000\n\n";
    expect(segments[0]).toBe(`${header}00:00:01.000 --> 00:00:02.000\na\n\n00:00:05.000 --> 00:00:07.000\nacross\n`);
    expect(segments[1]).toBe(`${header}00:00:05.000 --> 00:00:07.000\nacross\n`);
    expect(segments[2]).toBe(`${header}00:00:13.000 --> 00:00:14.000\nlast\n`);
    expect(playlist).toBe(
      "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:6\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n" +
        "#EXTINF:6.000,\nen_000.vtt\n#EXTINF:6.000,\nen_001.vtt\n#EXTINF:2.500,\nen_002.vtt\n#EXT-X-ENDLIST\n",
    );
  });

  it("keeps an empty segment valid WebVTT", () => {
    expect(segmentCaptions([cue(20, 21, "x")], [6], 0, (i) => `${i}.vtt`).segments[0]).toBe(
      "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n",
    );
  });

  it("writes the whole track as one WebVTT file", () => {
    expect(captionsVtt([{ ...cue(1, 2, "hi"), settings: "align:start" }])).toBe(
      "WEBVTT\n\n00:00:01.000 --> 00:00:02.000 align:start\nhi\n",
    );
  });
});

const MASTER = [
  "#EXTM3U",
  "#EXT-X-VERSION:6",
  "#EXT-X-INDEPENDENT-SEGMENTS",
  '#EXT-X-STREAM-INF:BANDWIDTH=1500000,AVERAGE-BANDWIDTH=1200000,CODECS="avc1.4d401f,mp4a.40.2",RESOLUTION=854x480,FRAME-RATE=30',
  "480p.m3u8",
  '#EXT-X-STREAM-INF:BANDWIDTH=500000,AVERAGE-BANDWIDTH=400000,CODECS="avc1.4d4015,mp4a.40.2",RESOLUTION=426x240,FRAME-RATE=30',
  "240p.m3u8",
  "",
].join("\n");

describe("withSubtitles", () => {
  it("adds a SUBTITLES group naming each track, and references it from every variant in their order", () => {
    const text = withSubtitles(MASTER, [
      { language: "en", label: "English" },
      { language: "pt-BR", label: 'Português "BR"' },
    ]);
    const lines = text.split("\n");
    expect(lines[3]).toBe(
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="captions/en.m3u8"',
    );
    expect(lines[4]).toBe(
      `#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="Português 'BR'",LANGUAGE="pt-BR",DEFAULT=NO,AUTOSELECT=YES,URI="captions/pt-BR.m3u8"`,
    );
    expect(lines.filter((l) => l.startsWith("#EXT-X-STREAM-INF:")).every((l) => l.endsWith(',SUBTITLES="subs"'))).toBe(true);
    expect(lines.filter((l) => l.endsWith(".m3u8") && !l.startsWith("#"))).toEqual(["480p.m3u8", "240p.m3u8"]);
  });

  it("rewrites only the subtitle lines: replacing the tracks, and removing the last one restores the encoder's master", () => {
    const one = withSubtitles(MASTER, [{ language: "en", label: "English" }]);
    const other = withSubtitles(one, [{ language: "fr", label: "Français" }]);
    expect(other).not.toContain("captions/en.m3u8");
    expect(other.match(/SUBTITLES="subs"/g)).toHaveLength(2);
    expect(withSubtitles(other, [])).toBe(MASTER);
  });
});

describe("firstPresentationTimestamp", () => {
  it("reads where an MPEG-TS file's timeline starts, as ffprobe does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aq-ts-start-"));
    try {
      const ts = join(dir, "a.ts");
      await execa("ffmpeg", [
        ...["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=160x90:rate=25:duration=1"],
        ...[
          "-f",
          "lavfi",
          "-i",
          "sine=duration=1",
          "-c:v",
          "libx264",
          "-preset",
          "ultrafast",
          "-c:a",
          "aac",
          "-output_ts_offset",
          "10",
          ts,
        ],
      ]);
      const { stdout } = await execa("ffprobe", ["-v", "error", "-show_entries", "format=start_time", "-of", "csv=p=0", ts]);
      const pts = firstPresentationTimestamp(await readFile(ts));
      expect(pts).not.toBeNull();
      expect(pts! / 90000).toBeCloseTo(Number(stdout), 3);
      expect(pts! / 90000).toBeGreaterThan(10);
      expect(firstPresentationTimestamp(Buffer.from("not a transport stream at all, just some text..."))).toBeNull();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
