import { z } from "zod";

/**
 * The shape of bench/results/*.json. The Markdown report is rendered from this alone, and the
 * smoke test parses the file with it.
 */
const num = z.number().finite();
const seconds = num.nonnegative();

export const machineSchema = z.object({
  cores: z.number().int().positive(),
  cpuModel: z.string(),
  memoryGiB: num,
  kernel: z.string(),
  node: z.string(),
  ffmpeg: z.string(),
  loadAverageAtStart: z.array(num),
});
export type Machine = z.infer<typeof machineSchema>;

export const sourceSchema = z.object({
  id: z.string(),
  description: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  fps: num,
  seconds: num,
  bytes: z.number().int(),
  bitrateKbps: num,
});
export type SourceDescription = z.infer<typeof sourceSchema>;

const stageSecondsSchema = z.object({ prepare: seconds, encode: seconds, verify: seconds });
export type StageSeconds = z.infer<typeof stageSecondsSchema>;

const encodeRunSchema = z.object({
  variant: z.enum(["reference", "aq"]),
  wallSeconds: seconds,
  cpuSeconds: seconds,
  outputBytes: z.number().int(),
  /** AQ only: probe + normalize, the ffmpeg encode, verification (from its progress events). */
  stages: stageSecondsSchema.nullable(),
});
export type EncodeRun = z.infer<typeof encodeRunSchema>;

const encodeSummarySchema = z.object({
  wallSeconds: seconds,
  cpuSeconds: seconds,
  /** Seconds of video per wall-clock second. */
  realtimeFactor: num,
  outputBytes: z.number().int(),
});

export const encodeSectionSchema = z.object({
  runsPerVariant: z.number().int().positive(),
  referenceCommand: z.array(z.string()),
  aqCommand: z.array(z.string()),
  sources: z.array(
    z.object({
      source: sourceSchema,
      runs: z.array(encodeRunSchema),
      reference: encodeSummarySchema,
      aq: encodeSummarySchema,
      aqStages: stageSecondsSchema,
      /** AQ / reference, of the medians. */
      ratio: z.object({ wall: num, cpu: num, bytes: num }),
    }),
  ),
});
export type EncodeSection = z.infer<typeof encodeSectionSchema>;

export const pipelineSectionSchema = z.object({
  source: sourceSchema,
  runs: z.array(z.object({ kind: z.enum(["pipeline", "bare"]), wallSeconds: seconds })),
  pipelineSeconds: seconds,
  bareEncodeSeconds: seconds,
  overheadSeconds: num,
  /** overhead / bare encode. */
  overheadFraction: num,
  /** Medians over the pipeline runs: createVideo to ENCODING plus ENCODED to READY, the part that is not the encoder's. */
  outsideEncodingSeconds: seconds,
  /** ENCODING to ENCODED: download of the source from the bucket, encodeVideo, the log copied to the bucket. */
  encodingStatusSeconds: seconds,
  /** Median seconds from the start to the first sight of each status. */
  statusReachedSeconds: z.record(z.string(), seconds),
});
export type PipelineSection = z.infer<typeof pipelineSectionSchema>;

const scoredRungSchema = z.object({
  name: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  /** The guide's bit rate for this rung (times the point's scale for the guide's own points). */
  targetKbps: num,
  /** Video only: the sources are scored without audio, which every configuration encodes alike. */
  bytes: z.number().int(),
  averageKbps: num,
  /** Highest bit rate over 0.5-1.5 target durations of segments (RFC 8216bis), what BANDWIDTH must state. */
  peakKbps: num,
  frames: z.number().int(),
  vmaf: num,
  vmafP5: num,
  ssimY: num,
  ssimYP1: num,
  psnrY: num,
  psnrYP1: num,
});
export type ScoredRung = z.infer<typeof scoredRungSchema>;

const ratePointSchema = z.object({
  /** The guide's bit-rate scale, or the CRF. */
  param: num,
  wallSeconds: seconds,
  cpuSeconds: seconds,
  rungs: z.array(scoredRungSchema),
});
export type RatePointResult = z.infer<typeof ratePointSchema>;

