import type { RateControl, X264Preset } from "@aq/config";
import { MASTER_PLAYLIST, SEGMENTS_DIR } from "@aq/contracts";
import { fileArg, inputSafetyArgs } from "./input-safety.js";
import type { RenditionPlan } from "./ladder.js";
import type { MediaInfo, VideoStreamInfo } from "./media-info.js";
import { FFMPEG_RUN_ARGS } from "./progress.js";
import { rateControlArgs, rungRateControl } from "./rate-control.js";

export interface EncodeArgsOptions {
  input: string;
  info: MediaInfo;
  plan: RenditionPlan[];
  preset: X264Preset;
  rateControl: RateControl;
  /** 0: ffmpeg decides. */
  threads: number;
  /** The build has zscale + tonemap (see canToneMap). */
  toneMap: boolean;
}

/** Filters that bring the decoded source to SDR before the split: HDR is tone-mapped once, not per rendition. */
export function sourceFilters(video: VideoStreamInfo, toneMap: boolean): string[] {
  if (!video.hdr || !toneMap) return [];
  const transfer = video.hdr === "pq" ? "smpte2084" : "arib-std-b67";
  const range = video.colorRange === "pc" ? "pc" : "tv";
  return [
    `zscale=tin=${transfer}:min=bt2020nc:pin=bt2020:rin=${range}:t=linear:npl=100`,
    "format=gbrpf32le",
    "zscale=p=bt709",
    "tonemap=tonemap=hable:desat=0",
    "zscale=t=bt709:m=bt709:r=tv",
  ];
}

/**
 * The filter graph: one decode, constant frame rate (an `fps` filter, so variable-rate sources do
 * not make renditions drop different frames), optional tone mapping, split, then per rendition an
 * exact scale with square pixels and 8-bit 4:2:0 (what libx264's main profile takes). ffmpeg has
 * already applied the rotation, so sizes are in display orientation.
 */
export function buildFilterGraph(video: VideoStreamInfo, plan: RenditionPlan[], toneMap: boolean, trim?: string): string {
  const first = plan[0];
  if (!first) throw new Error("an encode needs at least one rendition");
  const shared = [
    `fps=fps=${first.frameRateText}`,
    // A chunk keeps the output frames of its range: cut after the fps filter, so each frame is the
    // source frame the single run picks for that slot, whatever the source's own timestamps.
    ...(trim ? [trim] : []),
    ...sourceFilters(video, toneMap),
    `split=${plan.length}${plan.map((_, i) => `[s${i}]`).join("")}`,
  ];
  const branches = plan.map((r, i) => `[s${i}]${renditionScaleFilter(r)}[v${i}]`);
  return [`[0:${video.index}]${shared.join(",")}`, ...branches].join(";");
}

/** A rendition's exact size with square pixels in 8-bit 4:2:0; also how QC scales the source it compares against. */
export function renditionScaleFilter(r: Pick<RenditionPlan, "width" | "height">): string {
  return `scale=w=${r.width}:h=${r.height}:flags=bicubic,setsar=1,format=yuv420p`;
}

/** `-var_stream_map`: each variant gets its own audio stream (ffmpeg refuses one stream in two variants) and its name. */
export function buildVarStreamMap(plan: RenditionPlan[], withAudio: boolean): string {
  return plan.map((r, i) => (withAudio ? `v:${i},a:${i},name:${r.name}` : `v:${i},name:${r.name}`)).join(" ");
}

/** Full ffmpeg argument list for the single-pass encode; run with the output folder as working directory. */
export function buildEncodeArgs(options: EncodeArgsOptions): string[] {
  const { info, plan, toneMap } = options;
  const video = info.video;
  if (!video) throw new Error("an encode needs a video stream");
  const audio = info.audio;
  return [
    ...FFMPEG_RUN_ARGS,
    ...inputSafetyArgs(),
    "-i",
    fileArg(options.input),
    "-filter_complex",
    buildFilterGraph(video, plan, toneMap),
    ...ladderOutputArgs({
      plan,
      preset: options.preset,
      rateControl: options.rateControl,
      threads: options.threads,
      toneMapped: Boolean(video.hdr && toneMap),
      // The same (first) audio track, mapped once per variant: each variant muxes its own copy.
      audioMaps: audio ? plan.map(() => `0:${audio.index}`) : null,
      audioMode: "encode",
    }),
    ...hlsMuxerArgs(plan, Boolean(audio), { masterPlaylist: true }),
    "%v.m3u8",
  ];
}

