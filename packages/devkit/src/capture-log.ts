import { pino, type Logger } from "pino";

export interface CapturedLog {
  log: Logger;
  /** Every line written so far, parsed. */
  lines: Record<string, unknown>[];
  /** Lines whose message contains `text`. */
  find(text: string): Record<string, unknown>[];
}

/** A logger whose JSON lines are kept in memory, for tests that assert what was logged. */
export function captureLog(level = "debug"): CapturedLog {
  const lines: Record<string, unknown>[] = [];
  const log = pino(
    { level },
    {
      write(line: string) {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      },
    },
  );
  return { log, lines, find: (text) => lines.filter((l) => typeof l.msg === "string" && l.msg.includes(text)) };
}