const familySchema = z.object({
  /** "guide", or "crf-<preset>". */
  id: z.string(),
  kind: z.enum(["guide", "crf"]),
  preset: z.string(),
  points: z.array(ratePointSchema),
});
export type RateFamily = z.infer<typeof familySchema>;

export const QUALITY_METRICS = ["vmaf", "ssimY", "psnrY"] as const;
export type QualityMetric = (typeof QUALITY_METRICS)[number];

const bdRateSchema = z.object({
  test: z.string(),
  anchor: z.string(),
  metric: z.enum(QUALITY_METRICS),
  /** Fraction: -0.2 is 20 % fewer bits for the same quality; null where the curves share no quality range. */
  perRung: z.array(z.object({ name: z.string(), bdRate: num.nullable() })),
  /** Per-rung values weighted by the guide's bit rate of each rung (its share of the stored bytes). */
  ladder: num.nullable(),
});
export type BdRateResult = z.infer<typeof bdRateSchema>;

export const qualitySectionSchema = z.object({
  clipSeconds: num,
  vmafModel: z.string(),
  /** Every Nth frame scored. */
  subsample: z.number().int().positive(),
  guideScales: z.array(num),
  crfs: z.array(num),
  defaultCrf: num,
  /** Presets other than medium ran only on these files (null: on every source). */
  presetFiles: z.array(z.string()).nullable(),
  sources: z.array(
    z.object({
      source: sourceSchema.extend({ synthetic: z.boolean() }),
      families: z.array(familySchema),
      bdRates: z.array(bdRateSchema),
    }),
  ),
});
export type QualitySection = z.infer<typeof qualitySectionSchema>;

const speedRunSchema = z.object({
  config: z.string(),
  wallSeconds: seconds,
  cpuSeconds: seconds,
  /** 1-minute load average just before and just after the run. */
  loadBefore: num,
  loadAfter: num,
});

export const speedSectionSchema = z.object({
  source: sourceSchema,
  rungs: z.array(z.string()),
  crf: num,
  runsPerConfig: z.number().int().positive(),
  cores: z.number().int().positive(),
  runs: z.array(speedRunSchema),
  configs: z.array(
    z.object({
      id: z.string(),
      preset: z.string(),
      /** 1: one ffmpeg for the ladder; 2: 720p in one, the lower rungs in another, run at the same time. */
      processes: z.number().int().positive(),
      wallMedian: seconds,
      wallMin: seconds,
      wallMax: seconds,
      cpuMedian: seconds,
      cpuMin: seconds,
      cpuMax: seconds,
      cpuSecondsPerVideoMinute: num,
      /** Seconds of video per wall-clock second, from the median wall time. */
      realtimeFactor: num,
      maxLoad: num,
      bytes: z.number().int(),
    }),
  ),
});
export type SpeedSection = z.infer<typeof speedSectionSchema>;

export const concurrencySectionSchema = z.object({
  source: sourceSchema,
  configs: z.array(
    z.object({
      concurrency: z.number().int().positive(),
      threads: z.number().int().nonnegative(),
      videos: z.number().int().positive(),
      /** Figures are medians over this many runs. */
      runs: z.number().int().positive(),
      wallSeconds: seconds,
      cpuSeconds: seconds,
      videosPerHour: num,
      cpuSecondsPerVideo: num,
      /** Median time one video took from its start to its end. */
      videoSeconds: seconds,
    }),
  ),
});
export type ConcurrencySection = z.infer<typeof concurrencySectionSchema>;

export const latencySchema = z.object({ p50Ms: num, p99Ms: num, maxMs: num });

export const requestLoadSchema = z.object({
  operation: z.string(),
  concurrency: z.number().int().positive(),
  requests: z.number().int(),
  errors: z.number().int(),
  seconds: seconds,
  requestsPerSecond: num,
  latency: latencySchema,
});
export type RequestLoad = z.infer<typeof requestLoadSchema>;

export const fanOutSchema = z.object({
  subscribers: z.number().int().positive(),
  events: z.number().int().positive(),
  /** From the first connection attempt until every subscriber had its first (current-state) event. */
  subscribeSeconds: seconds,
  /** From publishing on NATS to a subscriber's receipt, over every (event, subscriber). */
  latency: latencySchema,
  /** Per event, until the last subscriber had it. */
  lastDeliveryMs: z.object({ median: num, max: num }),
  missed: z.number().int(),
});
export type FanOut = z.infer<typeof fanOutSchema>;

