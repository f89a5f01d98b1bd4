import { existsSync } from "node:fs";
import { appendFile, writeFile } from "node:fs/promises";
import { createInterface } from "node:readline";
import { execa } from "execa";
import type { ErrorCode } from "@aq/contracts";
import { AqError } from "@aq/contracts";
import { tailLog } from "./log-tail.js";
import { createProgressParser, type FfmpegProgress } from "./progress.js";
import { createStallClock, runQueueWaitMs } from "./stall-clock.js";

export interface RunFfmpegOptions {
  args: string[];
  /** Appended to (stderr in full, after a header naming the run). */
  logFile: string;
  /** Names the run in the log and in error messages ("encode", "normalize"). */
  label: string;
  /** Code of the error thrown when ffmpeg exits non-zero. */
  failureCode: ErrorCode;
  cwd?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Killed when `-progress` output time has not advanced for this long, time spent waiting for a core aside (stall-clock.ts). */
  stallTimeoutMs?: number;
  onProgress?: (progress: FfmpegProgress) => void;
  /** Strings replaced by "<redacted>" in the log (a presigned URL's signature): ffmpeg prints its input URLs. */
  redact?: string[];
  /**
   * Run at the kernel's lowest priority (BACKGROUND_NICE): work that must not slow down, on the same
   * cores, what a viewer is waiting for (a chunked video's first chunk). Idle cores still take it.
   */
  background?: boolean;
}

const LOG_TAIL_LINES = 15;

/**
 * util-linux's setpriv asks the kernel to SIGKILL ffmpeg when this process dies, however it
 * dies: a SIGKILLed or OOM-killed service runs no exit hook, and its ffmpeg would otherwise
 * keep encoding as an orphan. Without setpriv (not Linux) only the exit hook below applies.
 */
const SETPRIV = ["/usr/bin/setpriv", "/bin/setpriv"].find((path) => existsSync(path));

/**
 * The lowest (weight 15 against 1024 at nice 0): each background ffmpeg is a session of its own,
 * so at nice 10 (weight 110 each) the planner's three audio tracks would by the kernel's weights
 * still take about a fifth of the cores from the first chunk beside them.
 */
export const BACKGROUND_NICE = 19;

/**
 * Linux's autogroup scheduling shares the CPU between sessions first and looks at nice values only
 * within one, and ffmpeg runs in a session of its own (detached): without this, a background run
 * took as much as the first chunk beside it (measured: the first chunk of a 30 s source took 18 s
 * with two other ffmpeg beside it, 9 s alone). Where the kernel has no autogroups, nice(1) alone works.
 */
