export * from "./media-info.js";
export { probeMedia, parseProbeJson, type ProbeOptions } from "./probe.js";
export { checkSourceFile, validateSource } from "./source-check.js";
export { ACCEPTED_CONTAINERS, ALLOWED_DEMUXERS, inputSafetyArgs, fileArg } from "./input-safety.js";
export { chooseFrameRate } from "./frame-rate.js";
export {
  planLadder,
  minimumShortSide,
  rungsFor,
  BASE_RUNGS,
  RUNG_1080P,
  SEGMENT_SECONDS,
  KEYFRAME_INTERVAL_SECONDS,
  type RenditionPlan,
  type Rung,
} from "./ladder.js";
export {
  normalizeSource,
  normalizedFileName,
  buildNormalizeArgs,
  cutNormalizedHead,
  type NormalizeOptions,
  type NormalizeAudio,
} from "./normalize.js";
export { CRF_INITIAL_BUFFER_SHARE, rungRateControl, rateControlArgs, type RungRateControl } from "./rate-control.js";
export { buildEncodeArgs, buildFilterGraph, buildVarStreamMap, type EncodeArgsOptions } from "./encode-args.js";
export { encodeHls, type EncodeHlsOptions, type EncodeResult } from "./encode.js";
export { verifyHlsOutput, type VerifiedOutput, type VerifiedRendition } from "./verify.js";
export {
  encodeVideo,
  encodeTimeoutMs,
  prepareNormalizedSource,
  FFMPEG_LOG_NAME,
  type EncodeVideoOptions,
  type EncodedVideo,
  type NormalizedSource,
} from "./encode-video.js";
export {
  createProgressParser,
  throttleProgress,
  stageProgress,
  type EncodeProgress,
  type EncodeStage,
  type FfmpegProgress,
} from "./progress.js";
export { runFfmpeg, type RunFfmpegOptions } from "./ffmpeg-process.js";
export { sideBySide } from "./side-by-side.js";
export { canToneMap } from "./ffmpeg-capabilities.js";
export { masterVariantOrder, peakSegmentBitrate, playlistName, type MeasuredRendition, type SegmentSize } from "./hls-playlists.js";
export { tailLog } from "./log-tail.js";
export { assertOutputCoversSource } from "./completeness.js";
export { planChunks, chunkingHelps, DEFAULT_FIRST_CHUNK_SEGMENTS, type ChunkRange, type ChunkPlanOptions } from "./chunks/plan.js";
export {
  encodeSourceAudio,
  audioTracksFor,
  AAC_FRAME_SAMPLES,
  AUDIO_SAMPLE_RATE,
  type AudioTrack,
  type AudioTrackInput,
  type EncodeSourceAudioOptions,
} from "./chunks/audio.js";
export {
  encodeChunk,
  firstChunkHeadSeconds,
  CHUNK_TIMELINE_OFFSET_SECONDS,
  type EncodeChunkOptions,
  type EncodedChunk,
  type EncodedChunkRendition,
} from "./chunks/encode-chunk.js";
export { encodeInChunks, type EncodeInChunksOptions, type ChunkedEncodeResult } from "./chunks/encode-in-chunks.js";
export { chunkedPlaylists, writePlaylistFiles, type ChunkedPlaylists, type PlaylistFile } from "./chunks/playlists.js";
export * from "./images/index.js";
export * from "./mp4/index.js";
export { makeAssets, type MakeAssetsOptions } from "./make-assets.js";
export { measureQc, writeQcReport, type QcOptions } from "./qc/qc-report.js";
export { planDryRun, estimateCpuSeconds, MEASURED_CPU_SECONDS_PER_VIDEO_MINUTE, type DryRunPlan } from "./dry-run-plan.js";
export * from "./captions/index.js";
