import { execa } from "execa";
import { AqError } from "@aq/contracts";
import { ACCEPTED_CONTAINERS, fileArg, inputSafetyArgs, refusedCodec, refusedDemuxer } from "./input-safety.js";
import type { AudioStreamInfo, HdrTransfer, MediaInfo, Rational, VideoStreamInfo } from "./media-info.js";
import { rationalValue } from "./media-info.js";

export interface ProbeOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Read every packet to count the video frames really there (`video.frameCount`): reads the whole file. */
  countFrames?: boolean;
}

const DEFAULT_PROBE_TIMEOUT_MS = 60_000;

/** Runs ffprobe once on a source (allowed demuxers only) and returns its typed metadata. */
export async function probeMedia(path: string, options: ProbeOptions = {}): Promise<MediaInfo> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const result = await execa(
    "ffprobe",
    [
      "-hide_banner",
      "-v",
      "error",
      ...inputSafetyArgs(),
      ...(options.countFrames ? ["-count_packets"] : []),
      "-print_format",
      "json",
      "-show_format",
      "-show_streams",
      "-i",
      fileArg(path),
    ],
    { reject: false, timeout: timeoutMs, cancelSignal: options.signal, stdin: "ignore", maxBuffer: 16 * 1024 * 1024 },
  );
  if (result.isCanceled) throw new AqError("ENCODE_ABORTED", "probe aborted");
  if (result.timedOut) {
    throw new AqError("SOURCE_UNREADABLE", `ffprobe did not finish reading the source within ${Math.round(timeoutMs / 1000)} s`);
  }
  if (result.code === "ENOENT") throw new AqError("FFMPEG_MISSING", "ffprobe is not installed or not on PATH");
  const stderr = String(result.stderr ?? "");
  if (result.exitCode !== 0) throw probeFailure(stderr);
  let json: unknown;
  try {
    json = JSON.parse(String(result.stdout));
  } catch (error) {
    throw new AqError("SOURCE_NOT_MEDIA", "ffprobe returned unreadable metadata for the source", undefined, { cause: error });
  }
  return parseProbeJson(path, json);
}

function probeFailure(stderr: string): AqError {
  const demuxer = refusedDemuxer(stderr);
  if (demuxer) {
    return new AqError(
      "SOURCE_UNSUPPORTED_FORMAT",
      `source is a ${demuxer} file, not a video container AQ accepts (${ACCEPTED_CONTAINERS.slice(0, -1).join(", ")} or ${ACCEPTED_CONTAINERS.at(-1)})`,
      { demuxer },
    );
  }
  const codec = refusedCodec(stderr);
  if (codec) return new AqError("SOURCE_UNSUPPORTED_FORMAT", `source has a ${codec} stream, a codec AQ does not decode`, { codec });
  if (/No such file or directory/.test(stderr)) return new AqError("SOURCE_NOT_FOUND", "source file does not exist");
  if (/Permission denied/.test(stderr)) return new AqError("SOURCE_UNREADABLE", "source file cannot be read (permission denied)");
  return new AqError("SOURCE_NOT_MEDIA", "source is not a video file ffmpeg can read", { ffprobe: lastLine(stderr) });
}

function lastLine(text: string): string {
  return text.trim().split("\n").at(-1)?.slice(0, 500) ?? "";
}

interface RawStream {
  index?: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  r_frame_rate?: string;
  avg_frame_rate?: string;
  pix_fmt?: string;
  bits_per_raw_sample?: string;
  color_transfer?: string;
  color_primaries?: string;
  color_space?: string;
  color_range?: string;
  channels?: number;
  channel_layout?: string;
  sample_rate?: string;
  duration?: string;
  nb_read_packets?: string;
  disposition?: Record<string, number>;
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface RawProbe {
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string };
  streams?: RawStream[];
}

/** Turns ffprobe's `-show_format -show_streams` JSON into MediaInfo. */
export function parseProbeJson(path: string, json: unknown): MediaInfo {
  const raw = (json ?? {}) as RawProbe;
  const streams = raw.streams ?? [];
  const videos = streams.filter((s) => s.codec_type === "video" && !s.disposition?.attached_pic && (s.width ?? 0) > 0);
  const audios = streams.filter((s) => s.codec_type === "audio");
  const videoRaw = pickDefault(videos);
  const audioRaw = pickDefault(audios);
  const formatDuration = positiveNumber(raw.format?.duration);
  const streamDuration = positiveNumber(videoRaw?.duration);
  return {
    path,
    container: raw.format?.format_name ?? "unknown",
    durationSeconds: formatDuration ?? streamDuration,
    sizeBytes: positiveNumber(raw.format?.size),
    bitRate: positiveNumber(raw.format?.bit_rate),
    streamCount: streams.length,
    video: videoRaw ? parseVideo(videoRaw) : null,
    audio: audioRaw ? parseAudio(audioRaw) : null,
    audioTrackCount: audios.length,
  };
}

