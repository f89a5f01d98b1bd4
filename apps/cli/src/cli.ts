import { parseArgs } from "node:util";
import { isAqError } from "@aq/contracts";
import { SEGMENT_SECONDS } from "@aq/media";
import { ladderConfigFromEnv } from "@aq/config";
import { runEncode } from "./encode-command.js";
import { formatPlan, runPlan } from "./plan-command.js";
import { createReporter, type OutputMode } from "./progress-output.js";

export const USAGE = `usage: aq encode <input> [--out <folder>] [--id <video_id>] [--chunk-seconds <n>] [--mp4] [--json]
       aq plan <input> [--json]

  Validates <input>, encodes the HLS ladder (240p-720p) into <folder>/<video_id>/ and verifies it,
  with what the service stores beside it: qc.json and images/ (poster, thumbnails, storyboard).
  --out    output folder (default: output)
  --id     video id: 1-64 letters, digits, '-' or '_' (default: a new UUID)
  --json   progress and result as JSON lines on stdout
  --mp4    also write download/<video_id>.mp4, remuxed from the 720p rung (MP4_DOWNLOAD_RENDITION)
  --chunk-seconds
           encode in chunks of <n> seconds (a multiple of 6) after a short first chunk, one after
           the other, as the pipeline's encoders do in parallel; a source too short for chunks to
           help is encoded in one run

  plan: probes and validates <input>, then prints the ladder, the ffmpeg command, an estimate of
  the encode's CPU time on this machine and the most it would store, without encoding.

  Ladder settings come from the environment: LADDER_ENABLE_1080P, LADDER_ALLOW_SMALLER_SOURCES,
  X264_PRESET, ENCODE_THREADS, ENCODE_STALL_TIMEOUT_SECONDS, ENCODE_TIMEOUT_SECONDS, MP4_DOWNLOAD_RENDITION.`;

export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Record<string, string | undefined>;
  signal: AbortSignal;
}

/** Exit codes: 0 done, 1 the job failed (typed error), 2 bad command line, 130 interrupted. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: "string", short: "o", default: "output" },
        id: { type: "string" },
        json: { type: "boolean", default: false },
        "chunk-seconds": { type: "string" },
        mp4: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    io.stderr.write(`aq: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [command, input, ...extra] = positionals;
  if ((command !== "encode" && command !== "plan") || !input || extra.length > 0) {
    io.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (command === "plan") return plan(input, values.json, io);

  const chunkSeconds = values["chunk-seconds"] === undefined ? undefined : Number(values["chunk-seconds"]);
  if (chunkSeconds !== undefined && !(Number.isInteger(chunkSeconds / SEGMENT_SECONDS) && chunkSeconds > 0)) {
    io.stderr.write(`aq: --chunk-seconds must be a positive multiple of ${SEGMENT_SECONDS}\n${USAGE}\n`);
    return 2;
  }

  const mode: OutputMode = values.json ? "json" : io.stderr.isTTY ? "tty" : "plain";
  const reporter = createReporter(mode, io.stdout, io.stderr);
  try {
    const result = await runEncode({
      input,
      out: values.out,
      id: values.id,
      chunkSeconds,
      mp4: values.mp4,
      env: io.env,
      reporter,
      signal: io.signal,
    });
    if (mode === "json") {
      io.stdout.write(
        `${JSON.stringify({ event: "done", videoId: result.videoId, output: result.outputDir, master: result.masterPath, renditions: result.renditions, warnings: result.warnings })}\n`,
      );
    } else {
      for (const warning of result.warnings) io.stderr.write(`aq: warning: ${warning}\n`);
      const ladder = result.renditions.map((r) => `${r.name} ${r.width}x${r.height} ${Math.round(r.bandwidth / 1000)} kbit/s`).join(", ");
      io.stderr.write(`encoded ${result.videoId}: ${ladder}\n`);
      io.stdout.write(`${result.masterPath}\n`);
    }
    return 0;
  } catch (error) {
    return reportFailure(error, mode === "json", io);
  }
}

async function plan(input: string, json: boolean, io: CliIo): Promise<number> {
  try {
    const dry = await runPlan(input, io.env, io.signal);
    const rc = ladderConfigFromEnv(io.env).rateControl;
    io.stdout.write(
      json
        ? `${JSON.stringify({ event: "plan", ...dry })}\n`
        : formatPlan(dry, rc.mode === "capped-crf" ? `capped CRF ${rc.crf}` : "fixed bit rates"),
    );
    return 0;
  } catch (error) {
    return reportFailure(error, json, io);
  }
}

/** The error's message and stable code (and the ffmpeg log kept, if any); the exit code. */
function reportFailure(error: unknown, json: boolean, io: CliIo): number {
  const code = isAqError(error) ? error.code : "INTERNAL";
  const message = error instanceof Error ? error.message : String(error);
  const logFile = isAqError(error) && typeof error.details?.logFile === "string" ? error.details.logFile : undefined;
  if (json) {
    io.stdout.write(`${JSON.stringify({ event: "error", code, message, ...(logFile ? { logFile } : {}) })}\n`);
  } else {
    io.stderr.write(`aq: ${message} (${code})\n`);
    if (logFile) io.stderr.write(`aq: ffmpeg log: ${logFile}\n`);
  }
  return code === "ENCODE_ABORTED" ? 130 : 1;
}
