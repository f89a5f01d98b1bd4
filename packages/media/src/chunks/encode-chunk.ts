import { mkdir, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { defaultLadderConfig, type RateControl, type X264Preset } from "@aq/config";
import { AqError, SEGMENTS_DIR } from "@aq/contracts";
import { readAvcCodecString } from "../avc-codec.js";
import { buildFilterGraph, hlsMuxerArgs, ladderOutputArgs } from "../encode-args.js";
import { canToneMap } from "../ffmpeg-capabilities.js";
import { runFfmpeg } from "../ffmpeg-process.js";
import { playlistName, readPlaylist, type SegmentSize } from "../hls-playlists.js";
import { inputArg, inputSafetyArgs } from "../input-safety.js";
import type { RenditionPlan } from "../ladder.js";
import type { MediaInfo } from "../media-info.js";
import { FFMPEG_RUN_ARGS, ffmpegStageProgress, type EncodeProgress } from "../progress.js";
import { AAC_FRAME_SAMPLES, AUDIO_SAMPLE_RATE, encodeSourceAudio, isRemote, redactionsFor, type AudioTrackInput } from "./audio.js";
import type { ChunkRange } from "./plan.js";

/**
 * Added to every chunk's output timestamps. MPEG-TS cannot hold the negative decode timestamps of
 * B-frames and AAC priming at the very start, so its muxer shifts a run that has them by however
 * much they need, which only the first chunk has; a fixed offset larger than any such shift makes
 * every chunk land on the same timeline.
 */
export const CHUNK_TIMELINE_OFFSET_SECONDS = 10;

export interface EncodeChunkOptions {
  /** The normalized source: a local path, or an http(s) URL such as a presigned GET (no shared disk). */
  input: string;
  /**
   * The whole-source audio tracks (encodeSourceAudio), as paths or URLs; empty for a source without
   * audio. Left out for the first chunk, which encodes the start of the source's audio itself
   * (firstChunkAudio), so it need not wait for the whole source's.
   */
  audio?: AudioTrackInput[];
  /** Probed from the normalized source. */
  info: MediaInfo;
  plan: RenditionPlan[];
  chunk: ChunkRange;
  /** Receives `segments/<rung>_<NNN>.ts` for this chunk's numbers only; other chunks may share it. */
  outDir: string;
  logFile: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  stallTimeoutMs?: number;
  preset?: X264Preset;
  /** As the single run's (ladder config); each chunk starts its own VBV buffer. */
  rateControl?: RateControl;
  threads?: number;
  /** See RunFfmpegOptions.background: a chunk after the first. */
  background?: boolean;
  /** Percent of this chunk's range. */
  onProgress?: (progress: EncodeProgress) => void;
}

export interface EncodedChunkRendition {
  name: string;
  /** RFC 6381 video codec of this rung ("avc1.4d401e"), read from its first segment's SPS. */
  videoCodec: string;
  /** In playback order, numbered from the chunk's firstSegment; uri relative to the output root. */
  segments: SegmentSize[];
}

/** What the playlists need of a done chunk: it fits in a database row, so no disk is shared. */
export interface EncodedChunk {
  index: number;
  renditions: EncodedChunkRendition[];
  warnings: string[];
}

/**
 * Encodes one chunk in every rung with the single run's ladder arguments (encode-args.ts) and
 * writes its segments with the numbers and timestamps the single run gives them:
 * - `-copyts` keeps the source's timeline through the filters, so the `fps` filter places frames on
 *   the single run's grid and the forced keyframes continue its 2 s grid (`keyframesBefore`);
 * - a chunk after the first encodes one GOP before its start too (WARM_UP_GOPS) and drops its
 *   packets before the muxer, so x264 reaches the join with a history, as the single run does;
 * - the video is read from a second before what is encoded to a second after the chunk's end, and
 *   the frames of that range are kept after the fps filter (trim), so each is the single run's
 *   frame for that slot even when the source's timestamps are off the grid; the last chunk reads to
 *   the end;
 * - each audio track is copied, AAC frame by AAC frame, from the first frame starting at or after
 *   startSeconds to the last starting before the chunk's end, so consecutive chunks hold every
 *   frame exactly once;
 * - segments are cut a little before each 6 s mark so the cut lands on the single run's keyframe
 *   even when 6 s is not a whole number of frames (29.97 fps), whatever this run's first frame.
 */
export async function encodeChunk(options: EncodeChunkOptions): Promise<EncodedChunk> {
  const { info, plan, chunk } = options;
  const video = info.video;
  if (!video) throw new AqError("SOURCE_NO_VIDEO", "source has no video stream");
  const first = plan[0];
  if (!first) throw new AqError("ENCODE_FAILED", "the ladder plan has no renditions");
  if (info.audio && options.audio?.length === 0)
    throw new AqError("ENCODE_FAILED", "a chunk of a source with audio needs its audio tracks");
  if (!options.audio && chunk.startSeconds > 0)
    throw new AqError("ENCODE_FAILED", `chunk ${chunk.index} needs the whole-source audio tracks`);
  const segmentGrid = cutMargin(first);
  if ((chunk.segmentCount + 1) * segmentGrid >= first.keyframeIntervalSeconds - 1 / first.frameRateValue) {
    throw new AqError(
      "ENCODE_FAILED",
      `chunk ${chunk.index} is too long (${chunk.segmentCount} segments) to cut at ${first.frameRateText} fps`,
    );
  }
  const warnings: string[] = [];
  const toneMap = video.hdr ? await canToneMap() : false;
  if (video.hdr && !toneMap) {
    warnings.push(`source is HDR (${video.hdr}) but this ffmpeg lacks zscale/tonemap: converted to 8-bit without tone mapping`);
  }
  const outDir = resolve(options.outDir);
  // ffmpeg does not create the segment folder.
  await mkdir(join(outDir, SEGMENTS_DIR), { recursive: true });
  const playlistDir = await mkdtemp(join(tmpdir(), `aq-chunk-${chunk.index}-`));
  try {
    const limits = { signal: options.signal, timeoutMs: options.timeoutMs, stallTimeoutMs: options.stallTimeoutMs };
    const audio = options.audio ?? (await firstChunkAudio({ ...options, outDir: playlistDir }));
    const audioInputs = info.audio ? audioInputsFor(plan, audio) : [];
    const encodeFrom = warmUpStartSeconds(chunk, first);
    const warmUpFrames = frameSlot(chunk.startSeconds, first) - frameSlot(encodeFrom, first);
    const args = [
      ...FFMPEG_RUN_ARGS,
      "-copyts",
      "-start_at_zero",
      ...inputSafetyArgs({ remote: isRemote(options.input) }),
      ...videoRangeArgs(chunk, encodeFrom),
      "-i",
      inputArg(options.input),
      ...audioInputs.flatMap((input) => [...inputSafetyArgs({ remote: isRemote(input) }), ...audioRangeArgs(chunk), "-i", inputArg(input)]),
      "-filter_complex",
      buildFilterGraph(video, plan, toneMap, trimFilter(chunk, encodeFrom, first)),
      ...ladderOutputArgs({
        plan,
        preset: options.preset ?? "medium",
        rateControl: options.rateControl ?? defaultLadderConfig.rateControl,
        threads: options.threads ?? 0,
        toneMapped: Boolean(video.hdr && toneMap),
        audioMaps: info.audio ? plan.map((r) => `${1 + audioInputs.indexOf(audioInputFor(r, audio))}:a:0`) : null,
        audioMode: "copy",
        keyframesBefore: Math.round(encodeFrom / first.keyframeIntervalSeconds),
      }),
      // The warm-up GOP's packets, which come first in decode order (its GOP is closed by the IDR at
      // the chunk's start): the muxer's first packet is that IDR, where the segment numbering starts.
      ...(warmUpFrames > 0 ? ["-bsf:v", `noise=drop=lt(n\\,${warmUpFrames})`] : []),
      "-output_ts_offset",
      String(CHUNK_TIMELINE_OFFSET_SECONDS),
      ...hlsMuxerArgs(plan, Boolean(info.audio), {
        masterPlaylist: false,
        startNumber: chunk.firstSegment,
        segmentSeconds: Number((first.segmentSeconds - segmentGrid).toFixed(6)),
      }),
      join(playlistDir, "%v.m3u8"),
    ];
    const rangeStart = CHUNK_TIMELINE_OFFSET_SECONDS + encodeFrom;
    const encodedSeconds = chunk.startSeconds + chunk.durationSeconds - encodeFrom;
    await runFfmpeg({
      args,
      cwd: outDir,
      logFile: resolve(options.logFile),
      label: `encode chunk ${chunk.index}`,
      failureCode: "ENCODE_FAILED",
      background: options.background,
      ...limits,
      redact: redactionsFor(options.input, ...audio.map((a) => a.input)),
      onProgress:
        options.onProgress &&
        ((p) => {
          const outTimeSeconds = p.outTimeSeconds === null ? null : Math.max(0, p.outTimeSeconds - rangeStart);
          options.onProgress?.(ffmpegStageProgress("encode", { ...p, outTimeSeconds }, encodedSeconds));
        }),
    });
    const renditions = await Promise.all(plan.map((r) => readChunkRendition(outDir, playlistDir, r, chunk)));
    return { index: chunk.index, renditions, warnings };
  } finally {
    await rm(playlistDir, { recursive: true, force: true });
  }
}

/**
 * AAC frames the first chunk's own audio encode runs past the chunk's end (about half a second).
 * ffmpeg's AAC encoder is deterministic and its frames depend on the samples before them and one
 * frame ahead, so the first chunk's frames are bit for bit the whole-source encode's: the join
 * with the second chunk (copied from the whole-source tracks) is seamless.
 */
const FIRST_CHUNK_AUDIO_MARGIN_FRAMES = 24;

/**
 * The first chunk's audio: the source's start encoded with the whole-source settings. Every other
 * chunk copies its frames from the whole-source tracks, which the planner encodes while this
 * chunk runs: the time to the first playable segments does not grow with the source's length.
 */
async function firstChunkAudio(options: EncodeChunkOptions): Promise<AudioTrackInput[]> {
  const { chunk } = options;
  const margin = (FIRST_CHUNK_AUDIO_MARGIN_FRAMES * AAC_FRAME_SAMPLES) / AUDIO_SAMPLE_RATE;
  return encodeSourceAudio({
    ...options,
    untilSeconds: chunk.last ? undefined : chunk.startSeconds + chunk.durationSeconds + margin,
    background: false,
    onProgress: undefined,
  });
}

/** The `-segment` length is this much under 6 s: more than a frame (and an AAC frame, which may start the run) so no cut is missed. */
function cutMargin(rendition: RenditionPlan): number {
  return 1 / rendition.frameRateValue + AAC_FRAME_SAMPLES / AUDIO_SAMPLE_RATE;
}

/**
 * Seconds of source read before a chunk's start: the fps filter places the chunk's first frames
 * from the source frames around the start, which may lie a little before it.
 */
const VIDEO_PREROLL_SECONDS = 1;

/**
 * How much of the normalized source's start the first chunk needs (see cutNormalizedHead): past
 * what it reads of the video and of the audio, one more second for the packets a decoder takes
 * in after a frame's time (reordered B-frames).
 */
export function firstChunkHeadSeconds(chunk: Pick<ChunkRange, "startSeconds" | "durationSeconds">): number {
  const end = chunk.startSeconds + chunk.durationSeconds;
  const audioMargin = (FIRST_CHUNK_AUDIO_MARGIN_FRAMES * AAC_FRAME_SAMPLES) / AUDIO_SAMPLE_RATE;
  return end + Math.max(VIDEO_PREROLL_SECONDS, audioMargin) + 1;
}

/**
 * GOPs encoded before a chunk's start and dropped from its output. Started cold at the join (no
 * complexity history, the VBV buffer at its initial share), x264 gave the GOPs next to a join less
 * quality than the single run does. `npm run bench`'s cost of chunking (a join every 6 s, 4 rungs),
 * cold against one GOP first: the WebM animation's worst join GOP -1.72 against -0.72 dB PSNR-Y,
 * 0.93-0.95x the single run's bytes at -0.20 to -0.31 dB against 0.96-0.97x at -0.09 to -0.16 dB;
 * the game stream's -0.66 against -0.41 dB, 0.995-0.998x at -0.06 to -0.09 dB against 1.005-1.019x
 * at 0.00 to +0.07 dB. It costs a GOP of encoding per chunk: 2 s on the default 36 s chunk (6 %).
 */
const WARM_UP_GOPS = 1;

/** Where a chunk's encode starts: WARM_UP_GOPS keyframe intervals before the chunk, the first chunk at 0. */
function warmUpStartSeconds(chunk: ChunkRange, rendition: RenditionPlan): number {
  return Math.max(0, chunk.startSeconds - WARM_UP_GOPS * rendition.keyframeIntervalSeconds);
}

/** The input range read: from a little before what is encoded (ffmpeg decodes from the keyframe before that) to a little after the chunk. */
function videoRangeArgs(chunk: ChunkRange, encodeFrom: number): string[] {
  const from = Math.max(0, encodeFrom - VIDEO_PREROLL_SECONDS);
  const to = chunk.startSeconds + chunk.durationSeconds + VIDEO_PREROLL_SECONDS;
  return [...(from > 0 ? ["-ss", seconds(from * 1e6)] : []), ...(chunk.last ? [] : ["-t", seconds((to - from) * 1e6)])];
}

/**
 * The frame slot of the first frame at or after `seconds`: the fps filter numbers frames in its
 * time base of one frame (a time in seconds would be rounded to the nearest slot, which at 29.97 fps
 * is the slot before 18 s).
 */
function frameSlot(seconds: number, rendition: RenditionPlan): number {
  return Math.ceil((seconds * rendition.frameRate.num) / rendition.frameRate.den - 1e-9);
}

/** The frames encoded, on the single run's timeline (-copyts): the slots from encodeFrom to the chunk's end. */
function trimFilter(chunk: ChunkRange, encodeFrom: number, rendition: RenditionPlan): string {
  const start = encodeFrom > 0 ? [`start_pts=${frameSlot(encodeFrom, rendition)}`] : [];
  const end = chunk.last ? [] : [`end_pts=${frameSlot(chunk.startSeconds + chunk.durationSeconds, rendition)}`];
  return `trim=${[...start, ...end].join(":") || "start_pts=0"}`;
}

/**
 * Seeks to the first AAC frame starting at or after the chunk's start (rounded up to the
 * microsecond ffmpeg counts in, so the seek does not land on the frame before) and stops before the
 * first frame starting at or after its end. With -copyts, -t counts from the seek point.
 */
function audioRangeArgs(chunk: ChunkRange): string[] {
  const frame = AAC_FRAME_SAMPLES / AUDIO_SAMPLE_RATE;
  const startUs = chunk.startSeconds > 0 ? Math.ceil(Math.ceil(chunk.startSeconds / frame - 1e-9) * frame * 1e6) : 0;
  const endUs = Math.round((chunk.startSeconds + chunk.durationSeconds) * 1e6);
  return [...(startUs > 0 ? ["-ss", seconds(startUs)] : []), ...(chunk.last ? [] : ["-t", seconds(endUs - startUs)])];
}

function seconds(microseconds: number): string {
  return (Math.round(microseconds) / 1e6).toFixed(6);
}

function audioInputFor(rendition: RenditionPlan, audio: AudioTrackInput[]): string {
  const track = audio.find((a) => a.bitrateKbps === rendition.audioBitrateKbps);
  if (!track) throw new AqError("ENCODE_FAILED", `no ${rendition.audioBitrateKbps}k audio track for ${rendition.name}`);
  return track.input;
}

/** Each distinct track once, in plan order (ffmpeg input 1, 2, ...). */
function audioInputsFor(plan: RenditionPlan[], audio: AudioTrackInput[]): string[] {
  return [...new Set(plan.map((r) => audioInputFor(r, audio)))];
}

async function readChunkRendition(outDir: string, playlistDir: string, rendition: RenditionPlan, chunk: ChunkRange) {
  const playlist = await readPlaylist(join(playlistDir, playlistName(rendition)));
  if (playlist.isMasterPlaylist)
    throw new AqError("ENCODE_FAILED", `chunk ${chunk.index}: ${playlistName(rendition)} is a master playlist`);
  const segments: SegmentSize[] = [];
  for (const [i, segment] of playlist.segments.entries()) {
    const expected = `${SEGMENTS_DIR}/${rendition.name}_${String(chunk.firstSegment + i).padStart(3, "0")}.ts`;
    if (segment.uri !== expected) throw new AqError("ENCODE_FAILED", `chunk ${chunk.index} wrote ${segment.uri} where ${expected} was due`);
    const { size } = await stat(join(outDir, segment.uri));
    segments.push({ uri: segment.uri, durationSeconds: segment.duration, bytes: size });
  }
  const counted = chunk.last ? segments.length >= 1 : segments.length === chunk.segmentCount;
  if (!counted) {
    throw new AqError(
      "ENCODE_FAILED",
      `chunk ${chunk.index} wrote ${segments.length} ${rendition.name} segments, planned ${chunk.segmentCount}`,
    );
  }
  const videoCodec = await readAvcCodecString(join(outDir, segments[0]!.uri));
  if (!videoCodec) throw new AqError("ENCODE_FAILED", `no H.264 sequence parameter set in ${segments[0]!.uri}`);
  return { name: rendition.name, videoCodec, segments };
}
