// The end-to-end half of `npm run test:compose` (run.sh starts the stack, then runs this with tsx
// from the host). Everything goes through the published gateway port like an application's
// traffic: createVideo, the presigned PUT to the bucket's published port, completeVideoUpload,
// the videoProgress subscription to READY, then signed playback of every playlist and of the
// first and last segments of each rendition. Then two videos at once, which must be encoded by
// two different encoder containers, and one more during which the NATS container is restarted.
import { execFile, spawn } from "node:child_process";
import { createReadStream } from "node:fs";
import { mkdir, rename, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { fromApiStatus, isTerminalStatus } from "@aq/contracts";
import {
  CompleteUploadDocument,
  CreateUploadDocument,
  createSubscriptionClient,
  graphqlRequest,
  PlayerDocument,
  subscribeGraphql,
  VideoProgressDocument,
  type GraphqlEndpoint,
  type PlayerQuery,
  type UploadTargetFieldsFragment,
  type VideoProgressSubscription,
} from "@aq/graphql-client";
import type { Client } from "graphql-ws";
import WebSocket from "ws";

const run = promisify(execFile);

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run scripts/compose-test/run.sh)`);
  return value;
}
const gatewayUrl = env("AQ_CT_GATEWAY_URL");
const apiKey = env("AQ_CT_API_KEY");
const docker = env("AQ_CT_DOCKER").split(" ");
const composeCommand = JSON.parse(env("AQ_CT_COMPOSE")) as string[];
const samples = env("AQ_CT_SAMPLES");

const log = (message: string) => console.log(`[e2e] ${message}`);

// ---- what an application needs: AQ's generated GraphQL client, a PUT to a presigned URL ----
interface GatewayClient {
  endpoint: GraphqlEndpoint;
  ws: Client;
}
function createGatewayClient(url: string, apiKey: string): GatewayClient {
  return {
    endpoint: { url: `${url}/graphql`, apiKey },
    ws: createSubscriptionClient({ url: `${url.replace(/^http/, "ws")}/graphql`, apiKey, webSocketImpl: WebSocket, retryAttempts: 5 }),
  };
}

type UploadTarget = Pick<UploadTargetFieldsFragment, "url" | "method" | "headers">;
/** The file in one request to the presigned URL, with exactly the headers the gateway listed. */
async function uploadFile(path: string, target: UploadTarget): Promise<void> {
  const { size } = await stat(path);
  const headers = new Headers(target.headers.map(({ name, value }) => [name, value] as [string, string]));
  headers.set("content-length", String(size));
  const body = Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
  const response = await fetch(target.url, { method: target.method, headers, body, duplex: "half" } as RequestInit & { duplex: "half" });
  const text = await response.text();
  if (!response.ok) throw new Error(`the upload was refused: HTTP ${response.status} ${text.slice(0, 300)}`);
}

/** A generated clip (test pattern with a timestamp, and a tone), made once by the host's ffmpeg. */
async function sampleClip(directory: string, width: number, height: number, secs: number): Promise<string> {
  const path = join(directory, `sample-${width}x${height}-${secs}s.mp4`);
  if ((await stat(path).catch(() => null))?.size) return path;
  await mkdir(directory, { recursive: true });
  const partial = `${path}.partial.mp4`;
  const args = [
    "-hide_banner",
    "-loglevel",
    "error",
    "-y",
    "-f",
    "lavfi",
    "-i",
    `testsrc2=size=${width}x${height}:rate=30:duration=${secs}`,
    "-f",
    "lavfi",
    "-i",
    `sine=frequency=440:sample_rate=48000:duration=${secs}`,
  ];
  args.push("-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", partial);
  await new Promise<void>((resolve, reject) => {
    const child = spawn("ffmpeg", args, { stdio: ["ignore", "ignore", "inherit"] });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited with ${code} making ${path}`))));
  });
  await rename(partial, path);
  return path;
}
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

