import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { stat } from "node:fs/promises";
import { parse } from "hls-parser";
import { CompleteUploadDocument, CreateUploadDocument, PlayerDocument } from "@aq/graphql-client";
import { uploadFile } from "@aq/stack";
import { closeDatabase, createDatabase, type Database } from "@aq/platform/db";
import { chunkSettings } from "../chunk-settings.js";
import { followVideo, secondsBetween, type VideoTimeline } from "../chunk-timeline.js";
import type { BenchContext } from "../context.js";
import type { BenchOptions } from "../options.js";
import { followProgress, gatewayRequest, wsClient, type GatewayEndpoint } from "../gateway/graphql.js";
import { sourceFacts, videoSource, type LoopedSource } from "../looped-source.js";
import { median, round } from "../measure.js";
import type { FirstPlayableSection } from "../results.js";
import { startS3Process, stopS3Process } from "../s3-process.js";
import { startBenchStack } from "../stack-session.js";

/** Issue #13's target: playable within 10 s of the upload completing, whatever the length. */
const TARGET_SECONDS = 10;
/** What a player needs before it starts: the first two segments of (at least) two rungs. */
const RUNGS = 2;
const SEGMENTS = 2;

/**
 * GETs, through the signed playback route as a player does, the master, the first RUNGS media
 * playlists it names and their first SEGMENTS segments; false while any of them is not there yet.
 */
async function fetchFirstSegments(playbackUrl: string): Promise<boolean> {
  const get = async (url: URL) => {
    const response = await fetch(url);
    const body = await response.arrayBuffer();
    return response.ok && body.byteLength > 0 ? Buffer.from(body) : null;
  };
  const masterUrl = new URL(playbackUrl);
  const master = await get(masterUrl);
  if (!master) return false;
  const parsed = parse(master.toString("utf8"));
  if (!parsed.isMasterPlaylist) throw new Error("the playback URL did not lead to a master playlist");
  const variants = parsed.variants.slice(0, RUNGS);
  if (variants.length < Math.min(RUNGS, parsed.variants.length) || !variants.length) return false;
  for (const variant of variants) {
    const playlistUrl = new URL(variant.uri, masterUrl);
    const playlist = await get(playlistUrl);
    if (!playlist) return false;
    const media = parse(playlist.toString("utf8"));
    if (media.isMasterPlaylist || media.segments.length < SEGMENTS) return false;
    for (const segment of media.segments.slice(0, SEGMENTS)) if (!(await get(new URL(segment.uri, playlistUrl)))) return false;
  }
  return true;
}

interface RunTimes {
  completedAt: number;
  firstPlayableAt: number;
  playableEventAt: number | null;
  /** Null: not followed to READY. */
  readyAt: number | null;
  /** Rounds of playbackUrl query + GETs until all answered. */
  fetchAttempts: number;
}

/**
 * One video as an application sends it (createVideo, PUT to the presigned URL, completeVideoUpload)
 * and as a player waits for it (videoProgress until playable, then playbackUrl and the GETs,
 * again every 100 ms until all answer), then on to READY. Times on this process's clock (epoch ms).
 */
