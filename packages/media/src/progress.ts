/** One block of ffmpeg's `-progress` output (key=value lines ending with `progress=continue|end`). */
export interface FfmpegProgress {
  frame: number | null;
  outTimeSeconds: number | null;
  fps: number | null;
  /** Multiple of real time ("1.5x" -> 1.5). */
  speed: number | null;
  done: boolean;
}

export type EncodeStage = "normalize" | "encode" | "verify";

export interface EncodeProgress {
  stage: EncodeStage;
  /** Of the whole job (normalize, encode, verify), 0-100. */
  percent: number;
  /** Of the current stage, 0-100. */
  stagePercent: number;
  outTimeSeconds: number;
  fps: number | null;
  speed: number | null;
  /** Of the current stage; null until ffmpeg reports a speed. */
  etaSeconds: number | null;
}

/** Share of the whole job each stage covers: normalizing copies the video, encoding is the work. */
const STAGE_SPAN: Record<EncodeStage, [number, number]> = {
  normalize: [0, 5],
  encode: [5, 97],
  verify: [97, 100],
};

/** Feeds lines of `-progress` output; calls `onBlock` at the end of each block. */
export function createProgressParser(onBlock: (progress: FfmpegProgress) => void): (line: string) => void {
  let fields = new Map<string, string>();
  return (line: string) => {
    const eq = line.indexOf("=");
    if (eq <= 0) return;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key !== "progress") {
      fields.set(key, value);
      return;
    }
    onBlock(toProgress(fields, value === "end"));
    fields = new Map();
  };
}

function toProgress(fields: Map<string, string>, done: boolean): FfmpegProgress {
  // out_time_us and out_time_ms both carry microseconds (a long-standing ffmpeg naming bug).
  const us = numberOrNull(fields.get("out_time_us") ?? fields.get("out_time_ms"));
  return {
    frame: numberOrNull(fields.get("frame")),
    outTimeSeconds: us === null || us < 0 ? null : us / 1_000_000,
    fps: numberOrNull(fields.get("fps")),
    speed: numberOrNull(fields.get("speed")?.replace(/x$/, "")),
    done,
  };
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined || value === "" || value === "N/A") return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

export function stageProgress(
  stage: EncodeStage,
  stagePercent: number,
  p: Partial<FfmpegProgress> = {},
  durationSeconds = 0,
): EncodeProgress {
  const [from, to] = STAGE_SPAN[stage];
  const clamped = Math.min(100, Math.max(0, stagePercent));
  const outTime = p.outTimeSeconds ?? 0;
  const speed = p.speed ?? null;
  const etaSeconds = speed && speed > 0 && durationSeconds > 0 ? Math.max(0, (durationSeconds - outTime) / speed) : null;
  return {
    stage,
    percent: round1(from + ((to - from) * clamped) / 100),
    stagePercent: round1(clamped),
    outTimeSeconds: outTime,
    fps: p.fps ?? null,
    speed,
    etaSeconds: etaSeconds === null ? null : Math.round(etaSeconds),
  };
}

/** Progress of an ffmpeg run over a source of known duration. */
export function ffmpegStageProgress(stage: EncodeStage, p: FfmpegProgress, durationSeconds: number): EncodeProgress {
  const percent = p.done ? 100 : durationSeconds > 0 ? ((p.outTimeSeconds ?? 0) / durationSeconds) * 100 : 0;
  return stageProgress(stage, Math.min(percent, p.done ? 100 : 99.9), p, durationSeconds);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * Passes on at most one event per `intervalMs`, plus the first and the last of each stage, so a slow consumer (a NATS publish, a terminal) sees about one event per second.
 */
export function throttleProgress(
  emit: (p: EncodeProgress) => void,
  intervalMs = 1000,
  now: () => number = Date.now,
): (p: EncodeProgress) => void {
  let last = -Infinity;
  let lastStage: EncodeStage | null = null;
  return (p) => {
    const t = now();
    if (p.stage !== lastStage || p.stagePercent >= 100 || t - last >= intervalMs) {
      last = t;
      lastStage = p.stage;
      emit(p);
    }
  };
}

/**
 * What every ffmpeg run of AQ starts with: no banner, no stdin, overwrite, and machine-readable
 * progress on stdout once a second (parsed by createProgressParser) instead of the stats line.
 */
export const FFMPEG_RUN_ARGS: readonly string[] = [
  "-hide_banner",
  "-nostdin",
  "-y",
  "-nostats",
  "-progress",
  "pipe:1",
  "-stats_period",
  "1",
];
