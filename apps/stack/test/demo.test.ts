import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startNatsServer, type TestDatabase, type TestNatsServer } from "@aq/devkit";
import { repoRoot } from "../src/paths.js";
import { groupAlive, processAlive } from "./process-state.js";

interface Run {
  code: number | null;
  output: string;
}

/** `npm run demo -- <args>` as a user runs it (through the plain-JS entry point), output captured. */
function runDemo(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(repoRoot, "apps", "stack", "bin", "aq-stack.mjs"), "demo", ...args],
      { cwd: repoRoot, env: { ...process.env, ...env }, maxBuffer: 50 * 1024 * 1024, timeout: 280_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}` }),
    );
  });
}

describe("npm run demo -- --exit", () => {
  let nats: TestNatsServer;
  let database: TestDatabase;
  let dataDir: string;

  // A database and a NATS server of its own, so that the demo shares no queue or row with
  // anything else on the machine; the stack starts the local S3 server and the apps.
  beforeAll(async () => {
    [nats, database, dataDir] = await Promise.all([startNatsServer(), createTestDatabase(), mkdtemp(join(tmpdir(), "aq-demo-test-"))]);
  });
  afterAll(async () => {
    await Promise.allSettled([nats?.stop(), database?.drop(), dataDir && rm(dataDir, { recursive: true, force: true })]);
  });

  it("sends a generated clip through the GraphQL API to READY, checks its signed playback URL, lists the bucket and stops everything", async () => {
    const run = await runDemo(["--exit", "--sample-seconds", "2", "--sample-size", "640x360", "--title", "demo test"], {
      AQ_DATA_DIR: dataDir,
      NATS_URL: nats.url,
      DATABASE_URL: database.url,
      // A tiny clip: allow it, and encode it fast.
      LADDER_ALLOW_SMALLER_SOURCES: "true",
      SOURCE_MIN_DURATION_SECONDS: "1",
      X264_PRESET: "ultrafast",
      NO_COLOR: "1",
    });
    const output = run.output;
    try {
      expect(run.code).toBe(0);
      const id = /video ([0-9a-f-]{36}): READY/.exec(output)?.[1];
      expect(id, "the video reached READY").toBeDefined();
      // Every stage's bar completed, in order.
      const done = ["upload", "probe", "encode", "store"].map((stage) => output.indexOf(`✔ ${stage} `));
      expect(done.every((index) => index >= 0)).toBe(true);
      expect([...done].sort((a, b) => a - b)).toEqual(done);
      expect(output).toMatch(
        // The master lists a middle rung first (9fc21d2), so the demo plays it, then the lowest.
        /playback checked \(every request 200 through the signed URL\): master\.m3u8; 360p\.m3u8 \+ segments\/360p_000\.ts \(\d+ bytes\); 240p\.m3u8 \+ segments\/240p_000\.ts/,
      );
      expect(output).toMatch(new RegExp(`http://127\\.0\\.0\\.1:\\d+/v/\\d+/[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+/${id}/master\\.m3u8`));
      expect(output).toContain(`videos/${id}/master.m3u8`);
      expect(output).toMatch(new RegExp(`videos/${id}/segments/360p_\\*\\.ts  \\d+ segments`));
      // The clip went through the reused NATS and database, not the machine's defaults.
      expect(output).toContain(`NATS              ${nats.url}`);
    } catch (error) {
      console.error(output);
      throw error;
    }
    // --exit stopped every app it started, and their children.
    const pids = [...output.matchAll(/^ {2}(gateway|probe-service|encoder-service|uploader-service|webhook-service) +pid (\d+)/gm)].map(
      (m) => Number(m[2]),
    );
    expect(pids).toHaveLength(5);
    for (const pid of pids) {
      expect(processAlive(pid), `pid ${pid}`).toBe(false);
      expect(groupAlive(pid), `group ${pid}`).toBe(false);
    }
    // The local work folder is empty again: the uploader cleaned up after storing.
    const work = await readdir(join(dataDir, "work")).catch(() => []);
    expect(work.filter((name) => !name.startsWith("."))).toEqual([]);
  });

  it("refuses a file that does not exist before starting anything", async () => {
    const run = await runDemo(["--exit", join(dataDir, "missing.mp4")], {
      AQ_DATA_DIR: dataDir,
      NATS_URL: nats.url,
      DATABASE_URL: database.url,
    });
    expect(run.code).toBe(2);
    expect(run.output).toContain("no such video file");
    expect(run.output).not.toContain("starting the AQ stack");
  });
});