async function compose(...args: string[]): Promise<string> {
  const [program, ...rest] = composeCommand as [string, ...string[]];
  const { stdout } = await run(program, [...rest, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}
async function dockerCli(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  const [program, ...rest] = docker as [string, ...string[]];
  return run(program, [...rest, ...args], { maxBuffer: 64 * 1024 * 1024 });
}

type Video = NonNullable<PlayerQuery["video"]>;
type ProgressEvent = VideoProgressSubscription["videoProgress"];

/** createVideo, PUT the file to the presigned URL, completeVideoUpload; returns the video id. */
async function upload(client: GatewayClient, file: string, title: string): Promise<string> {
  const { size } = await stat(file);
  const { createVideo: created } = await graphqlRequest(client.endpoint, CreateUploadDocument, {
    input: { title, upload: { filename: `${title.replace(/\W+/g, "-")}.mp4`, contentType: "video/mp4", sizeBytes: size } },
  });
  const id = created.video.id;
  if (!created.upload)
    throw new Error(`${title}: the gateway answered a multipart upload for ${size} bytes; the clips are meant for one PUT`);
  await uploadFile(file, created.upload);
  const { completeVideoUpload: completed } = await graphqlRequest(client.endpoint, CompleteUploadDocument, { id });
  log(
    `${title}: video ${id} created, ${size} bytes PUT to ${new URL(created.upload.url).host} (presigned), completeVideoUpload -> ${completed.status}`,
  );
  return id;
}

/** Follows videoProgress until the server completes it; returns the statuses seen, in order. */
function follow(client: GatewayClient, id: string, onEvent: (event: ProgressEvent) => void = () => {}): Promise<string[]> {
  const statuses: string[] = [];
  return new Promise((resolve, reject) => {
    subscribeGraphql(
      client.ws,
      VideoProgressDocument,
      { id },
      {
        next: ({ videoProgress: event }) => {
          if (statuses[statuses.length - 1] !== event.status) statuses.push(event.status);
          onEvent(event);
        },
        error: reject,
        complete: () => resolve(statuses),
      },
    );
  });
}

async function video(client: GatewayClient, id: string): Promise<Video> {
  const { video: found } = await graphqlRequest(client.endpoint, PlayerDocument, { id, expiresInSeconds: 3600 });
  if (!found) throw new Error(`video ${id} not found`);
  return found;
}

function expectReady(found: Video, title: string): void {
  if (found.status !== "READY")
    throw new Error(
      `${title}: video ${found.id} ended ${found.status}${found.error ? ` (${found.error.code}: ${found.error.message})` : ""}`,
    );
  if (!found.playbackUrl) throw new Error(`${title}: READY without a playbackUrl`);
}

function uris(playlist: string): string[] {
  return playlist
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
}
async function get(url: string, type: string): Promise<Buffer> {
  const response = await fetch(url);
  const contentType = response.headers.get("content-type") ?? "";
  const body = Buffer.from(await response.arrayBuffer());
  if (response.status !== 200 || !contentType.startsWith(type)) {
    throw new Error(
      `GET ${new URL(url).pathname} answered ${response.status} ${contentType}; expected 200 ${type}: ${body.toString("utf8", 0, 200)}`,
    );
  }
  return body;
}

/** The master playlist from the signed URL, every variant playlist, the first and last segment of each. */
async function checkPlayback(playbackUrl: string): Promise<{ playlists: number; segments: number; lines: string[] }> {
  const lines: string[] = [];
  const master = (await get(playbackUrl, "application/vnd.apple.mpegurl")).toString("utf8");
  const variants = uris(master);
  if (variants.length === 0) throw new Error("the master playlist lists no variant");
  let segments = 0;
  for (const variant of variants) {
    const variantUrl = new URL(variant, playbackUrl);
    const playlist = (await get(variantUrl.href, "application/vnd.apple.mpegurl")).toString("utf8");
    if (!playlist.includes("#EXT-X-ENDLIST")) throw new Error(`${variant} is not a finished (VOD) playlist`);
    const list = uris(playlist);
    if (list.length === 0) throw new Error(`${variant} lists no segment`);
    const picks = list.length === 1 ? [list[0] as string] : [list[0] as string, list[list.length - 1] as string];
    const sizes: string[] = [];
    for (const segment of picks) {
      const bytes = await get(new URL(segment, variantUrl).href, "video/mp2t");
      if (bytes.length < 188 || bytes[0] !== 0x47)
        throw new Error(`${variant} ${segment} is not an MPEG-TS segment (${bytes.length} bytes)`);
      sizes.push(`${segment} ${bytes.length} B`);
      segments++;
    }
    lines.push(`${variant}: ${list.length} segments; fetched ${sizes.join(", ")}`);
  }
  // The signature is part of the path (/v/<expiry>/<kid>.<signature>/<id>/master.m3u8): the same
  // path with one character of it changed is refused.
  const tampered = new URL(playbackUrl);
  const parts = tampered.pathname.split("/");
  const token = parts[3] ?? "";
  if (parts[1] !== "v" || !token.includes(".")) throw new Error(`unexpected playback URL shape: ${tampered.pathname}`);
  parts[3] = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
  tampered.pathname = parts.join("/");
  const refused = await fetch(tampered);
  await refused.body?.cancel();
  if (refused.status < 400) throw new Error(`playback with a tampered signature answered ${refused.status}`);
  lines.push(`master.m3u8 with a tampered signature: ${refused.status}`);
  return { playlists: variants.length + 1, segments, lines };
}

/** Which encoder container logged "encode: verified" for each video id. */
async function encodersOf(ids: string[]): Promise<Map<string, string[]>> {
  const containers = (await compose("ps", "-q", "encoder-service")).split(/\s+/).filter(Boolean);
  const found = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const container of containers) {
    const name = (await dockerCli("inspect", "--format", "{{.Name}}", container)).stdout.trim().replace(/^\//, "");
    const { stdout, stderr } = await dockerCli("logs", container);
    for (const line of `${stdout}\n${stderr}`.split("\n")) {
      if (!line.includes("encode: verified")) continue;
      for (const id of ids) if (line.includes(id)) found.get(id)?.push(name);
    }
  }
  return found;
}

async function sendOne(client: GatewayClient, clip: string, title: string): Promise<{ video: Video; statuses: string[]; took: string }> {
  const started = Date.now();
  const id = await upload(client, clip, title);
  const statuses = await follow(client, id);
  const found = await video(client, id);
  expectReady(found, title);
  return { video: found, statuses, took: seconds(started) };
}

async function main(): Promise<void> {
  const client = createGatewayClient(gatewayUrl, apiKey);
  const summary: string[] = [];
  try {
    const clipA = await sampleClip(samples, 1280, 720, 8);
    const clipLong = await sampleClip(samples, 1280, 720, 40);

    // 1. One video, upload to playback.
    log("1. one video through the gateway, from upload to playback");
    const a = await sendOne(client, clipA, "compose-test A");
    log(`   ${a.video.id} READY in ${a.took}; statuses ${a.statuses.join(" -> ")}`);
    log(
      `   ${a.video.width}x${a.video.height}, ${a.video.durationSeconds} s, renditions ${a.video.renditions.map((r) => r.name).join(", ")}`,
    );
    const played = await checkPlayback(a.video.playbackUrl as string);
    for (const line of played.lines) log(`   ${line}`);
    summary.push(
      `READY through the containers: ${a.video.id} ("compose-test A", ${a.video.renditions.length} renditions, ${played.playlists} playlists and ${played.segments} segments fetched through signed playback)`,
    );

    // 2. Two videos at once: each encoder container takes one.
    log("2. two videos at once, two encoder containers");
    const both = await Promise.all([sendOne(client, clipA, "compose-test B"), sendOne(client, clipA, "compose-test C")]);
    const ids = both.map((r) => r.video.id);
    const encoders = await encodersOf([a.video.id, ...ids]);
    for (const [id, names] of encoders) log(`   ${id} encoded by ${names.join(", ") || "(no log line found)"}`);
    const distinct = new Set(ids.flatMap((id) => encoders.get(id) ?? []));
    if (distinct.size < 2)
      throw new Error(
        `the two videos were encoded by ${[...distinct].join(", ") || "no container found"}; expected two different encoder containers`,
      );
    summary.push(
      `two videos at once, both READY (${both.map((r) => `${r.video.id} in ${r.took}`).join(", ")}), encoded by ${[...distinct].join(" and ")}`,
    );

    // 3. NATS restarted while a video is encoding.
    log("3. the NATS container restarted mid-encode");
    const started = Date.now();
    const id = await upload(client, clipLong, "compose-test NATS restart");
    let restart: Promise<string> | null = null;
    let restartedAt = "";
    const first = follow(client, id, (event) => {
      if (!restart && event.status === "ENCODING" && event.percent >= 10) {
        restartedAt = `${event.percent.toFixed(0)} % encoded`;
        log(`   ${restartedAt}: docker compose restart nats`);
        const t = Date.now();
        restart = compose("restart", "nats").then(() => seconds(t));
      }
    }).catch((error: Error) => {
      log(`   the first subscription ended with an error after the restart (expected while NATS is away): ${error.message}`);
      return null;
    });
    // The subscription may end with an error while NATS is down; then a new one (the gateway
    // sends the current state first) follows the video to its end.
    const deadline = Date.now() + 15 * 60_000;
    let statuses = await first;
    if (!restart) throw new Error("the video left ENCODING before NATS could be restarted (make the clip longer)");
    log(`   nats restarted in ${await (restart as Promise<string>)}`);
    while (!statuses || !isTerminalStatus(fromApiStatus((await video(client, id)).status))) {
      if (Date.now() > deadline) throw new Error(`video ${id} did not finish within 15 minutes of the NATS restart`);
      statuses = await follow(client, id).catch((error: Error) => {
        log(`   subscription error, retrying in 2 s: ${error.message}`);
        return new Promise<null>((resolve) => setTimeout(() => resolve(null), 2000));
      });
    }
    const restarted = await video(client, id);
    expectReady(restarted, "NATS restart");
    const replayed = await checkPlayback(restarted.playbackUrl as string);
    const who = (await encodersOf([id])).get(id) ?? [];
    log(
      `   ${id} READY ${seconds(started)} after its upload began (NATS restarted at ${restartedAt}); encoded by ${who.join(", ") || "?"}; ${replayed.segments} segments played`,
    );
    summary.push(`NATS restarted mid-encode (at ${restartedAt}): ${id} still reached READY and plays`);
  } finally {
    await client.ws.dispose();
  }
  for (const line of summary) console.log(`[e2e] ${line}`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`[e2e] FAILED: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
