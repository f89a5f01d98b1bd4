import { AqError } from "@aq/contracts";

export interface Cue {
  startSeconds: number;
  endSeconds: number;
  /** WebVTT cue settings after the timing ("line:90% align:center"); empty for SRT. */
  settings: string;
  /** The cue's text lines, as given. */
  text: string;
}

export type CaptionFormat = "webvtt" | "srt";

/** A caption file refused: the message names the line (1-based) and what is wrong there. */
function broken(format: CaptionFormat, line: number, what: string): AqError {
  const name = format === "webvtt" ? "WebVTT" : "SRT";
  return new AqError("CAPTION_INVALID", `${name} line ${line}: ${what}`, { line });
}

const VTT_TIME = /^(?:(\d{2,}):)?([0-5]\d):([0-5]\d)\.(\d{3})$/;
const SRT_TIME = /^(\d{1,3}):([0-5]\d):([0-5]\d)[,.](\d{1,3})$/;

function seconds(match: RegExpExecArray): number {
  const [, h = "0", m, s, ms] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms!.padEnd(3, "0")) / 1000;
}

/** "start --> end[ settings]" with the format's timestamps, or an error naming the line. */
function timing(format: CaptionFormat, text: string, lineNumber: number): Omit<Cue, "text"> {
  const parts = text.trim().split(/\s+/);
  if (parts[1] !== "-->" || parts.length < 3) throw broken(format, lineNumber, `expected "start --> end", got "${text.slice(0, 60)}"`);
  const pattern = format === "webvtt" ? VTT_TIME : SRT_TIME;
  const example = format === "webvtt" ? "00:01:02.500" : "00:01:02,500";
  const start = pattern.exec(parts[0]!);
  const end = pattern.exec(parts[2]!);
  if (!start) throw broken(format, lineNumber, `"${parts[0]}" is not a timestamp like ${example}`);
  if (!end) throw broken(format, lineNumber, `"${parts[2]}" is not a timestamp like ${example}`);
  const startSeconds = seconds(start);
  const endSeconds = seconds(end);
  if (endSeconds <= startSeconds) throw broken(format, lineNumber, `the cue ends (${parts[2]}) before it starts (${parts[0]})`);
  return { startSeconds, endSeconds, settings: format === "webvtt" ? parts.slice(3).join(" ") : "" };
}

interface Block {
  /** 1-based number of the block's first line. */
  line: number;
  lines: string[];
}

function blocks(text: string): Block[] {
  const out: Block[] = [];
  let current: Block | null = null;
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/\r$/, "");
    if (line.trim() === "") {
      current = null;
      return;
    }
    if (!current) {
      current = { line: i + 1, lines: [] };
      out.push(current);
    }
    current.lines.push(line);
  });
  return out;
}

function parseWebVtt(text: string): Cue[] {
  const all = blocks(text);
  const header = all.shift();
  if (!header || !/^WEBVTT([ \t].*)?$/.test(header.lines[0]!)) throw broken("webvtt", 1, 'a WebVTT file starts with "WEBVTT"');
  const cues: Cue[] = [];
  for (const block of all) {
    if (/^(NOTE|STYLE|REGION)([ \t]|$)/.test(block.lines[0]!)) continue;
    const at = block.lines[0]!.includes("-->") ? 0 : 1;
    const line = block.lines[at];
    if (line === undefined || !line.includes("-->")) {
      throw broken("webvtt", block.line + at, `expected a cue timing "start --> end", got "${(line ?? "").slice(0, 60)}"`);
    }
    const cueText = block.lines.slice(at + 1);
    if (cueText.some((l) => l.includes("-->"))) {
      throw broken("webvtt", block.line + at + 1 + cueText.findIndex((l) => l.includes("-->")), "a cue's text may not contain -->");
    }
    cues.push({ ...timing("webvtt", line, block.line + at), text: cueText.join("\n") });
  }
  return cues;
}

function parseSrt(text: string): Cue[] {
  const cues: Cue[] = [];
  for (const block of blocks(text)) {
    if (!/^\d+$/.test(block.lines[0]!.trim())) {
      throw broken("srt", block.line, `expected the cue number, got "${block.lines[0]!.slice(0, 60)}"`);
    }
    const line = block.lines[1];
    if (line === undefined) throw broken("srt", block.line + 1, "expected a cue timing after the cue number, found the end of the cue");
    const cueText = block.lines.slice(2);
    cues.push({ ...timing("srt", line, block.line + 1), text: cueText.join("\n") });
  }
  return cues;
}

/**
 * Reads a WebVTT file (it starts with "WEBVTT") or else an SRT file, UTF-8 with or without a
 * byte-order mark. A broken file is refused with CAPTION_INVALID naming its first bad line; a
 * file with no cue at all too.
 */
export function parseCaptions(text: string): { format: CaptionFormat; cues: Cue[] } {
  const clean = text.replace(/^\uFEFF/, "");
  const format: CaptionFormat = /^WEBVTT/.test(clean) ? "webvtt" : "srt";
  if (clean.includes("\u0000")) throw new AqError("CAPTION_INVALID", "this is not a text file (it holds NUL bytes)", { line: 1 });
  const cues = format === "webvtt" ? parseWebVtt(clean) : parseSrt(clean);
  if (cues.length === 0)
    throw new AqError("CAPTION_INVALID", `the ${format === "webvtt" ? "WebVTT" : "SRT"} file holds no cue`, { line: 1 });
  return { format, cues: cues.sort((a, b) => a.startSeconds - b.startSeconds) };
}
