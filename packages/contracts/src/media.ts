/**
 * What ffprobe tells AQ about a source and the ladder planned from it. Plain data: the probe
 * stage stores both on the video row, the encoder encodes the stored plan, the API reads them.
 * The media core (@aq/media) computes them.
 */

export interface Rational {
  num: number;
  den: number;
}

export type HdrTransfer = "pq" | "hlg";

export interface VideoStreamInfo {
  /** Absolute stream index in the container (for `-map 0:<index>`). */
  index: number;
  codec: string;
  profile: string | null;
  /** Frame size as stored. */
  width: number;
  height: number;
  /** Frame size as shown: sample aspect ratio applied, then rotation. */
  displayWidth: number;
  displayHeight: number;
  sampleAspectRatio: Rational;
  /** Clockwise rotation a player applies, one of 0, 90, 180, 270. */
  rotation: number;
  rFrameRate: number;
  avgFrameRate: number;
  rFrameRateRational: Rational;
  avgFrameRateRational: Rational;
  pixFmt: string;
  bitDepth: number;
  colorTransfer: string | null;
  colorPrimaries: string | null;
  colorSpace: string | null;
  colorRange: string | null;
  hdr: HdrTransfer | null;
  /** Frames found by reading every packet; null unless the probe was asked to count them. */
  frameCount: number | null;
}

export interface AudioStreamInfo {
  index: number;
  codec: string;
  channels: number;
  sampleRate: number;
  channelLayout: string | null;
  isDefault: boolean;
}

export interface MediaInfo {
  path: string;
  /** ffprobe's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  container: string;
  /** null when neither the container nor the streams state it. */
  durationSeconds: number | null;
  sizeBytes: number | null;
  bitRate: number | null;
  streamCount: number;
  /** The default (else first) video stream that is not cover art. */
  video: VideoStreamInfo | null;
  /** The default (else first) audio track: the only one encoded. */
  audio: AudioStreamInfo | null;
  audioTrackCount: number;
}

export interface RenditionPlan {
  name: string;
  width: number;
  height: number;
  videoBitrateKbps: number;
  maxrateKbps: number;
  bufsizeKbps: number;
  audioBitrateKbps: number;
  /** Declared peak in bits/s (video maxrate + audio), for planning; the master states measured values. */
  bandwidth: number;
  frameRate: Rational;
  /** "30000/1001", as ffmpeg's fps filter takes it. */
  frameRateText: string;
  frameRateValue: number;
  gopFrames: number;
  keyframeIntervalSeconds: number;
  segmentSeconds: number;
}
