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
  /** CPU seconds the rest of the machine used during the run (absent in results from before it was measured). */
  othersCpuSeconds: num.optional(),
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

const spreadSchema = z.object({ median: seconds, min: seconds, max: seconds });

/**
 * Where a video's time went, in seconds, from the rows' own timestamps (history, chunk rows,
 * playable_at) on the bench's clock; null where the step did not happen (a video not chunked).
 */
const playablePhasesSchema = z.object({
  /** completeVideoUpload returned -> PROBED: queue and probe. */
  toProbed: num.nullable(),
  /** PROBED -> ENCODING: the encoder took the video. */
  toEncoding: num.nullable(),
  /** ENCODING -> first chunk started: the planner's normalize (a remux) put in the bucket, the first chunk's job queued and taken. */
  planner: num.nullable(),
  /** The first chunk: every rung of its range encoded and its segments put in the bucket. */
  firstChunk: num.nullable(),
  /** First chunk recorded done -> the video marked playable (playlists published). */
  publish: num.nullable(),
  /** Playable -> the bench had the master and the first segments through signed playback (event, playbackUrl query, GETs). */
  toClient: num.nullable(),
});

export const firstPlayableSectionSchema = z.object({
  /** Held on every S3 request of every service and of the client, by a proxy in front of s3rver. */
  addedLatencyMs: num,
  /** The encoder's chunk settings (CHUNK_*), as the services read them. */
  chunkSettings: z.record(z.string(), num),
  targetSeconds: num,
  sources: z.array(
    z.object({
      source: z.string(),
      seconds: num,
      width: z.number().int(),
      height: z.number().int(),
      fps: num,
      /** Chunks the encoder made of it; null: encoded in one ffmpeg run. */
      chunks: z.number().int().nullable(),
      runs: z.array(
        z.object({
          /** completeVideoUpload returned -> master, two rung playlists and their first two segments fetched through the gateway. */
          firstPlayableSeconds: seconds,
          /** completeVideoUpload returned -> the videoProgress event saying playable. */
          playableEventSeconds: seconds.nullable(),
          /** Null: the run was not followed to READY (--first-playable-ready-max). */
          readySeconds: seconds.nullable(),
          phases: playablePhasesSchema,
          /**
           * Rounds of playbackUrl query and GETs until every one answered (the first can come before a
           * segment is there); absent from the first runs, made before it was recorded.
           */
          fetchAttempts: z.number().int().positive().optional(),
          /** Highest 1-minute load average seen during the run. */
          loadMax: num,
        }),
      ),
      firstPlayable: spreadSchema,
      ready: spreadSchema.nullable(),
    }),
  ),
});
export type FirstPlayableSection = z.infer<typeof firstPlayableSectionSchema>;

const scaleOutRunSchema = z.object({
  encoders: z.number().int().positive(),
  /** The CPU each encoder instance (and the ffmpeg it starts) was pinned to. */
  cpus: z.array(z.number().int().nonnegative()),
  /** UPLOADED -> READY, from the history. */
  readySeconds: seconds,
  phases: z.object({
    /** UPLOADED -> ENCODING. */
    probe: num.nullable(),
    /** ENCODING -> first chunk started. */
    planner: num.nullable(),
    /** First chunk started -> any other chunk started: the planner's whole-source audio encode, which the other chunks copy from (and, with one encoder, the first chunk). */
    audio: num.nullable().default(null),
    /** First chunk started -> last chunk done. */
    chunks: num.nullable(),
    /** Last chunk done -> READY: fan-in, verification of the listing, clean-up. */
    tail: num.nullable(),
  }),
  chunks: z.array(
    z.object({
      index: z.number().int(),
      durationSeconds: num,
      wallSeconds: num.nullable(),
      encoder: z.string().nullable(),
      attempts: z.number().int(),
    }),
  ),
  load: z.object({ start: num, max: num, mean: num }),
});

export const scaleOutSectionSchema = z.object({
  source: z.string(),
  seconds: num,
  width: z.number().int(),
  height: z.number().int(),
  fps: num,
  chunkSettings: z.record(z.string(), num),
  cores: z.number().int().positive(),
  /** How the processes were placed, in words. */
  placement: z.string(),
  runs: z.array(scaleOutRunSchema),
  /** T1 / (2 x T2) of the median READY times; null when a configuration did not finish. */
  parallelEfficiency: num.nullable(),
  /** Highest 1-minute load average over the runs is above the cores: the times are not reliable. */
  loadAboveCores: z.boolean(),
  projection: z
    .object({
      workers: z.number().int().positive(),
      sourceSeconds: num,
      chunks: z.number().int().positive(),
      /** Chunk wall time = fixedSeconds + secondsPerVideoSecond x its length, fitted on the measured chunks. */
      fixedSeconds: num,
      secondsPerVideoSecond: num,
      probeSeconds: num,
      plannerSeconds: num,
      /** From the first chunk's start until the others can start (the whole-source audio), scaled to the source. */
      audioSeconds: num,
      chunkPhaseSeconds: num,
      tailSeconds: num,
      readySeconds: num,
      method: z.string(),
    })
    .nullable(),
});
export type ScaleOutSection = z.infer<typeof scaleOutSectionSchema>;

function outcome<T extends z.ZodTypeAny>(result: T) {
  return z.discriminatedUnion("status", [
    z.object({ status: z.literal("ok"), seconds, result }),
    z.object({ status: z.literal("failed"), seconds, error: z.string() }),
    z.object({ status: z.literal("skipped"), reason: z.string() }),
  ]);
}

export const SECTION_IDS = [
  "encode",
  "pipeline",
  "quality",
  "speed",
  "concurrency",
  "gateway",
  "upload",
  "chunking",
  "first-playable",
  "scale-out",
] as const;
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
  /**
   * --report-from with several files: each file that gave sections, with its start and CPU (the
   * machine above is the first file's; runs on other days may have had other CPUs).
   */
  sectionRuns: z
    .array(z.object({ file: z.string(), startedAt: z.string(), cpuModel: z.string(), sections: z.array(z.enum(SECTION_IDS)) }))
    .default([]),
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
    "first-playable": outcome(firstPlayableSectionSchema).default({ status: "skipped", reason: "not part of this run" }),
    "scale-out": outcome(scaleOutSectionSchema).default({ status: "skipped", reason: "not part of this run" }),
  }),
});
export type BenchResults = z.infer<typeof benchResultsSchema>;
export type SectionOutcome<T> =
  | { status: "ok"; seconds: number; result: T }
  | { status: "failed"; seconds: number; error: string }
  | { status: "skipped"; reason: string };