async function oneRun(
  endpoint: GatewayEndpoint,
  db: Database,
  file: string,
  title: string,
  /** false: stop following the video once playable. */
  toReady: boolean,
): Promise<{ times: RunTimes; timeline: VideoTimeline }> {
  const { size } = await stat(file);
  const created = await gatewayRequest(endpoint, CreateUploadDocument, {
    input: { title, upload: { filename: "source.mp4", contentType: "video/mp4", sizeBytes: size } },
  });
  const { id } = created.createVideo.video;
  const upload = created.createVideo.upload;
  if (!upload) throw new Error("createVideo with an upload source returned no upload target");
  const client = wsClient(endpoint);
  let playableEventAt: number | null = null;
  let readyAt: number | null = null;
  let markPlayable: () => void = () => undefined;
  let failPlayable: (error: unknown) => void = () => undefined;
  const playable = new Promise<void>((resolve, reject) => {
    markPlayable = resolve;
    failPlayable = reject;
  });
  try {
    const done = followProgress(client, id, (event) => {
      if (event.playable && playableEventAt === null) {
        playableEventAt = Date.now();
        markPlayable();
      }
      if (event.status === "READY") readyAt ??= Date.now();
    });
    done.catch(failPlayable);
    await uploadFile(file, upload);
    await gatewayRequest(endpoint, CompleteUploadDocument, { id });
    const completedAt = Date.now();
    const follower = followVideo(db, id);
    await playable;
    let firstPlayableAt: number | null = null;
    let fetchAttempts = 0;
    const deadline = performance.now() + 30 * 60_000;
    while (firstPlayableAt === null) {
      fetchAttempts++;
      const { video } = await gatewayRequest(endpoint, PlayerDocument, { id, expiresInSeconds: 3600 });
      if (video?.playbackUrl && (await fetchFirstSegments(video.playbackUrl))) firstPlayableAt = Date.now();
      else if (performance.now() > deadline) throw new Error(`video ${id} was not fetchable within 30 min`);
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (!toReady)
      return { times: { completedAt, firstPlayableAt, playableEventAt, readyAt: null, fetchAttempts }, timeline: await follower.stop() };
    await done;
    const timeline = await follower.ended();
    if (readyAt === null) throw new Error(`video ${id}'s progress ended without READY`);
    return { times: { completedAt, firstPlayableAt, playableEventAt, readyAt, fetchAttempts }, timeline };
  } finally {
    await client.dispose();
  }
}

function phases(times: RunTimes, t: VideoTimeline): FirstPlayableSection["sources"][number]["runs"][number]["phases"] {
  const first = t.chunks.find((c) => c.index === 0);
  return {
    toProbed: secondsBetween(times.completedAt, t.reached.probed),
    toEncoding: secondsBetween(t.reached.probed, t.reached.encoding),
    planner: secondsBetween(t.reached.encoding, first?.startedAt),
    firstChunk: secondsBetween(first?.startedAt, first?.doneAt),
    publish: secondsBetween(first?.doneAt, t.playableAt),
    toClient: secondsBetween(t.playableAt, times.firstPlayableAt),
  };
}

function spread(values: number[]) {
  return { median: round(median(values)), min: round(Math.min(...values)), max: round(Math.max(...values)) };
}

/** The stack (with the S3 latency proxy in front of its bucket) for one run, stopped after it. */
async function withStack<T>(ctx: BenchContext, name: string, run: (endpoint: GatewayEndpoint, db: Database) => Promise<T>): Promise<T> {
  const { addedLatencyMs, chunkEnv } = ctx.options.firstPlayable;
  const s3 = await startS3Process([addedLatencyMs]);
  try {
    const s3Env = { ...s3.env, S3_ENDPOINT: s3.proxies[String(addedLatencyMs)]!, S3_FORCE_PATH_STYLE: String(s3.env.S3_FORCE_PATH_STYLE) };
    const session = await startBenchStack(join(ctx.workDir, "first-playable", name), { ...ctx.ladderEnv, ...chunkEnv, ...s3Env });
    const db = createDatabase(session.stack.databaseUrl);
    try {
      const { stack } = session;
      return await run({ graphqlUrl: stack.graphqlUrl, graphqlWsUrl: stack.graphqlWsUrl, apiKey: stack.apiKey }, db);
    } finally {
      await closeDatabase(db);
      await session.stop();
    }
  } finally {
    await stopS3Process(s3.child);
  }
}

/** What the section states about how it ran, beside its sources. */
export function firstPlayableSettings(options: BenchOptions): Omit<FirstPlayableSection, "sources"> {
  const { addedLatencyMs, chunkEnv } = options.firstPlayable;
  return { addedLatencyMs, chunkSettings: chunkSettings(chunkEnv), targetSeconds: TARGET_SECONDS };
}

function summary(
  source: LoopedSource,
  chunks: number | null,
  runs: FirstPlayableSection["sources"][number]["runs"],
): FirstPlayableSection["sources"][number] {
  return {
    ...sourceFacts(source),
    chunks,
    runs,
    firstPlayable: spread(runs.map((r) => r.firstPlayableSeconds)),
    ready: runs.every((r) => r.readySeconds !== null) ? spread(runs.map((r) => r.readySeconds!)) : null,
  };
}

/**
 * Time to first playable: each source through the whole stack (gateway, probe, encoder, uploader as
 * processes) with every S3 request held addedLatencyMs by a proxy, as a remote bucket would, from
 * completeVideoUpload returning until a player could start, and on to READY.
 */
export async function runFirstPlayable(ctx: BenchContext): Promise<FirstPlayableSection> {
  const { runs, readyUpToSeconds } = ctx.options.firstPlayable;
  const settings = firstPlayableSettings(ctx.options);
  const sources: FirstPlayableSection["sources"] = [];
  for (const input of ctx.options.firstPlayable.sources) {
    const source = await videoSource(ctx, input);
    const toReady = source.seconds <= readyUpToSeconds;
    const result: FirstPlayableSection["sources"][number]["runs"] = [];
    let chunks: number | null = null;
    for (let run = 0; run < runs; run++) {
      ctx.log(`first-playable: ${source.seconds} s source, run ${run + 1}/${runs}${toReady ? "" : " (not followed to READY)"}`);
      // A stack of its own for every run: stopping it ends the work a run not followed to READY leaves, so no run meets another's.
      const { times, timeline } = await withStack(ctx, `run-${sources.length}-${run}`, (endpoint, db) =>
        oneRun(endpoint, db, source.path, `first-playable ${source.seconds}s ${run}`, toReady),
      );
      chunks = timeline.chunkCount;
      result.push({
        firstPlayableSeconds: round((times.firstPlayableAt - times.completedAt) / 1000),
        playableEventSeconds: times.playableEventAt === null ? null : round((times.playableEventAt - times.completedAt) / 1000),
        readySeconds: times.readyAt === null ? null : round((times.readyAt - times.completedAt) / 1000),
        phases: phases(times, timeline),
        fetchAttempts: times.fetchAttempts,
        loadMax: round(timeline.load.max, 2),
      });
      // Saved after every run: a 5-minute source's runs take a while, and a stopped run keeps them.
      await ctx.checkpoint("first-playable", { ...settings, sources: [...sources, summary(source, chunks, result)] });
    }
    sources.push(summary(source, chunks, result));
  }
  return { ...settings, sources };
}