function pickDefault(streams: RawStream[]): RawStream | undefined {
  return streams.find((s) => s.disposition?.default === 1) ?? streams[0];
}

function parseVideo(s: RawStream): VideoStreamInfo {
  const width = s.width ?? 0;
  const height = s.height ?? 0;
  const sar = parseRational(s.sample_aspect_ratio, ":");
  const sarValue = sar.num > 0 && sar.den > 0 ? sar.num / sar.den : 1;
  const rotation = parseRotation(s);
  // A non-square-pixel frame is shown wider (or narrower) than stored; rounding to even keeps it encodable.
  const shownWidth = sarValue === 1 ? width : Math.max(2, Math.round((width * sarValue) / 2) * 2);
  const swap = rotation === 90 || rotation === 270;
  const rFrameRateRational = parseRational(s.r_frame_rate, "/");
  const avgFrameRateRational = parseRational(s.avg_frame_rate, "/");
  return {
    index: s.index ?? 0,
    codec: s.codec_name ?? "unknown",
    profile: s.profile ?? null,
    width,
    height,
    displayWidth: swap ? height : shownWidth,
    displayHeight: swap ? shownWidth : height,
    sampleAspectRatio: sar.num > 0 && sar.den > 0 ? sar : { num: 1, den: 1 },
    rotation,
    rFrameRate: rationalValue(rFrameRateRational),
    avgFrameRate: rationalValue(avgFrameRateRational),
    rFrameRateRational,
    avgFrameRateRational,
    pixFmt: s.pix_fmt ?? "unknown",
    bitDepth: bitDepthOf(s),
    colorTransfer: s.color_transfer ?? null,
    colorPrimaries: s.color_primaries ?? null,
    colorSpace: s.color_space ?? null,
    colorRange: s.color_range ?? null,
    hdr: hdrOf(s.color_transfer),
    frameCount: s.nb_read_packets === undefined ? null : Number(s.nb_read_packets),
  };
}

function parseAudio(s: RawStream): AudioStreamInfo {
  return {
    index: s.index ?? 0,
    codec: s.codec_name ?? "unknown",
    channels: s.channels ?? 0,
    sampleRate: Number(s.sample_rate ?? 0) || 0,
    channelLayout: s.channel_layout ?? null,
    isDefault: s.disposition?.default === 1,
  };
}

/**
 * ffprobe 5.1 reports a display matrix as a counter-clockwise angle in side data; older builds
 * and some muxers use a clockwise `rotate` tag. Both become a clockwise 0/90/180/270.
 */
function parseRotation(s: RawStream): number {
  const matrix = s.side_data_list?.find((d) => typeof d.rotation === "number");
  const clockwise = matrix ? -(matrix.rotation ?? 0) : Number(s.tags?.rotate ?? 0) || 0;
  const quarter = Math.round(clockwise / 90) * 90;
  return ((quarter % 360) + 360) % 360;
}

function bitDepthOf(s: RawStream): number {
  const raw = Number(s.bits_per_raw_sample);
  if (Number.isInteger(raw) && raw > 0) return raw;
  const fromFormat = /p(\d{2})(le|be)$/.exec(s.pix_fmt ?? "");
  return fromFormat ? Number(fromFormat[1]) : 8;
}

function hdrOf(transfer: string | undefined): HdrTransfer | null {
  if (transfer === "smpte2084") return "pq";
  if (transfer === "arib-std-b67") return "hlg";
  return null;
}

function parseRational(value: string | undefined, separator: string): Rational {
  const [a, b] = (value ?? "").split(separator);
  const num = Number(a);
  const den = Number(b);
  return Number.isFinite(num) && Number.isFinite(den) && den !== 0 ? { num, den } : { num: 0, den: 1 };
}

function positiveNumber(value: string | undefined): number | null {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : null;
}
