import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DEFAULT_CRF, X264_PRESETS, type X264Preset } from "@aq/config";
import { SECTION_IDS, type SectionId } from "./results.js";
import type { VideoSourceInput } from "./looped-source.js";
import type { SpeedConfig } from "./sections/speed.js";
import type { SourceSpec } from "./sources.js";

export const benchRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = resolve(benchRoot, "..");

export interface BenchOptions {
  quick: boolean;
  sections: SectionId[];
  resultsDir: string;
  reportPath: string;
  /** Generated sources, reused between runs. */
  sourcesDir: string;
  keepWork: boolean;
  /** Render the report from these results files and run nothing. */
  reportFrom: string[] | null;
  encode: { sources: SourceSpec[]; runs: number };
  pipeline: { source: SourceSpec; runs: number };
  quality: {
    /** The sample corpus (its MANIFEST.md names the accepted files); null: synthetic sources only. */
    mediaDir: string | null;
    /** Accepted files to encode, in this order (null: all, in the manifest's order). */
    mediaFiles: string[] | null;
    synthetic: SourceSpec[];
    clipSeconds: number;
    guideScales: number[];
    crfs: number[];
    defaultCrf: number;
    presets: X264Preset[];
    /** Presets other than medium only on these corpus files (null: on every source). */
    presetFiles: string[] | null;
    subsample: number;
    vmafModel: string;
  };
  /** source: a real file; null: the synthetic one. */
  /** seconds: time only the source's first seconds (a stream copy, so the decode stays the real one's). */
  speed: { source: string | null; seconds: number | null; synthetic: SourceSpec; runs: number; crf: number; configs: SpeedConfig[] };
  concurrency: { source: SourceSpec; videos: number; rounds: number; configs: { concurrency: number; threads: number }[] };
  gateway: { seconds: number; maxRequests: number; concurrency: number; subscribers: number; events: number };
  /** addedLatencyMs: each request is held this long before it reaches the S3 server (0: plain loopback). */
  upload: { source: SourceSpec; runs: number; fileConcurrency: number; addedLatencyMs: number[] };
  /** mediaDir null: the synthetic source only. mediaFiles null: every accepted file long enough for three chunks. */
  chunking: { mediaDir: string | null; mediaFiles: string[] | null; synthetic: SourceSpec; runs: number };
  /** chunkEnv: CHUNK_* settings given to the encoders (empty: the services' defaults). */
  /** readyUpToSeconds: longer sources are followed only until playable (their stack is stopped then). */
  firstPlayable: {
    sources: VideoSourceInput[];
    runs: number;
    addedLatencyMs: number;
    chunkEnv: Record<string, string>;
    readyUpToSeconds: number;
  };
  /** encoders: the instance counts compared, each pinned to a core of its own. projection: the setting projected to. */
  scaleOut: {
    source: VideoSourceInput;
    runs: number;
    encoders: number[];
    chunkEnv: Record<string, string>;
    projection: { workers: number; sourceSeconds: number };
  };
}

export const USAGE = `npm run bench [-- options]

  --quick              tiny sources and one run of everything (the smoke test's mode)
  --only <ids>         comma-separated sections: ${SECTION_IDS.join(",")}
  --runs <n>           runs of each encoder in the throughput section (default 3)
  --seconds <n>        length of the throughput, pipeline and quality sources (default 30)
  --crf <n,...>        CRFs of the capped-CRF curves (default 19,23,27,31; must hold AQ's default CRF)
  --presets <p,...>    x264 presets of the capped-CRF curves (default medium,faster,veryfast)
  --preset-files <a,b> corpus files that get the presets other than medium (default: the speed file)
  --clip-seconds <n>   seconds of each real file the quality section encodes (default 4)
  --subsample <n>      VMAF/SSIM/PSNR on every nth frame (default 4)
  --media <dir>        the sample corpus (default ../shared/media next to the repository)
  --media-files <a,b>  accepted corpus files to encode, in this order (default: all, manifest order)
  --vmaf-model <file>  VMAF v0.6.1 .pkl model (default ../shared/vmaf/vmaf_v0.6.1.pkl)
  --speed-runs <n>     timed runs of each speed configuration (default 3)
  --speed-seconds <n>  time the ladder on the speed source's first n seconds (default 8)
  --chunking-runs <n>  encodes of each variant (single run, chunked) in the chunking section (default 2)
  --chunking-files <a,b> corpus files of the chunking section (default: every accepted file over 12 s)
  --first-playable-runs <n>  runs of each source in the time-to-first-playable section (default 3)
  --first-playable-seconds <a,b>  lengths of the first-playable section's sources (default 30,300)
  --first-playable-ready-max <s>  follow only sources up to this long on to READY (default: all)
  --scale-out-runs <n> runs of each encoder count in the scale-out section (default 1)
  --scale-out-seconds <n>  length of the scale-out section's source (default 300)
  --report-from <a,b>  render the report from results files instead of running: a stopped run's
                       partial-*.json, or several runs' files (each section from the first that has it)
  --results-dir <dir>  where the JSON goes (default bench/results)
  --report <file>      the Markdown report (default BENCHMARKS.md at the repository root)
  --keep-work          keep encoded outputs (under the results directory)
  --help`;

