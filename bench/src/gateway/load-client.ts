/**
 * The gateway load generator, run as its own process (the "second process on loopback"): reads
 * its settings as JSON from argv[2], prints one JSON line with the results on stdout.
 */
import { performance } from "node:perf_hooks";
import { connectBus, closeBus, publishProgress } from "@aq/platform/bus";
import { createLogger } from "@aq/platform/log";
import { CreateUploadDocument, subscribeGraphql, VideoDocument, VideoProgressDocument } from "@aq/graphql-client";
import type { Client } from "graphql-ws";
import { percentile, round } from "../measure.js";
import type { FanOut, RequestLoad } from "../results.js";
import { gatewayRequest, wsClient, type GatewayEndpoint } from "./graphql.js";

export interface LoadSettings extends GatewayEndpoint {
  natsUrl: string;
  /** Per operation, whichever of seconds and maxRequests comes first ends it. */
  seconds: number;
  maxRequests: number;
  concurrency: number;
  subscribers: number;
  events: number;
}

export interface LoadResult {
  requests: RequestLoad[];
  fanOut: FanOut;
}

function latency(ms: number[]) {
  return { p50Ms: round(percentile(ms, 50), 2), p99Ms: round(percentile(ms, 99), 2), maxMs: round(Math.max(...ms), 2) };
}

/** `concurrency` requests in flight until the count or the time runs out. */
async function load(operation: string, settings: LoadSettings, send: (i: number) => Promise<void>): Promise<RequestLoad> {
  const latencies: number[] = [];
  let errors = 0;
  let started = 0;
  let firstError: unknown;
  const t0 = performance.now();
  const deadline = t0 + settings.seconds * 1000;
  const worker = async () => {
    while (started < settings.maxRequests && performance.now() < deadline) {
      const i = started++;
      const t = performance.now();
      try {
        await send(i);
        latencies.push(performance.now() - t);
      } catch (error) {
        errors++;
        firstError ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: settings.concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  if (latencies.length === 0) throw new Error(`${operation}: every request failed, e.g. ${(firstError as Error)?.message}`);
  return {
    operation,
    concurrency: settings.concurrency,
    requests: latencies.length,
    errors,
    seconds: round(seconds),
    requestsPerSecond: round(latencies.length / seconds, 1),
    latency: latency(latencies),
  };
}

async function createVideo(settings: LoadSettings, title: string): Promise<string> {
  const data = await gatewayRequest(settings, CreateUploadDocument, {
    input: { title, upload: { filename: "bench.mp4", contentType: "video/mp4", sizeBytes: 1_000_000 } },
  });
  return data.createVideo.video.id;
}

/** Resolves when `count()` reaches `target` (checked on every `poke`), or rejects at the deadline. */
function counter(target: number, timeoutMs: number, what: string) {
  let n = 0;
  let done: () => void = () => {};
  let timer: NodeJS.Timeout | undefined;
  const reached = new Promise<void>((resolve, reject) => {
    done = resolve;
    timer = setTimeout(() => reject(new Error(`${what}: ${n} of ${target} within ${timeoutMs} ms`)), timeoutMs);
  });
  return {
    reached: reached.finally(() => clearTimeout(timer)),
    poke() {
      if (++n >= target) done();
    },
    get count() {
      return n;
    },
  };
}

/**
 * `subscribers` graphql-ws connections subscribed to one video's progress, then `events`
 * progress events published on NATS one after another (the next once every subscriber had the
 * previous one, or its deadline passed); latency from publish to each receipt.
 */
async function fanOut(settings: LoadSettings): Promise<FanOut> {
  const videoId = await createVideo(settings, "fan-out");
  const clients: Client[] = [];
  const receipts = new Map<number, number[]>();
  let current: { percent: number; publishedAt: number; delivered: ReturnType<typeof counter> } | null = null;
  const subscribeStart = performance.now();
  const subscribed = counter(settings.subscribers, 120_000, "subscribers with their first event");
  let failures = 0;
  const BATCH = 100;
  for (let i = 0; i < settings.subscribers; i += BATCH) {
    const batch = counter(Math.min(BATCH, settings.subscribers - i), 60_000, "a batch of subscribers");
    for (let j = i; j < Math.min(i + BATCH, settings.subscribers); j++) {
      const client = wsClient(settings);
      clients.push(client);
      let first = true;
      subscribeGraphql(
        client,
        VideoProgressDocument,
        { id: videoId },
        {
          next: (message) => {
            const now = performance.now();
            if (first) {
              first = false;
              subscribed.poke();
              batch.poke();
              return;
            }
            const event = current;
            if (event && message.videoProgress.percent === event.percent) {
              receipts.get(event.percent)?.push(now - event.publishedAt);
              event.delivered.poke();
            }
          },
          error: () => {
            failures++;
          },
          complete: () => {},
        },
      );
    }
    await batch.reached;
  }
  await subscribed.reached;
  const subscribeSeconds = (performance.now() - subscribeStart) / 1000;

  const nc = await connectBus(settings.natsUrl, createLogger("bench-load", "warn"), { name: "bench-fan-out" });
  const lastDelivery: number[] = [];
  let missed = 0;
  try {
    for (let k = 0; k < settings.events; k++) {
      const percent = 11 * (k + 1);
      const delivered = counter(settings.subscribers, 30_000, `deliveries of event ${k + 1}`);
      receipts.set(percent, []);
      current = { percent, publishedAt: performance.now(), delivered };
      publishProgress(nc, {
        v: 1,
        videoId,
        status: "awaiting_upload",
        stage: "upload",
        percent,
        fps: null,
        speed: null,
        etaSeconds: null,
        at: new Date().toISOString(),
      });
      await delivered.reached.catch(() => undefined);
      missed += settings.subscribers - delivered.count;
      const times = receipts.get(percent) ?? [];
      if (times.length) lastDelivery.push(Math.max(...times));
    }
  } finally {
    await closeBus(nc);
    await Promise.allSettled(clients.map((c) => c.dispose()));
  }
  const all = [...receipts.values()].flat();
  if (all.length === 0) throw new Error(`no subscriber received any event (${failures} subscription errors)`);
  return {
    subscribers: settings.subscribers,
    events: settings.events,
    subscribeSeconds: round(subscribeSeconds),
    latency: latency(all),
    lastDeliveryMs: { median: round(percentile(lastDelivery, 50), 2), max: round(Math.max(...lastDelivery), 2) },
    missed,
  };
}

async function main(): Promise<void> {
  const settings = JSON.parse(process.argv[2] ?? "{}") as LoadSettings;
  const ids: string[] = [];
  const requests: RequestLoad[] = [];
  requests.push(
    await load("createVideo (mutation)", settings, async (i) => {
      ids.push(await createVideo(settings, `load ${i}`));
    }),
  );
  requests.push(
    await load("video (query)", settings, async (i) => {
      const id = ids[i % ids.length];
      if (!id) throw new Error("createVideo made no video to query");
      const data = await gatewayRequest(settings, VideoDocument, { id });
      if (!data.video) throw new Error("video not found");
    }),
  );
  const result: LoadResult = { requests, fanOut: await fanOut(settings) };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
