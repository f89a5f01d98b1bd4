import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { verifyWebhookSignature } from "@aq/platform/webhooks";
import {
  createTestDatabase,
  freePort,
  makeTestClip,
  startNatsServer,
  startPipelineServices,
  startS3Server,
  startServiceProcess,
  stopChild,
  waitFor,
  type PipelineServices,
  type RunningService,
  type TestDatabase,
  type TestNatsServer,
  type TestS3Server,
} from "@aq/devkit";
import { Receiver } from "./receiver.js";

// The product path: an endpoint registered through the gateway's API, a real upload encoded by
// the real services, and every status change of the video arriving signed at a loopback receiver.
const API_KEY = "e2e-api-key-0123456789";
const FORWARD = ["AWAITING_UPLOAD", "UPLOADED", "PROBING", "PROBED", "ENCODING", "ENCODED", "UPLOADING", "READY"];

let nats: TestNatsServer;
let database: TestDatabase;
let s3: TestS3Server;
let scratch: string;
let services: PipelineServices | undefined;
let gateway: RunningService | undefined;
let webhooks: RunningService | undefined;
let gatewayUrl: string;
const receiver = new Receiver();

async function graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${gatewayUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${API_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data!;
}

beforeAll(async () => {
  [nats, database, s3] = await Promise.all([startNatsServer(), createTestDatabase(), startS3Server(), receiver.start()]);
  scratch = await mkdtemp(join(tmpdir(), "aq-webhook-e2e-"));
  const logDir = join(scratch, "logs");
  const env: Record<string, string> = {
    DATABASE_URL: database.url,
    NATS_URL: nats.url,
    ...Object.fromEntries(Object.entries(s3.env).map(([name, value]) => [name, String(value)])),
    WORK_DIR: join(scratch, "work"),
    LADDER_ALLOW_SMALLER_SOURCES: "true",
    X264_PRESET: "ultrafast",
    ENCODE_DISK_RESERVE_BYTES: "0",
    NATS_ACK_WAIT_SECONDS: "10",
    // The receiver listens on loopback.
    SOURCE_URL_ALLOW_PRIVATE: "true",
    WEBHOOK_SECRETS_KEY: "e2e-webhook-secrets-key-0123456789abcdef",
    // A 14 s source is chunked (6 s chunks: chunking needs more than two), so it plays before READY; the 6 s one is not.
    CHUNK_MIN_SOURCE_SECONDS: "10",
    CHUNK_SECONDS: "6",
    CHUNK_FIRST_SEGMENTS: "1",
  };
  const port = await freePort();
  gatewayUrl = `http://127.0.0.1:${port}`;
  [services, gateway, webhooks] = await Promise.all([
    startPipelineServices(env, { logDir }),
    startServiceProcess(
      "gateway",
      { ...env, GATEWAY_PORT: String(port), API_KEYS: API_KEY, PLAYBACK_SIGNING_KEYS: "e2e:e2e-playback-secret-0123456789abcdef" },
      { logDir },
    ),
    startServiceProcess("webhook-service", env, { logDir }),
  ]);
});

afterAll(async () => {
  await Promise.all([services?.stop(), gateway && stopChild(gateway.child, 10_000), webhooks && stopChild(webhooks.child, 10_000)]);
  await receiver.stop();
  await Promise.all([nats?.stop(), database?.drop(), s3?.stop()]);
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function createWebhookEndpoint(url: string, events?: string[]): Promise<{ secret: string; endpoint: { id: string } }> {
  const { createWebhookEndpoint } = await graphql<{ createWebhookEndpoint: { secret: string; endpoint: { id: string } } }>(
    `
      mutation ($url: String!, $events: [String!]) {
        createWebhookEndpoint(input: { url: $url, events: $events }) {
          secret
          endpoint {
            id
          }
        }
      }
    `,
    { url, events },
  );
  return createWebhookEndpoint;
}

/** Uploads a generated clip of `seconds` through the API, as an application does; returns the video's id. */
async function uploadClip(seconds: number): Promise<string> {
  const clip = join(scratch, `clip-${seconds}s.mp4`);
  await makeTestClip(clip, { seconds, width: 640, height: 360, fps: 24 });
  const size = (await stat(clip)).size;
  const { createVideo } = await graphql<{
    createVideo: { video: { id: string }; upload: { url: string; method: string; headers: Array<{ name: string; value: string }> } };
  }>(
    `
      mutation ($input: CreateVideoInput!) {
        createVideo(input: $input) {
          video {
            id
          }
          upload {
            url
            method
            headers {
              name
              value
            }
          }
        }
      }
    `,
    { input: { title: `webhooks ${seconds} s`, upload: { filename: "clip.mp4", contentType: "video/mp4", sizeBytes: size } } },
  );
  const id = createVideo.video.id;
  const put = await fetch(createVideo.upload.url, {
    method: createVideo.upload.method,
    headers: Object.fromEntries(createVideo.upload.headers.map((h) => [h.name, h.value])),
    body: await readFile(clip),
  });
  expect(put.status).toBe(200);
  await graphql(
    `
      mutation ($id: ID!) {
        completeVideoUpload(id: $id) {
          id
        }
      }
    `,
    { id },
  );

  return id;
}

it("sends every status change of an uploaded video, from AWAITING_UPLOAD to READY, signed, in order, logged as delivered", async () => {
  const { secret, endpoint } = await createWebhookEndpoint(`${receiver.url}/aq`);

  const id = await uploadClip(6);

  await waitFor(() => receiver.accepted("/aq").some((e) => e.type === "video.ready"), {
    timeoutMs: 120_000,
    intervalMs: 200,
    message: "video.ready at the receiver",
  });
  const events = receiver.accepted("/aq").filter((e) => e.data.videoId === id);
  expect(events.map((e) => e.data.status)).toEqual(FORWARD);
  expect(events.map((e) => e.type)).toEqual(FORWARD.map((s) => `video.${s.toLowerCase()}`));
  for (const delivery of receiver.at("/aq"))
    expect(verifyWebhookSignature({ secret, body: delivery.body, header: delivery.signature })).toBe(true);

  const log = await waitFor(
    async () => {
      const { webhookEndpoint } = await graphql<{
        webhookEndpoint: {
          deliveries: { edges: Array<{ node: { eventId: string; state: string; attempts: Array<{ statusCode: number }> } }> };
        };
      }>(
        `
          query ($id: ID!) {
            webhookEndpoint(id: $id) {
              deliveries(first: 20) {
                edges {
                  node {
                    eventId
                    state
                    attempts {
                      statusCode
                    }
                  }
                }
              }
            }
          }
        `,
        {
          id: endpoint.id,
        },
      );
      const nodes = webhookEndpoint.deliveries.edges.map((e) => e.node);
      return nodes.length === FORWARD.length && nodes.every((n) => n.state === "DELIVERED") ? nodes : null;
    },
    { message: "eight DELIVERED deliveries in the log" },
  );
  expect(log.map((n) => n.eventId).reverse()).toEqual(events.map((e) => e.id));
  expect(log.every((n) => n.attempts.length === 1 && n.attempts[0]!.statusCode === 200)).toBe(true);
});

it("sends video.playable for a chunked video, between its ENCODING and ENCODED, to an endpoint that asked for it", async () => {
  const wanted = ["video.encoding", "video.playable", "video.encoded", "video.ready"];
  const { secret } = await createWebhookEndpoint(`${receiver.url}/chunked`, wanted);

  const id = await uploadClip(14);

  await waitFor(() => receiver.accepted("/chunked").some((e) => e.data.videoId === id && e.type === "video.ready"), {
    timeoutMs: 150_000,
    intervalMs: 200,
    message: "video.ready of the chunked video at the receiver",
  });
  const events = receiver.accepted("/chunked").filter((e) => e.data.videoId === id);
  expect(events.map((e) => e.type)).toEqual(wanted);
  const playable = events[1]!;
  expect(playable.data).toEqual({ videoId: id, status: "ENCODING", previousStatus: null, error: null });
  expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
  for (const delivery of receiver.at("/chunked"))
    expect(verifyWebhookSignature({ secret, body: delivery.body, header: delivery.signature })).toBe(true);

  // Becoming playable is a webhook event, not a status change: the video's history lists the statuses only.
  const { video } = await graphql<{ video: { history: Array<{ to: string }> } }>(
    `
      query ($id: ID!) {
        video(id: $id) {
          history {
            to
          }
        }
      }
    `,
    { id },
  );
  expect(video.history.map((h) => h.to)).toEqual(FORWARD);
});
