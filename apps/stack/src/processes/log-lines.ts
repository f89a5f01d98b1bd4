import type { LineSink } from "@aq/devkit";

export type { LineSink };

const PINO_LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
/** Fields every pino line carries that say nothing new in an interleaved console. */
const OMITTED = new Set(["level", "time", "msg", "pid", "hostname", "service", "name", "v"]);
const COLORS = [36, 33, 35, 32, 34, 91, 96, 93];
const LEVEL_COLORS: Record<string, number> = { WARN: 33, ERROR: 31, FATAL: 31 };

function formatValue(value: unknown): string {
  if (typeof value === "string") return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

function clock(time: unknown): string {
  const date = typeof time === "number" || typeof time === "string" ? new Date(time) : new Date();
  return Number.isNaN(date.getTime()) ? new Date().toISOString().slice(11, 23) : date.toISOString().slice(11, 23);
}

/**
 * One console line for one log line: a pino JSON record becomes `time LEVEL message key=value`
 * (its error stack, if any, on the lines after); anything else is printed as it came.
 */
export function formatLogLine(line: string, color: boolean): string {
  if (!line.startsWith("{")) return line;
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  if (typeof record !== "object" || record === null || !("level" in record)) return line;
  const level = typeof record.level === "number" ? (PINO_LEVELS[record.level] ?? String(record.level)) : String(record.level).toUpperCase();
  const levelText = color && LEVEL_COLORS[level] ? `\x1b[${LEVEL_COLORS[level]}m${level.padEnd(5)}\x1b[0m` : level.padEnd(5);
  let stack = "";
  const fields: string[] = [];
  for (const [key, value] of Object.entries(record)) {
    if (OMITTED.has(key)) continue;
    if (key === "err" && value && typeof value === "object" && "stack" in value) {
      const err = value as { message?: string; code?: string; stack?: string };
      fields.push(`err=${formatValue(err.code ? `${err.code}: ${err.message}` : err.message)}`);
      stack = err.stack ? `\n${err.stack}` : "";
      continue;
    }
    fields.push(`${key}=${formatValue(value)}`);
  }
  const message = typeof record.msg === "string" ? record.msg : "";
  return `${clock(record.time)} ${levelText} ${message}${fields.length ? ` ${fields.join(" ")}` : ""}${stack}`;
}

/**
 * A sink that interleaves the lines of every child on `out`, each prefixed with its source
 * name padded to a common width (in a colour per source when `out` is a terminal).
 */
export function prefixedConsole(out: NodeJS.WritableStream & { isTTY?: boolean }, width = 16): LineSink {
  const color = Boolean(out.isTTY) && !process.env.NO_COLOR;
  const colorOf = new Map<string, number>();
  return (source, line) => {
    if (!colorOf.has(source)) colorOf.set(source, COLORS[colorOf.size % COLORS.length] ?? 36);
    const label = source.padEnd(width);
    const prefix = color ? `\x1b[${colorOf.get(source)}m${label}\x1b[0m│ ` : `${label}| `;
    const text = formatLogLine(line, color);
    out.write(
      text
        .split("\n")
        .map((part) => prefix + part)
        .join("\n") + "\n",
    );
  };
}

/** Keeps the last lines of each source, for the error message when a child dies early. */
export function tailKeeper(limit = 30): { sink: LineSink; tail(source: string): string } {
  const lines = new Map<string, string[]>();
  return {
    sink(source, line) {
      const kept = lines.get(source) ?? [];
      kept.push(line);
      if (kept.length > limit) kept.shift();
      lines.set(source, kept);
    },
    tail: (source) => (lines.get(source) ?? []).join("\n"),
  };
}

export function fanOut(...sinks: LineSink[]): LineSink {
  return (source, line, stream) => {
    for (const sink of sinks) sink(source, line, stream);
  };
}
