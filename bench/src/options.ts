import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { X264Preset } from "@aq/config";
import { SECTION_IDS, type SectionId } from "./results.js";
import type { RateControl } from "./rate-control.js";
import type { SourceSpec } from "./sources.js";

export const benchRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const repoRoot = resolve(benchRoot, "..");

/** One encode of the quality section: AQ's arguments with this rate control and preset. */
export interface QualityEncode {
  rateControl: RateControl;
  preset: X264Preset;
}

export interface BenchOptions {
  quick: boolean;
  sections: SectionId[];
  resultsDir: string;
  reportPath: string;
  /** Generated sources, reused between runs. */
  sourcesDir: string;
  keepWork: boolean;
  encode: { sources: SourceSpec[]; runs: number };
  pipeline: { source: SourceSpec; runs: number };
  quality: { sources: SourceSpec[]; configs: QualityEncode[] };
  concurrency: { source: SourceSpec; videos: number; rounds: number; configs: { concurrency: number; threads: number }[] };
  gateway: { seconds: number; maxRequests: number; concurrency: number; subscribers: number; events: number };
  /** addedLatencyMs: each request is held this long before it reaches the S3 server (0: plain loopback). */
  upload: { source: SourceSpec; runs: number; fileConcurrency: number; addedLatencyMs: number[] };
}

export const USAGE = `npm run bench [-- options]

  --quick              tiny sources and one run of everything (the smoke test's mode)
  --only <ids>         comma-separated sections: ${SECTION_IDS.join(",")}
  --runs <n>           runs of each encoder in the throughput section (default 3)
  --seconds <n>        length of the throughput, pipeline and quality sources (default 30)
  --crf <n,n>          CRF values of the capped-CRF rate control (default 20,23; 23 with --quick)
  --results-dir <dir>  where the JSON goes (default bench/results)
  --report <file>      the Markdown report (default BENCHMARKS.md at the repository root)
  --keep-work          keep encoded outputs (under the results directory)
  --help`;

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

/**
 * The capped bit rate at every preset, and each CRF at the fastest and the slowest preset (the
 * middle one adds time more than insight once the bit-rate row shows what it does).
 */
function qualityEncodes(presets: X264Preset[], crfs: number[]): QualityEncode[] {
  const ends = [...new Set([presets[0]!, presets[presets.length - 1]!])];
  return [
    ...presets.map((preset) => ({ rateControl: { kind: "bitrate" } as const, preset })),
    ...crfs.flatMap((crf) => ends.map((preset) => ({ rateControl: { kind: "crf", crf } as const, preset }))),
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
    if (!(SECTION_IDS as readonly string[]).includes(section)) throw new Error(`unknown section "${section}"; sections: ${SECTION_IDS.join(", ")}`);
  }
  const crfs = (values.crf ?? (quick ? "23" : "20,23")).split(",").map((text) => {
    const crf = Number(text);
    if (text.trim() === "" || !Number.isFinite(crf) || crf < 0 || crf > 51) throw new Error(`--crf takes numbers from 0 to 51, not "${values.crf}"`);
    return crf;
  });
  const resultsDir = resolve(values["results-dir"] ?? join(benchRoot, "results"));

  // Quick: 360p sources (LADDER_ALLOW_SMALLER_SOURCES makes a 240p + 360p ladder) just over the
  // 5 s minimum, so every section runs in seconds.
  const seconds = positiveInt("seconds", values.seconds, quick ? 6 : 30);
  const [w, h] = quick ? [640, 360] : [1920, 1080];
  const encodeSources = pair(w, h, seconds);
  return {
    quick,
    sections: sections as SectionId[],
    resultsDir,
    reportPath: resolve(values.report ?? join(repoRoot, "BENCHMARKS.md")),
    sourcesDir: join(resultsDir, "sources"),
    keepWork: values["keep-work"],
    encode: { sources: encodeSources, runs: positiveInt("runs", values.runs, quick ? 1 : 3) },
    pipeline: { source: encodeSources[0]!, runs: quick ? 1 : 2 },
    quality: {
      // Quick: one source still runs every code path.
      sources: quick ? encodeSources.slice(0, 1) : encodeSources,
      configs: qualityEncodes(quick ? ["medium", "veryfast"] : ["medium", "fast", "veryfast"], crfs),
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
      source: quick ? { id: "grain", width: 640, height: 360, fps: 30, seconds: 6, noise: 10 } : { id: "grain", width: 1280, height: 720, fps: 30, seconds: 60, noise: 10 },
      runs: quick ? 1 : 5,
      fileConcurrency: 8,
      addedLatencyMs: [0, 25],
    },
  };
}