/** The corpus's 1080p30 file: the speed target is the full ladder from 1080p30 real footage. */
const SPEED_FILE = "livestream-1080p30-baseline-longgop.ts";

/** Quick mode: a clip of three chunks (6 s, 6 s, 1 s) under these settings, encoded in seconds. */
const QUICK_CHUNKED: SourceSpec = { id: "grain", width: 640, height: 360, fps: 30, seconds: 13, noise: 10 };
const QUICK_CHUNK_ENV = { CHUNK_MIN_SOURCE_SECONDS: "10", CHUNK_SECONDS: "6", CHUNK_FIRST_SEGMENTS: "1" };

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} takes a positive integer, not "${value}"`);
  return n;
}

/** 1080p30 sources: the camera-like one and the flat one. */
function pair(width: number, height: number, seconds: number): SourceSpec[] {
  return [
    { id: "grain", width, height, fps: 30, seconds, noise: 10 },
    { id: "flat", width, height, fps: 30, seconds, noise: 0 },
  ];
}

export function parseBenchArgs(argv: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      runs: { type: "string" },
      seconds: { type: "string" },
      crf: { type: "string" },
      presets: { type: "string" },
      "clip-seconds": { type: "string" },
      subsample: { type: "string" },
      media: { type: "string" },
      "chunking-runs": { type: "string" },
      "chunking-files": { type: "string" },
      "first-playable-runs": { type: "string" },
      "scale-out-runs": { type: "string" },
      "first-playable-ready-max": { type: "string" },
      "first-playable-seconds": { type: "string" },
      "scale-out-seconds": { type: "string" },
      "vmaf-model": { type: "string" },
      "speed-runs": { type: "string" },
      "report-from": { type: "string" },
      "media-files": { type: "string" },
      "speed-seconds": { type: "string" },
      "preset-files": { type: "string" },
      "results-dir": { type: "string" },
      report: { type: "string" },
      "keep-work": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  const quick = values.quick;
  const sections = values.only ? values.only.split(",").map((s) => s.trim()) : [...SECTION_IDS];
  for (const section of sections) {
    if (!(SECTION_IDS as readonly string[]).includes(section))
      throw new Error(`unknown section "${section}"; sections: ${SECTION_IDS.join(", ")}`);
  }
  const crfs = (values.crf ?? (quick ? `${DEFAULT_CRF},${DEFAULT_CRF + 6}` : "19,23,27,31")).split(",").map((text) => {
    const crf = Number(text);
    if (text.trim() === "" || !Number.isFinite(crf) || crf < 0 || crf > 51)
      throw new Error(`--crf takes numbers from 0 to 51, not "${values.crf}"`);
    return crf;
  });
  if (!crfs.includes(DEFAULT_CRF)) throw new Error(`--crf must include AQ's default CRF ${DEFAULT_CRF}`);
  const presets = (values.presets ?? (quick ? "medium,veryfast" : "medium,faster,veryfast")).split(",").map((p) => {
    if (!(X264_PRESETS as readonly string[]).includes(p))
      throw new Error(`--presets takes x264 presets (${X264_PRESETS.join(", ")}), not "${p}"`);
    return p as X264Preset;
  });
  const resultsDir = resolve(values["results-dir"] ?? join(benchRoot, "results"));

  // Quick: 360p sources (LADDER_ALLOW_SMALLER_SOURCES makes a 240p + 360p ladder) just over the
  // 5 s minimum, so every section runs in seconds.
  const seconds = positiveInt("seconds", values.seconds, quick ? 6 : 30);
  const [w, h] = quick ? [640, 360] : [1920, 1080];
  const encodeSources = pair(w, h, seconds);
  const speedFile = resolve(values.media ?? join(repoRoot, "../shared/media"), SPEED_FILE);
  return {
    quick,
    sections: sections as SectionId[],
    resultsDir,
    reportPath: resolve(values.report ?? join(repoRoot, "BENCHMARKS.md")),
    sourcesDir: join(resultsDir, "sources"),
    keepWork: values["keep-work"],
    reportFrom: values["report-from"] ? values["report-from"].split(",").map((file) => resolve(file.trim())) : null,
    encode: { sources: encodeSources, runs: positiveInt("runs", values.runs, quick ? 1 : 3) },
    pipeline: { source: encodeSources[0]!, runs: quick ? 1 : 2 },
    quality: {
      // Quick: one tiny synthetic source and two points per curve still run every code path.
      mediaDir: quick ? null : resolve(values.media ?? join(repoRoot, "../shared/media")),
      mediaFiles: values["media-files"] ? values["media-files"].split(",").map((name) => name.trim()) : null,
      synthetic: [{ id: "grain", width: w, height: h, fps: 30, seconds: 6, noise: 10 }],
      clipSeconds: positiveInt("clip-seconds", values["clip-seconds"], quick ? 6 : 4),
      guideScales: quick ? [0.5, 1] : [0.35, 0.5, 0.7, 1],
      crfs,
      defaultCrf: DEFAULT_CRF,
      presets,
      // By default the file the speed section times: the presets' bytes and their CPU on the same footage.
      presetFiles: quick ? null : values["preset-files"] ? values["preset-files"].split(",").map((n) => n.trim()) : [SPEED_FILE],
      subsample: positiveInt("subsample", values.subsample, 4),
      vmafModel: resolve(values["vmaf-model"] ?? join(repoRoot, "../shared/vmaf/vmaf_v0.6.1.pkl")),
    },
    speed: {
      source: quick ? null : speedFile,
      seconds: quick ? null : positiveInt("speed-seconds", values["speed-seconds"], 8),
      synthetic: { id: "grain", width: w, height: h, fps: 30, seconds: 6, noise: 10 },
      runs: positiveInt("speed-runs", values["speed-runs"], quick ? 1 : 3),
      crf: DEFAULT_CRF,
      configs: quick
        ? [
            { preset: "medium", processes: 1 },
            { preset: "veryfast", processes: 2 },
          ]
        : [
            { preset: "medium", processes: 1 },
            { preset: "faster", processes: 1 },
            { preset: "veryfast", processes: 1 },
            { preset: "veryfast", processes: 2 },
          ],
    },
    concurrency: {
      source: { id: "grain", width: w, height: h, fps: 30, seconds: quick ? 6 : 10, noise: 10 },
      videos: quick ? 1 : 2,
      rounds: quick ? 1 : 2,
      configs: quick
        ? [
            { concurrency: 1, threads: 0 },
            { concurrency: 2, threads: 0 },
          ]
        : [
            { concurrency: 1, threads: 0 },
            { concurrency: 1, threads: 1 },
            { concurrency: 2, threads: 0 },
            { concurrency: 2, threads: 1 },
          ],
    },
    gateway: quick
      ? { seconds: 1, maxRequests: 40, concurrency: 4, subscribers: 20, events: 2 }
      : { seconds: 10, maxRequests: 5000, concurrency: 8, subscribers: 1000, events: 5 },
    upload: {
      source: quick
        ? { id: "grain", width: 640, height: 360, fps: 30, seconds: 6, noise: 10 }
        : { id: "grain", width: 1280, height: 720, fps: 30, seconds: 60, noise: 10 },
      runs: quick ? 1 : 5,
      fileConcurrency: 8,
      addedLatencyMs: [0, 25],
    },
    chunking: {
      mediaDir: quick ? null : resolve(values.media ?? join(repoRoot, "../shared/media")),
      mediaFiles: values["chunking-files"] ? values["chunking-files"].split(",").map((n) => n.trim()) : null,
      // Over 12 s: three chunks of 6 s.
      synthetic: { id: "grain", width: 640, height: 360, fps: 30, seconds: 14, noise: 10 },
      runs: positiveInt("chunking-runs", values["chunking-runs"], quick ? 1 : 2),
    },
    firstPlayable: {
      sources: quick
        ? [{ kind: "synthetic", spec: QUICK_CHUNKED }]
        : (values["first-playable-seconds"] ?? "30,300")
            .split(",")
            .map((text) => ({ kind: "looped" as const, file: speedFile, seconds: positiveInt("first-playable-seconds", text.trim(), 0) })),
      runs: positiveInt("first-playable-runs", values["first-playable-runs"], quick ? 1 : 3),
      addedLatencyMs: 25,
      chunkEnv: quick ? QUICK_CHUNK_ENV : {},
      readyUpToSeconds: positiveInt("first-playable-ready-max", values["first-playable-ready-max"], Number.MAX_SAFE_INTEGER),
    },
    scaleOut: {
      source: quick
        ? { kind: "synthetic", spec: QUICK_CHUNKED }
        : { kind: "looped", file: speedFile, seconds: positiveInt("scale-out-seconds", values["scale-out-seconds"], 300) },
      runs: positiveInt("scale-out-runs", values["scale-out-runs"], 1),
      encoders: [1, 2],
      chunkEnv: quick ? QUICK_CHUNK_ENV : {},
      projection: { workers: 8, sourceSeconds: 600 },
    },
  };
}
