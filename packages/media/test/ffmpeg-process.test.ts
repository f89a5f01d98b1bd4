import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { openSync, closeSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AqError } from "@aq/contracts";
import { BACKGROUND_NICE, runFfmpeg } from "../src/ffmpeg-process.js";
import { tailLog } from "../src/log-tail.js";

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aq-ffmpeg-test-"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Command lines of live processes that contain `marker`. */
async function processesWith(marker: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(marker)) found.push(pid);
  }
  return found;
}

/** An ffmpeg that runs until killed, at real-time speed, tagged with a unique marker. */
function endless(marker: string): string[] {
  return [
    "-hide_banner",
    "-nostdin",
    "-progress",
    "pipe:1",
    "-re",
    "-f",
    "lavfi",
    "-i",
    "testsrc2=size=64x64:rate=10",
    "-metadata",
    `comment=${marker}`,
    "-f",
    "null",
    "-",
  ];
}

async function failure(promise: Promise<unknown>): Promise<AqError> {
  const error = await promise.then(
    () => {
      throw new Error("ffmpeg run succeeded");
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AqError);
  return error as AqError;
}

describe("runFfmpeg", () => {
  it("fails on a non-zero exit with the log's last line, and keeps the full log", async () => {
    const logFile = join(dir, "fail.log");
    const error = await failure(
      runFfmpeg({
        args: ["-hide_banner", "-nostdin", "-f", "lavfi", "-i", "nullsrc", "-frames:v", "1", "-f", "no_such_muxer", "-"],
        logFile,
        label: "encode",
        failureCode: "ENCODE_FAILED",
      }),
    );
    expect(error.code).toBe("ENCODE_FAILED");
    expect(error.message).toMatch(/^encode failed: ffmpeg exited with code \d+: .*no_such_muxer/);
    expect(error.details?.logFile).toBe(logFile);
    const log = await readFile(logFile, "utf8");
    expect(log).toMatch(/==== .* encode: ffmpeg -hide_banner/);
    expect(log).toContain("no_such_muxer");
  });

  it("reports progress and kills ffmpeg's process group on abort", async () => {
    const marker = randomUUID();
    const controller = new AbortController();
    const error = await failure(
      runFfmpeg({
        args: endless(marker),
        logFile: join(dir, "abort.log"),
        label: "encode",
        failureCode: "ENCODE_FAILED",
        signal: controller.signal,
        onProgress: (p) => {
          if ((p.outTimeSeconds ?? 0) > 0) controller.abort();
        },
      }),
    );
    expect(error.code).toBe("ENCODE_ABORTED");
    expect(await processesWith(marker)).toEqual([]);
  });

  it("runs a background ffmpeg at the lowest priority, every thread of it and its session", async () => {
    const marker = randomUUID();
    const controller = new AbortController();
    const niceness: number[] = [];
    let progressed: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (progressed = resolve));
    const run = runFfmpeg({
      args: endless(marker),
      logFile: join(dir, "background.log"),
      label: "encode",
      failureCode: "ENCODE_FAILED",
      signal: controller.signal,
      background: true,
      onProgress: () => progressed(),
    });
    // Reporting progress: ffmpeg itself (not nice before its exec) is running, with its threads.
    await running;
    const [pid] = await processesWith(marker);
    for (const thread of await readdir(`/proc/${pid}/task`)) {
      // Field 19 of /proc/<pid>/task/<tid>/stat, counted after the parenthesised command name.
      const stat = await readFile(`/proc/${pid}/task/${thread}/stat`, "utf8");
      niceness.push(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[16]));
    }
    // Its session's share too, where the kernel groups sessions (autogroup), since nice alone only counts within one.
    const autogroup = await readFile(`/proc/${pid}/autogroup`, "utf8").catch(() => null);
    controller.abort();
    await run.catch(() => undefined);
    expect(niceness.length).toBeGreaterThan(0);
    expect(new Set(niceness)).toEqual(new Set([BACKGROUND_NICE]));
    if (autogroup !== null) expect(autogroup).toMatch(new RegExp(` nice ${BACKGROUND_NICE}\\n?$`));
  });

  it("kills ffmpeg past its timeout", async () => {
    const marker = randomUUID();
    const error = await failure(
      runFfmpeg({
        args: endless(marker),
        logFile: join(dir, "timeout.log"),
        label: "encode",
        failureCode: "ENCODE_FAILED",
        timeoutMs: 1500,
      }),
    );
    expect(error.code).toBe("ENCODE_TIMEOUT");
    expect(error.message).toBe("encode did not finish within 2 s");
    expect(await processesWith(marker)).toEqual([]);
  });

  it("kills ffmpeg when its output time stops advancing", async () => {
    const marker = randomUUID();
    const fifo = join(dir, "stalled.pcm");
    await execa("mkfifo", [fifo]);
    // Held open for writing and never written: ffmpeg blocks reading it without reaching EOF.
    const writer = openSync(fifo, "r+");
    try {
      const error = await failure(
        runFfmpeg({
          args: [
            "-hide_banner",
            "-nostdin",
            "-progress",
            "pipe:1",
            "-f",
            "s16le",
            "-ar",
            "8000",
            "-ac",
            "1",
            "-i",
            fifo,
            "-metadata",
            `comment=${marker}`,
            "-f",
            "null",
            "-",
          ],
          logFile: join(dir, "stall.log"),
          label: "encode",
          failureCode: "ENCODE_FAILED",
          stallTimeoutMs: 1000,
        }),
      );
      expect(error.code).toBe("ENCODE_STALLED");
      expect(await processesWith(marker)).toEqual([]);
    } finally {
      closeSync(writer);
    }
  });

  it("does not count time a background ffmpeg waits for a core as a stall", async () => {
    const stallTimeoutMs = 1000;
    const advances: number[] = [];
    let lastOutTime = -1;
    let hogs: ChildProcess[] = [];
    let released: Promise<void> | undefined;
    const run = runFfmpeg({
      // 1080p at preset medium costs about 0.1 CPU-s a frame, so with the percent or so of a core
      // left to it ffmpeg's output time stands still for seconds; zerolatency (no lookahead, no
      // frame threads) puts each frame out as soon as it is encoded, so the running time between
      // outputs stays well under the limit.
      args: [
        "-hide_banner",
        "-nostdin",
        "-progress",
        "pipe:1",
        "-stats_period",
        "0.1",
        "-f",
        "lavfi",
        "-i",
        "testsrc2=size=1920x1080:rate=30",
      ].concat(["-t", "1.5", "-c:v", "libx264", "-preset", "medium", "-tune", "zerolatency", "-f", "null", "-"]),
      logFile: join(dir, "starved.log"),
      label: "encode",
      failureCode: "ENCODE_FAILED",
      stallTimeoutMs,
      background: true,
      onProgress: (progress) => {
        if (progress.outTimeSeconds === null || progress.outTimeSeconds <= lastOutTime) return;
        lastOutTime = progress.outTimeSeconds;
        advances.push(Date.now());
        // Once it is under way, a busy loop per core at normal priority takes every core for 4 s.
        if (!released && lastOutTime > 0.2) {
          hogs = Array.from({ length: availableParallelism() }, () => spawn("sh", ["-c", "while :; do :; done"], { stdio: "ignore" }));
          released = new Promise((resolve) => setTimeout(resolve, 4 * stallTimeoutMs)).then(() => {
            for (const hog of hogs) hog.kill("SIGKILL");
          });
        }
      },
    });
    try {
      await run;
    } finally {
      for (const hog of hogs) hog.kill("SIGKILL");
    }
    await released;
    // The starvation happened: ffmpeg's output time stood still for longer than the stall limit.
    const longestGap = Math.max(...advances.slice(1).map((at, i) => at - advances[i]!));
    expect(longestGap).toBeGreaterThan(2 * stallTimeoutMs);
  });

  it("refuses to start when already aborted", async () => {
    const error = await failure(
      runFfmpeg({
        args: ["-version"],
        logFile: join(dir, "x.log"),
        label: "normalize",
        failureCode: "NORMALIZE_FAILED",
        signal: AbortSignal.abort(),
      }),
    );
    expect(error.code).toBe("ENCODE_ABORTED");
  });
});

describe("tailLog", () => {
  it("returns the last non-empty lines", async () => {
    const file = join(dir, "tail.log");
    await writeFile(file, Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n") + "\n\n");
    expect(await tailLog(file, 3)).toBe("line 27\nline 28\nline 29");
    expect(await tailLog(join(dir, "absent.log"), 3)).toBe("");
  });

  it("reads only the end of a large log", async () => {
    const file = join(dir, "big.log");
    await writeFile(file, `${"x".repeat(200_000)}\nlast line\n`);
    expect(await tailLog(file, 5)).toBe("last line");
  });
});