async function lowerSessionPriority(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/autogroup`, String(BACKGROUND_NICE)).catch(() => undefined);
}

/** nice(1) sets the priority before ffmpeg starts, so every thread it makes inherits it. */
function ffmpegCommand(args: string[], background: boolean): [string, string[]] {
  const ffmpeg = background ? ["nice", "-n", String(BACKGROUND_NICE), "ffmpeg", ...args] : ["ffmpeg", ...args];
  return SETPRIV ? [SETPRIV, ["--pdeathsig", "SIGKILL", "--", ...ffmpeg]] : [ffmpeg[0]!, ffmpeg.slice(1)];
}

/** Process groups of running ffmpegs, killed if this process exits while they run. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ESRCH") throw error;
  }
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once("exit", () => {
    for (const pid of liveGroups) killGroup(pid);
  });
}

/**
 * Runs ffmpeg in its own process group (so a kill reaches anything it started), with `-progress`
 * on stdout and stderr appended to the log file. Any non-zero exit is a failure, whatever it left
 * on disk. Abort, timeout and stall kill the whole group.
 */
export async function runFfmpeg(options: RunFfmpegOptions): Promise<void> {
  const { args, logFile, label, signal } = options;
  if (signal?.aborted) throw new AqError("ENCODE_ABORTED", `${label} aborted`);
  let stopReason: "aborted" | "timeout" | "stalled" | null = null;
  const timers: NodeJS.Timeout[] = [];
  let onAbort: (() => void) | undefined;
  let pid: number | undefined;
  let settled = false;
  try {
    const redact = (text: string) => (options.redact ?? []).reduce((t, secret) => (secret ? t.replaceAll(secret, "<redacted>") : t), text);
    await appendFile(logFile, `\n==== ${new Date().toISOString()} ${label}: ffmpeg ${redact(args.map(quoteForLog).join(" "))}\n`);
    const [command, commandArgs] = ffmpegCommand(args, options.background ?? false);
    const child = execa(command, commandArgs, {
      cwd: options.cwd,
      detached: true,
      cleanup: false,
      stdin: "ignore",
      stdout: "pipe",
      stderr: options.redact?.length
        ? [
            function* (line: unknown) {
              yield redact(String(line));
            },
            { file: logFile, append: true },
          ]
        : { file: logFile, append: true },
      buffer: false,
      reject: false,
    });
    pid = child.pid;
    if (options.background && pid !== undefined) void lowerSessionPriority(pid);
    const stop = (reason: "aborted" | "timeout" | "stalled") => {
      if (stopReason || pid === undefined) return;
      stopReason = reason;
      killGroup(pid);
    };
    if (pid !== undefined) {
      installExitHook();
      liveGroups.add(pid);
    }

    const stallMs = options.stallTimeoutMs;
    const stallClock = stallMs ? createStallClock(stallMs, Date.now()) : null;
    let lastOutTime = -1;
    const parse = createProgressParser((progress) => {
      if (progress.outTimeSeconds !== null && progress.outTimeSeconds > lastOutTime) {
        lastOutTime = progress.outTimeSeconds;
        stallClock?.progressed(Date.now());
      }
      options.onProgress?.(progress);
    });
    if (child.stdout) createInterface({ input: child.stdout }).on("line", parse);

    onAbort = () => stop("aborted");
    signal?.addEventListener("abort", onAbort, { once: true });
    if (options.timeoutMs) timers.push(setTimeout(() => stop("timeout"), options.timeoutMs));
    if (stallMs && stallClock) {
      let reading = false;
      timers.push(
        setInterval(
          () => {
            if (reading) return;
            reading = true;
            void (pid === undefined ? Promise.resolve(null) : runQueueWaitMs(pid)).then((waitMs) => {
              reading = false;
              // A reading that ends after ffmpeg did must not kill a process group that is gone.
              if (!settled && stallClock.tick(Date.now(), waitMs)) stop("stalled");
            });
          },
          Math.min(1000, stallMs / 2),
        ),
      );
    }

    const result = await child;
    if (stopReason === "aborted") throw new AqError("ENCODE_ABORTED", `${label} aborted`);
    if (stopReason === "timeout") {
      throw await failure(options, "ENCODE_TIMEOUT", `${label} did not finish within ${Math.round((options.timeoutMs ?? 0) / 1000)} s`);
    }
    if (stopReason === "stalled") {
      throw await failure(
        options,
        "ENCODE_STALLED",
        `${label} made no progress for ${Math.round((stallMs ?? 0) / 1000)} s (time spent waiting for a CPU core not counted)`,
      );
    }
    // Through setpriv a missing ffmpeg is setpriv's exit 127 ("failed to execute"), not ENOENT.
    if (result.code === "ENOENT" || (SETPRIV && result.exitCode === 127))
      throw new AqError("FFMPEG_MISSING", "ffmpeg is not installed or not on PATH");
    if (result.exitCode !== 0) {
      const how = result.signal ? `was killed by ${result.signal}` : `exited with code ${result.exitCode ?? "?"}`;
      throw await failure(options, options.failureCode, `${label} failed: ffmpeg ${how}`, {
        exitCode: result.exitCode,
        signal: result.signal,
      });
    }
  } finally {
    settled = true;
    for (const timer of timers) clearTimeout(timer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    if (pid !== undefined) liveGroups.delete(pid);
  }
}

async function failure(options: RunFfmpegOptions, code: ErrorCode, summary: string, extra: Record<string, unknown> = {}): Promise<AqError> {
  const logTail = await tailLog(options.logFile, LOG_TAIL_LINES);
  const reason = failureReason(logTail);
  const message = reason && code === options.failureCode ? `${summary}: ${reason}` : summary;
  return new AqError(code, message, { ...extra, logFile: options.logFile, logTail });
}

/** ffmpeg's last two lines, without its closing boilerplate and the "[muxer @ 0x...]" prefixes. */
function failureReason(logTail: string): string {
  return logTail
    .split("\n")
    .filter((line) => !/^(Conversion failed!|Exiting normally)/.test(line))
    .slice(-2)
    .map((line) => line.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\] /, "").trim())
    .join(" | ");
}

function quoteForLog(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}