export const gatewaySectionSchema = z.object({
  requests: z.array(requestLoadSchema),
  fanOut: fanOutSchema,
});
export type GatewaySection = z.infer<typeof gatewaySectionSchema>;

export const uploadSectionSchema = z.object({
  source: sourceSchema,
  files: z.number().int().positive(),
  bytes: z.number().int().positive(),
  runsPerMode: z.number().int().positive(),
  modes: z.array(
    z.object({
      mode: z.string(),
      description: z.string(),
      /** Each request held this long before it reached the server (0: plain loopback). */
      addedLatencyMs: z.number().nonnegative(),
      runs: z.array(seconds),
      wallSeconds: seconds,
      mibPerSecond: num,
      filesPerSecond: num,
    }),
  ),
  /** Sequential PutObject time / uploader time, at each added latency. */
  speedups: z.array(z.object({ addedLatencyMs: z.number().nonnegative(), sequentialOverUploader: num })),
});
export type UploadSection = z.infer<typeof uploadSectionSchema>;

export const chunkingSectionSchema = z.object({
  /** Segments per chunk (after a first chunk of one). */
  chunkSegments: z.number().int().positive(),
  runs: z.number().int().positive(),
  preset: z.string(),
  sources: z.array(
    z.object({
      file: z.string(),
      seconds: num,
      width: z.number().int(),
      height: z.number().int(),
      frameRate: z.string(),
      joins: z.number().int().nonnegative(),
      rungs: z.array(
        z.object({
          rung: z.string(),
          singleBytes: z.number().int(),
          chunkedBytes: z.number().int(),
          /** Chunked bytes / single-run bytes: mean, lowest and highest over the runs. */
          bytesRatio: num,
          bytesRatioMin: num,
          bytesRatioMax: num,
          singleSsimY: num,
          chunkedSsimY: num,
          singlePsnrY: num,
          chunkedPsnrY: num,
          /** The worst 2 s GOP either side of a join: chunked minus single on the same frames (negative: a dip). */
          worstJoinGopPsnrDelta: num.nullable(),
          worstJoinGopSsimDelta: num.nullable(),
        }),
      ),
    }),
  ),
});
export type ChunkingSection = z.infer<typeof chunkingSectionSchema>;

function outcome<T extends z.ZodTypeAny>(result: T) {
  return z.discriminatedUnion("status", [
    z.object({ status: z.literal("ok"), seconds, result }),
    z.object({ status: z.literal("failed"), seconds, error: z.string() }),
    z.object({ status: z.literal("skipped"), reason: z.string() }),
  ]);
}

export const SECTION_IDS = ["encode", "pipeline", "quality", "speed", "concurrency", "gateway", "upload", "chunking"] as const;
export type SectionId = (typeof SECTION_IDS)[number];

export const benchResultsSchema = z.object({
  version: z.literal(1),
  quick: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string(),
  durationSeconds: seconds,
  machine: machineSchema,
  /** The ladder settings every encode used (X264_PRESET, ENCODE_THREADS... as resolved). */
  ladder: z.record(z.string(), z.unknown()),
  /** Sections the run was stopped in: they hold what they had saved (--report-from). */
  stoppedMidway: z.array(z.enum(SECTION_IDS)).default([]),
  /** --report-from with several files: their names (each section from one of them). */
  combinedFrom: z.array(z.string()).default([]),
  sections: z.object({
    encode: outcome(encodeSectionSchema),
    pipeline: outcome(pipelineSectionSchema),
    quality: outcome(qualitySectionSchema),
    speed: outcome(speedSectionSchema),
    concurrency: outcome(concurrencySectionSchema),
    gateway: outcome(gatewaySectionSchema),
    upload: outcome(uploadSectionSchema),
    // Absent from results made before the section existed.
    chunking: outcome(chunkingSectionSchema).default({ status: "skipped", reason: "not part of this run" }),
  }),
});
export type BenchResults = z.infer<typeof benchResultsSchema>;
export type SectionOutcome<T> =
  | { status: "ok"; seconds: number; result: T }
  | { status: "failed"; seconds: number; error: string }
  | { status: "skipped"; reason: string };
