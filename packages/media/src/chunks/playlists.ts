import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { MASTER_PLAYLIST } from "@aq/contracts";
import { masterPlaylistText, measuredRendition, playlistName, type MeasuredRendition } from "../hls-playlists.js";
import type { RenditionPlan } from "../ladder.js";
import type { EncodedChunk } from "./encode-chunk.js";

export interface PlaylistFile {
  /** "master.m3u8", "240p.m3u8"...: relative to the video's output root. */
  name: string;
  text: string;
}

export interface ChunkedPlaylists {
  /** The master first, then one media playlist per rung in plan order. */
  files: PlaylistFile[];
  /** Every chunk is done: VOD playlists with #EXT-X-ENDLIST. Otherwise EVENT playlists that will grow. */
  complete: boolean;
  /** Chunks of the contiguous done prefix the playlists list. */
  chunkCount: number;
  /** Segments per rung listed. */
  segmentCount: number;
  /** Playback time listed (the first rung's). */
  durationSeconds: number;
  /** Each rung as the master states it (BANDWIDTH, AVERAGE-BANDWIDTH, CODECS), in plan order. */
  renditions: MeasuredRendition[];
}

/**
 * The playlists of a chunked encode from the chunks done so far: the media playlists list the
 * segments of the contiguous prefix of done chunks (a player must not meet a hole), as an EVENT
 * playlist while chunks are missing and as VOD with #EXT-X-ENDLIST once all `totalChunks` are
 * done; the master states BANDWIDTH, AVERAGE-BANDWIDTH and CODECS measured on the listed segments.
 * null while chunk 0 is not done (nothing playable yet). Pure: the caller writes or uploads the files.
 */
export function chunkedPlaylists(
  plan: RenditionPlan[],
  doneChunks: EncodedChunk[],
  totalChunks: number,
  withAudio: boolean,
): ChunkedPlaylists | null {
  const byIndex = new Map(doneChunks.map((c) => [c.index, c]));
  const prefix: EncodedChunk[] = [];
  while (byIndex.has(prefix.length) && prefix.length < totalChunks) prefix.push(byIndex.get(prefix.length)!);
  if (prefix.length === 0) return null;
  const complete = prefix.length === totalChunks;

  const media = plan.map((rendition) => {
    const parts = prefix.map((chunk) => chunk.renditions.find((r) => r.name === rendition.name));
    if (parts.some((p) => !p)) throw new Error(`a done chunk has no ${rendition.name} segments`);
    const segments = parts.flatMap((p) => p!.segments);
    // Constant while an EVENT playlist grows: the segment length, or more if a segment rounds above it.
    const targetDuration = Math.max(rendition.segmentSeconds, ...segments.map((s) => Math.round(s.durationSeconds)));
    const lines = [
      "#EXTM3U",
      "#EXT-X-VERSION:6",
      `#EXT-X-TARGETDURATION:${targetDuration}`,
      "#EXT-X-MEDIA-SEQUENCE:0",
      `#EXT-X-PLAYLIST-TYPE:${complete ? "VOD" : "EVENT"}`,
      "#EXT-X-INDEPENDENT-SEGMENTS",
      ...segments.flatMap((s) => [`#EXTINF:${s.durationSeconds.toFixed(6)},`, s.uri]),
      ...(complete ? ["#EXT-X-ENDLIST"] : []),
    ];
    return {
      file: { name: playlistName(rendition), text: `${lines.join("\n")}\n` },
      measured: measuredRendition(rendition, segments, targetDuration, parts[0]!.videoCodec, withAudio),
    };
  });
  const first = media[0]!.measured;
  return {
    files: [{ name: MASTER_PLAYLIST, text: masterPlaylistText(media.map((m) => m.measured)) }, ...media.map((m) => m.file)],
    complete,
    chunkCount: prefix.length,
    segmentCount: first.segmentCount,
    durationSeconds: first.durationSeconds,
    renditions: media.map((m) => m.measured),
  };
}

/** Writes the playlists into a local output root (the CLI's and the tests' way; services upload them). */
export async function writePlaylistFiles(outDir: string, files: PlaylistFile[]): Promise<void> {
  await mkdir(outDir, { recursive: true });
  // Media playlists first: a master never names a playlist that is not there yet.
  for (const file of [...files].sort((a, b) => Number(a.name === MASTER_PLAYLIST) - Number(b.name === MASTER_PLAYLIST))) {
    await writeFile(join(outDir, file.name), file.text);
  }
}
