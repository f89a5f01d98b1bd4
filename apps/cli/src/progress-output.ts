import type { EncodeProgress } from "@aq/media";

export type OutputMode = "tty" | "plain" | "json";

export interface Reporter {
  progress(p: EncodeProgress): void;
  /** Ends a progress bar line before other output. */
  finish(): void;
}

const BAR_WIDTH = 30;

export function formatBar(p: EncodeProgress): string {
  const filled = Math.round((p.percent / 100) * BAR_WIDTH);
  const bar = `${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}`;
  return `${p.stage.padEnd(9)} [${bar}] ${p.percent.toFixed(1).padStart(5)}%${details(p)}`;
}

export function formatLine(p: EncodeProgress): string {
  return `${p.stage} ${p.percent.toFixed(1)}%${details(p)}`;
}

function details(p: EncodeProgress): string {
  const parts: string[] = [];
  if (p.speed !== null) parts.push(`${p.speed.toFixed(2)}x`);
  if (p.etaSeconds !== null && p.stagePercent < 100) parts.push(`eta ${formatSeconds(p.etaSeconds)}`);
  return parts.length > 0 ? `  ${parts.join("  ")}` : "";
}

function formatSeconds(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m > 0 ? `${m}m${String(s).padStart(2, "0")}s` : `${s}s`;
}

/** A redrawn bar on a terminal, one line per event otherwise, JSON lines with --json. */
export function createReporter(mode: OutputMode, out: NodeJS.WritableStream, err: NodeJS.WritableStream): Reporter {
  let barShown = false;
  return {
    progress(p) {
      if (mode === "json") out.write(`${JSON.stringify({ event: "progress", ...p })}\n`);
      else if (mode === "plain") err.write(`${formatLine(p)}\n`);
      else {
        err.write(`\r\x1b[2K${formatBar(p)}`);
        barShown = true;
      }
    },
    finish() {
      if (barShown) err.write("\n");
      barShown = false;
    },
  };
}
