import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { isTerminalStatus, progressEventSchema, progressSubject, statusEventSchema, statusSubject, type VideoStatus } from "@aq/contracts";
import { getChunks, getVideo, insertVideo, type Database, type VideoRow } from "@aq/platform/db";
import { getObjectStream, listPrefix, uploadFile, uploadKey } from "@aq/platform/storage";
import {
  createTestDatabase,
  startNatsServer,
  startPipelineServices,
  startS3Server,
  type PipelineServices,
  type TestDatabase,
  type TestNatsServer,
  type TestS3Server,
  startTcpProxy,
  type TcpProxy,
  waitFor,
} from "@aq/devkit";
import { expect } from "vitest";

/** A whole pipeline on loopback: its own NATS server, database, S3 server, work dir and services. */
export interface PipelineStack {
  nats: TestNatsServer;
  nc: NatsConnection;
  database: TestDatabase;
  db: Database;
  s3: TestS3Server;
  workDir: string;
  scratch: string;
  env: Record<string, string>;
  services?: PipelineServices;
  /** Cuttable links between the services and Postgres / S3, when asked for; the database's listener on `host`. */
  proxies: { database?: TcpProxy; s3?: TcpProxy; databaseListener?: TcpProxy };
  stop(): Promise<void>;
}

export interface PipelineStackOptions {
  services?: boolean;
  /** Route the services' connections through a TCP proxy the test can cut. */
  proxy?: Array<"database" | "s3">;
  /**
   * The address NATS, S3 and the database are reached at (default loopback): one that services
   * in other network namespaces reach. The database server is shared, so a proxy listens there.
   */
  host?: string;
}

async function proxied(url: string, listenHost = "127.0.0.1"): Promise<{ proxy: TcpProxy; url: string }> {
  const parsed = new URL(url);
  const proxy = await startTcpProxy(parsed.hostname, Number(parsed.port), { listenHost });
  parsed.host = `${listenHost}:${proxy.port}`;
  return { proxy, url: parsed.toString().replace(/\/$/, "") };
}

export async function startPipelineStack(
  extraEnv: Record<string, string> = {},
  options: PipelineStackOptions = {},
): Promise<PipelineStack> {
  const scratch = await mkdtemp(join(tmpdir(), "aq-pipeline-"));
  const host = options.host;
  const [nats, database, s3] = await Promise.all([startNatsServer({ host }), createTestDatabase(), startS3Server({ host })]);
  const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 250 });
  const workDir = join(scratch, "work");
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    NATS_URL: nats.url,
    ...s3.env,
    S3_FORCE_PATH_STYLE: "true",
    WORK_DIR: workDir,
    // Test clips are small: let 360p sources through so the ladder stays cheap to encode.
    LADDER_ALLOW_SMALLER_SOURCES: "true",
    NATS_ACK_WAIT_SECONDS: "10",
    ENCODE_DISK_RESERVE_BYTES: "0",
    ...extraEnv,
  };
  const proxies: PipelineStack["proxies"] = {};
  if (host) {
    const { proxy, url } = await proxied(database.url, host);
    proxies.databaseListener = proxy;
    env.DATABASE_URL = url;
  }
  if (options.proxy?.includes("database")) {
    const { proxy, url } = await proxied(database.url);
    proxies.database = proxy;
    env.DATABASE_URL = url;
  }
  if (options.proxy?.includes("s3")) {
    const { proxy, url } = await proxied(s3.env.S3_ENDPOINT);
    proxies.s3 = proxy;
    env.S3_ENDPOINT = url;
  }
  const stack: PipelineStack = {
    nats,
    nc,
    database,
    db: database.db,
    s3,
    workDir,
    scratch,
    env,
    proxies,
    stop: async () => {
      await stack.services?.stop();
      await Promise.all(Object.values(proxies).map((p) => p.stop()));
      await nc.close();
      await Promise.all([nats.stop(), database.drop(), s3.stop()]);
      await rm(scratch, { recursive: true, force: true });
    },
  };
  if (options.services !== false) stack.services = await startPipelineServices(env, { logDir: join(scratch, "logs") });
  return stack;
}

/**
 * A key under videos/<id>/ the pipeline writes: the guide's layout (docs/encoding-guide.md §2),
 * the QC report, the images/ folder (poster, thumbnails, storyboard) and an MP4 download.
 */
export const VIDEO_OUTPUT_KEY =
  /^(master|\d+p)\.m3u8$|^segments\/\d+p_\d{3}\.ts$|^qc\.json$|^images\/(poster\.jpg|thumb_\d{4}\.jpg|storyboard_\d+\.jpg|storyboard\.vtt)$|^download\/[\w.-]+\.mp4$/;

/** Puts a file in the bucket as a browser's direct upload would, and records the video as uploaded. */
export async function submitVideo(
  stack: PipelineStack,
  file: string,
  id: string,
  options: { mp4Download?: boolean } = {},
): Promise<VideoRow> {
  const key = uploadKey(id, "source.mp4");
  await uploadFile(stack.s3.storage, file, key);
  return insertVideo(stack.db, {
    id,
    title: id,
    status: "uploaded",
    sourceKind: "upload",
    sourceLocation: key,
    sourceSizeBytes: (await stat(file)).size,
    mp4Download: options.mp4Download ?? false,
  });
}

/**
 * Resolves with the row once the video reaches one of `statuses` (default: any terminal one),
 * woken by its status events; the row is read after subscribing, so no event is missed.
 */