export interface LadderOutputOptions {
  plan: RenditionPlan[];
  preset: X264Preset;
  rateControl: RateControl;
  threads: number;
  toneMapped: boolean;
  /** The `-map` of each rendition's audio (in plan order), or null for video-only output. */
  audioMaps: string[] | null;
  /** "encode": AAC per rung from a decoded track (the single run); "copy": already encoded AAC (a chunk). */
  audioMode: "encode" | "copy";
  /**
   * Forced keyframes that came before this run's first frame: a chunk starting at 12 s continues
   * the 2 s grid with 6, so its frames carry the single run's timestamps (`-copyts`).
   */
  keyframesBefore?: number;
}

/**
 * The output side every encode shares, the single run and each chunk: the filter graph's outputs
 * and the audio mapped per rendition, x264 with keyframes on the 2 s grid, per-rung rates.
 */
export function ladderOutputArgs(options: LadderOutputOptions): string[] {
  const { plan, preset, rateControl, threads, audioMaps } = options;
  const first = plan[0];
  if (!first) throw new Error("an encode needs at least one rendition");
  const maps: string[] = [];
  const perStream: string[] = [];
  plan.forEach((r, i) => {
    maps.push("-map", `[v${i}]`);
    if (audioMaps) maps.push("-map", audioMaps[i]!);
    const rc = rungRateControl(r, rateControl);
    perStream.push(...rateControlArgs(i, rc));
    if (audioMaps && options.audioMode === "encode") perStream.push(`-b:a:${i}`, `${r.audioBitrateKbps}k`);
  });
  const before = options.keyframesBefore ?? 0;
  const audioCodec = options.audioMode === "encode" ? ["-c:a", "aac", "-ac", "2", "-ar", "48000"] : ["-c:a", "copy"];
  return [
    ...maps,
    "-c:v",
    "libx264",
    "-preset",
    preset,
    "-profile:v",
    "main",
    ...(threads > 0 ? ["-threads", String(threads)] : []),
    // Keyframes on a 2 s time grid and nowhere else: every 6 s segment of every rendition starts
    // with an IDR frame at the same timestamp.
    "-force_key_frames",
    before > 0
      ? `expr:gte(t,(n_forced+${before})*${first.keyframeIntervalSeconds})`
      : `expr:gte(t,n_forced*${first.keyframeIntervalSeconds})`,
    "-g",
    String(first.gopFrames),
    "-keyint_min",
    String(first.gopFrames),
    "-sc_threshold",
    "0",
    "-forced-idr",
    "1",
    ...(options.toneMapped ? ["-color_primaries", "bt709", "-color_trc", "bt709", "-colorspace", "bt709"] : []),
    ...perStream,
    ...(audioMaps ? audioCodec : []),
    "-sn",
    "-dn",
    "-map_metadata",
    "-1",
    "-map_chapters",
    "-1",
  ];
}

export interface HlsMuxerOptions {
  /** Write ffmpeg's master playlist (replaced by a measured one afterwards). */
  masterPlaylist: boolean;
  /** Number of the first segment (a chunk continues the numbering). */
  startNumber?: number;
  /** Defaults to the plan's segment length. */
  segmentSeconds?: number;
}

/** The HLS muxer in the guide's layout: segments/<rung>_<NNN>.ts listed as such; the playlist name (`%v.m3u8`) comes last. */
export function hlsMuxerArgs(plan: RenditionPlan[], withAudio: boolean, options: HlsMuxerOptions): string[] {
  const first = plan[0];
  if (!first) throw new Error("an encode needs at least one rendition");
  return [
    "-f",
    "hls",
    "-hls_time",
    String(options.segmentSeconds ?? first.segmentSeconds),
    ...(options.startNumber ? ["-start_number", String(options.startNumber)] : []),
    "-hls_playlist_type",
    "vod",
    "-hls_flags",
    "independent_segments",
    "-hls_segment_type",
    "mpegts",
    // Segments live in segments/; without the base URL the playlists would list bare file names.
    "-hls_base_url",
    `${SEGMENTS_DIR}/`,
    "-hls_segment_filename",
    `${SEGMENTS_DIR}/%v_%03d.ts`,
    ...(options.masterPlaylist ? ["-master_pl_name", MASTER_PLAYLIST] : []),
    "-var_stream_map",
    buildVarStreamMap(plan, withAudio),
  ];
}
