/**
 * The quality-control report of one encoded video: what was measured on the output, stored as
 * `videos/<id>/qc.json` and exposed as `Video.qc`. Warnings are things a user should know; none of
 * them fails the video.
 */
export interface QcReport {
  /** ISO 8601. */
  measuredAt: string;
  sourceDurationSeconds: number | null;
  renditions: QcRendition[];
  /** Every sampled segment start is a keyframe at the same time in every rendition. */
  keyframesAligned: boolean;
  /** The top rendition against the source scaled to its size, on one segment; null when not comparable (e.g. a tone-mapped HDR source). */
  qualitySample: QcQualitySample | null;
  /** Null when the video has no audio. */
  audio: QcAudio | null;
  warnings: string[];
}

export interface QcRendition {
  name: string;
  /** BANDWIDTH in the master playlist, bits/s. */
  declaredBandwidth: number;
  averageBitrate: number;
  /** Highest segment bit rate (the HLS definition of peak). */
  peakBitrate: number;
  durationSeconds: number;
  segmentCount: number;
  longestSegmentSeconds: number;
}

export interface QcQualitySample {
  rendition: string;
  startSeconds: number;
  seconds: number;
  /** SSIM of the luma plane, 0-1. */
  ssimY: number;
  /** PSNR of the luma plane in dB (null for identical pictures). */
  psnrY: number | null;
}

export interface QcAudio {
  /** EBU R128 integrated loudness in LUFS; null when everything was below the gate (silence). */
  integratedLufs: number | null;
  /** EBU R128 true peak in dBTP; null for digital silence. */
  truePeakDbtp: number | null;
  silent: boolean;
}
