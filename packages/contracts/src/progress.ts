import { WORK_CONSUMERS } from "./events.js";
import { STAGE_OF_STATUS, STATUS_TABLE, type Stage, type VideoStatus } from "./status.js";

/**
 * How many times the encoder runs a video's encode before it fails it (the guide's rule,
 * docs/encoding-guide.md §10: retry encoding once, then fail the video and move on). Progress
 * displays say "attempt 2 of 2" from it.
 */
export const ENCODE_ATTEMPTS = 2;

export type WorkingStage = Exclude<Stage, "done">;

export interface ProgressStep {
  stage: WorkingStage;
  /** The step's name as people read it, and said while it is under way. */
  label: string;
  doing: string;
  /** Its share of the whole way to READY (the shares add up to 1): encoding is most of the wait. */
  share: number;
}

/** The steps of the way to READY, in order: one per stage of the status table. */
export const PROGRESS_STEPS: readonly ProgressStep[] = [
  { stage: "upload", label: "Upload", doing: "Uploading", share: 0.15 },
  { stage: "probe", label: "Check", doing: "Checking", share: 0.05 },
  { stage: "encode", label: "Encode", doing: "Encoding", share: 0.7 },
  { stage: "store", label: "Store", doing: "Storing", share: 0.1 },
];

export type StepState = "done" | "current" | "failed" | "pending";

export interface OverallProgress {
  /** 0-1 of the whole way to READY. */
  fraction: number;
  /** The step the video is in (or failed in); null once READY or DELETED. */
  step: ProgressStep | null;
  /** Every step with where it stands, for a row of named steps under one bar. */
  steps: readonly { step: ProgressStep; state: StepState }[];
}

/**
 * One overall figure for a video from its status and the percent of its current stage (as the
 * API reports them), so a display never falls back to 0 when a stage hands over to the next.
 * Statuses waiting for a stage's worker (uploaded, probed, encoded) count that stage as begun;
 * a video that stopped (rejected, failed_*) stays where its failed stage began.
 */
export function overallProgress(status: VideoStatus, stagePercent: number | null): OverallProgress {
  const stage = STAGE_OF_STATUS[status];
  const facts = STATUS_TABLE[status];
  const finished = status === "ready" || status === "deleted";
  const index = PROGRESS_STEPS.findIndex((step) => step.stage === stage);
  const failed = facts.terminal && !finished;
  // Percent means something only while a worker is on it (or the upload's own bytes).
  const reporting = !failed && !QUEUE_STATUSES.includes(status);
  const percent = reporting ? Math.min(100, Math.max(0, stagePercent ?? 0)) : 0;
  const before = PROGRESS_STEPS.slice(0, Math.max(index, 0)).reduce((sum, step) => sum + step.share, 0);
  const fraction = status === "ready" ? 1 : index < 0 ? 0 : before + (PROGRESS_STEPS[index]!.share * percent) / 100;
  const steps = PROGRESS_STEPS.map((step, i) => ({
    step,
    state: (status === "ready" || i < index ? "done" : i === index ? (failed ? "failed" : "current") : "pending") as StepState,
  }));
  return { fraction: round(fraction), step: index >= 0 && !finished ? PROGRESS_STEPS[index]! : null, steps };
}

/** The statuses a stage's worker waits for: the video is queued, nothing is under way yet. */
const QUEUE_STATUSES: readonly VideoStatus[] = Object.values(WORK_CONSUMERS).map((worker) => worker.status);

function round(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