export async function waitForStatus(stack: PipelineStack, id: string, statuses?: VideoStatus[], timeoutMs = 240_000): Promise<VideoRow> {
  const wanted = (s: VideoStatus) => (statuses ? statuses.includes(s) : isTerminalStatus(s));
  const sub = stack.nc.subscribe(statusSubject(id, "*" as VideoStatus));
  const timer = setTimeout(() => sub.unsubscribe(), timeoutMs);
  try {
    await stack.nc.flush();
    const now = await getVideo(stack.db, id);
    if (now && wanted(now.status)) return now;
    for await (const msg of sub) {
      const event = statusEventSchema.parse(msg.json());
      if (wanted(event.status)) {
        const row = await getVideo(stack.db, id);
        if (row) return row;
      }
    }
    const last = await getVideo(stack.db, id);
    throw new Error(`video ${id} did not reach ${statuses?.join("/") ?? "a terminal status"} within ${timeoutMs} ms (now ${last?.status})`);
  } finally {
    clearTimeout(timer);
    sub.unsubscribe();
  }
}

/** Resolves once the encoder reports real progress on the video's encode. */
export async function encodeUnderway(stack: PipelineStack, videoId: string): Promise<void> {
  const sub = stack.nc.subscribe(progressSubject(videoId));
  for await (const msg of sub) {
    const event = progressEventSchema.parse(msg.json());
    if (event.stage === "encode" && event.percent > 0) break;
  }
  sub.unsubscribe();
}

/** Every service the test started is still running: a fault is ridden out, not survived by a crash and restart. */
export function expectServicesAlive(s: PipelineStack): void {
  for (const service of s.services?.services ?? [])
    expect({ name: service.name, exit: service.child.exitCode }).toEqual({ name: service.name, exit: null });
}

/** Resolves once a chunked video has at least one chunk done and at least one not: the middle of its chunks. */
export async function chunksUnderway(stack: PipelineStack, videoId: string): Promise<void> {
  await waitFor(
    async () => {
      const chunks = await getChunks(stack.db, videoId);
      return chunks.some((c) => c.status === "done") && chunks.some((c) => c.status !== "done");
    },
    { intervalMs: 20, timeoutMs: 180_000, message: `video ${videoId} to be between its chunks` },
  );
}

/** A text object of the bucket, such as a playlist. */
export async function objectText(stack: PipelineStack, key: string): Promise<string> {
  const object = await getObjectStream(stack.s3.storage, key);
  if (!object) throw new Error(`${key} is not in the bucket`);
  const parts: Buffer[] = [];
  for await (const part of object.body) parts.push(part as Buffer);
  return Buffer.concat(parts).toString("utf8");
}

/**
 * The guide's exact layout for a finished video (docs/encoding-guide.md §2): the master, one VOD
 * playlist per rung naming segments <rung>_000... once each and in order, and those segments in
 * the bucket with nothing missing or extra; any other key is one the pipeline writes beside them.
 */
export async function expectGuideLayout(stack: PipelineStack, videoId: string, rungs: string[], segments: number): Promise<void> {
  const prefix = `videos/${videoId}/`;
  const keys = (await listPrefix(stack.s3.storage, prefix)).map((o) => o.key.slice(prefix.length)).sort();
  const names = (rung: string) => Array.from({ length: segments }, (_, n) => `segments/${rung}_${String(n).padStart(3, "0")}.ts`);
  const guide = keys.filter((key) => /^(master|\d+p)\.m3u8$|^segments\//.test(key));
  expect(guide).toEqual(["master.m3u8", ...rungs.map((r) => `${r}.m3u8`), ...rungs.flatMap(names)].sort());
  for (const key of keys) expect(key).toMatch(VIDEO_OUTPUT_KEY);
  for (const rung of rungs) {
    const playlist = await objectText(stack, `${prefix}${rung}.m3u8`);
    expect(playlist).toContain("#EXT-X-PLAYLIST-TYPE:VOD");
    expect(playlist).toContain("#EXT-X-ENDLIST");
    expect(playlist).not.toContain("DISCONTINUITY");
    expect(playlist.split("\n").filter((l) => l.startsWith("segments/"))).toEqual(names(rung));
  }
}

/** ffmpeg runs held at a gate the test opens (EncodeGate). */
export interface EncodeGate {
  /** The PATH for the services: the gate's `ffmpeg` first. */
  path: string;
  /** How many held runs have reached the gate so far (held or let through). */
  arrived(): Promise<number>;
  open(): Promise<void>;
  remove(): Promise<void>;
}

/**
 * An `ffmpeg` first on the services' PATH that holds every run whose arguments match `hold` (a
 * shell `case` pattern over " <args> "; by default every HLS encode, single run or chunk: the runs
 * with -hls_segment_filename) and not `pass`, until the test opens the gate, and counts them.
 * Tests use it to have encodes running at a known moment instead of racing them: ffmpeg is
 * running (as far as its owner can tell) for as long as the test likes.
 */
export async function encodeGate(match: { hold?: string; pass?: string } = {}): Promise<EncodeGate> {
  const dir = await mkdtemp(join(tmpdir(), "aq-gate-"));
  const real = execFileSync("sh", ["-c", "command -v ffmpeg"], { encoding: "utf8" }).trim();
  await mkdir(join(dir, "arrived"), { recursive: true });
  await mkdir(join(dir, "bin"), { recursive: true });
  const wrapper = join(dir, "bin", "ffmpeg");
  await writeFile(
    wrapper,
    `#!/bin/sh
case " $* " in
  ${match.pass ?? "''"}) ;;
  ${match.hold ?? `*" -hls_segment_filename "*`})
    touch "${dir}/arrived/$$"
    while [ ! -e "${dir}/open" ]; do sleep 0.05; done ;;
esac
exec "${real}" "$@"
`,
  );
  await chmod(wrapper, 0o755);
  return {
    path: `${join(dir, "bin")}:${process.env.PATH}`,
    arrived: async () => (await readdir(join(dir, "arrived"))).length,
    open: () => writeFile(join(dir, "open"), ""),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
