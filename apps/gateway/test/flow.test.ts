import { createReadStream } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parsePlaybackKeys, parsePlaybackPath, playbackPath, signPlaybackToken } from "@aq/platform/playback";
import {
  freePort,
  makeTestClip,
  startPipelineServices,
  startServiceProcess,
  waitFor,
  type PipelineServices,
  type RunningService,
} from "@aq/devkit";
import { createClient } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { startInfrastructure, TEST_API_KEY, TEST_SIGNING_KEYS, type Infrastructure } from "./harness.js";

interface Progress {
  status: string;
  percent: number;
}

/** The URIs a playlist refers to (every line that is not a tag or blank). */
function playlistUris(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));
}

/** SIGTERM, then the exit code (the gateway's graceful stop). */
function stopGateway(process: RunningService): Promise<number | null> {
  const { child } = process;
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once("exit", (code) => resolve(code));
    child.kill("SIGTERM");
  });
}

describe("direct upload to playback, with the real services and the gateway as processes", () => {
  let infra: Infrastructure;
  let scratch: string;
  let services: PipelineServices | undefined;
  let gatewayProcess: RunningService | undefined;
  let gatewayUrl: string;

  async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await fetch(`${gatewayUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TEST_API_KEY}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: T; errors?: unknown[] };
    if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
    return body.data!;
  }

  beforeAll(async () => {
    infra = await startInfrastructure();
    scratch = await mkdtemp(join(tmpdir(), "aq-gateway-flow-"));
    const env = {
      ...infra.env,
      WORK_DIR: join(scratch, "work"),
      // A small clip: let a 360p source through so the ladder stays cheap to encode.
      LADDER_ALLOW_SMALLER_SOURCES: "true",
      X264_PRESET: "ultrafast",
      ENCODE_DISK_RESERVE_BYTES: "0",
      NATS_ACK_WAIT_SECONDS: "10",
      // The sourceUrl test serves its clip from a loopback HTTP server.
      SOURCE_URL_ALLOW_PRIVATE: "true",
    };
    const port = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    [services, gatewayProcess] = await Promise.all([
      startPipelineServices(env, { logDir: join(scratch, "logs") }),
      startServiceProcess(
        "gateway",
        { ...env, GATEWAY_PORT: String(port), API_KEYS: TEST_API_KEY, PLAYBACK_SIGNING_KEYS: TEST_SIGNING_KEYS },
        { logDir: join(scratch, "logs") },
      ),
    ]);
  });

  afterAll(async () => {
    await Promise.all([services?.stop(), gatewayProcess && stopGateway(gatewayProcess)]);
    await infra?.stop();
    await rm(scratch, { recursive: true, force: true });
  });

  it("uploads, follows progress to READY and plays every playlist and the first and last segments", async () => {
    const clip = join(scratch, "clip.mp4");
    await makeTestClip(clip, { seconds: 6, width: 640, height: 360, fps: 24 });
    const size = (await stat(clip)).size;

    const { createVideo } = await graphql<{
      createVideo: {
        video: { id: string; status: string };
        upload: { url: string; method: string; headers: Array<{ name: string; value: string }> };
      };
    }>(
      `
        mutation ($input: CreateVideoInput!) {
          createVideo(input: $input) {
            video {
              id
              status
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
      { input: { title: "flow", upload: { filename: "clip.mp4", contentType: "video/mp4", sizeBytes: size } } },
    );
    const id = createVideo.video.id;
    expect(createVideo.video.status).toBe("AWAITING_UPLOAD");

    const put = await fetch(createVideo.upload.url, {
      method: createVideo.upload.method,
      headers: Object.fromEntries(createVideo.upload.headers.map((h) => [h.name, h.value])),
      body: await readFile(clip),
    });
    expect(put.status).toBe(200);

    const client = createClient({
      url: `${gatewayUrl.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${TEST_API_KEY}` },
      retryAttempts: 0,
    });
    const events: Progress[] = [];
    const errors: unknown[] = [];
    let firstEvent!: () => void;
    const subscribed = new Promise<void>((resolve) => (firstEvent = resolve));
    const completed = new Promise<void>((resolve) => {
      client.subscribe<{ videoProgress: Progress }>(
        { query: `subscription($id: ID!) { videoProgress(id: $id) { status percent } }`, variables: { id } },
        {
          next: (result) => {
            if (result.data) events.push(result.data.videoProgress);
            if (result.errors) errors.push(...result.errors);
            firstEvent();
          },
          error: (error) => {
            errors.push(error);
            resolve();
          },
          complete: resolve,
        },
      );
    });
    try {
      await subscribed;
      const { completeVideoUpload } = await graphql<{ completeVideoUpload: { status: string } }>(
        `
          mutation ($id: ID!) {
            completeVideoUpload(id: $id) {
              status
            }
          }
        `,
        { id },
      );
      expect(completeVideoUpload.status).toBe("UPLOADED");
      await completed;
    } finally {
      await client.dispose();
    }

    expect(errors).toEqual([]);
    const statuses = events.map((e) => e.status).filter((s, i, all) => s !== all[i - 1]);
    expect(statuses).toEqual(["AWAITING_UPLOAD", "UPLOADED", "PROBING", "PROBED", "ENCODING", "ENCODED", "UPLOADING", "READY"]);
    const encoding = events.filter((e) => e.status === "ENCODING").map((e) => e.percent);
    expect(encoding.some((p) => p > 0)).toBe(true);
    expect(encoding).toEqual([...encoding].sort((a, b) => a - b));
    expect(events.at(-1)).toEqual({ status: "READY", percent: 100 });

    const { video } = await graphql<{ video: { playbackUrl: string; renditions: Array<{ name: string }> } }>(
      `
        query ($id: ID!) {
          video(id: $id) {
            playbackUrl(expiresInSeconds: 600)
            renditions {
              name
            }
          }
        }
      `,
      { id },
    );
    expect(video.renditions.length).toBeGreaterThan(0);
    const masterUrl = new URL(video.playbackUrl);
    expect(masterUrl.origin).toBe(gatewayUrl);
    const origin = { origin: "https://site.example" };

    const master = await fetch(masterUrl, { headers: origin });
    expect(master.status).toBe(200);
    expect(master.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
    expect(master.headers.get("access-control-allow-origin")).toBe("*");
    const variants = playlistUris(await master.text());
    expect(variants).toHaveLength(video.renditions.length);
    let fetched = 0;
    for (const variant of variants) {
      const variantUrl = new URL(variant, masterUrl);
      const playlist = await fetch(variantUrl, { headers: origin });
      expect(playlist.status).toBe(200);
      expect(playlist.headers.get("content-type")).toBe("application/vnd.apple.mpegurl");
      expect(playlist.headers.get("access-control-allow-origin")).toBe("*");
      const segments = playlistUris(await playlist.text());
      expect(segments.length).toBeGreaterThan(0);
      for (const segment of new Set([segments[0]!, segments.at(-1)!])) {
        const res = await fetch(new URL(segment, variantUrl), { headers: origin });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("video/mp2t");
        expect(res.headers.get("access-control-allow-origin")).toBe("*");
        expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(0);
        fetched++;
      }
    }
    expect(fetched).toBeGreaterThanOrEqual(variants.length);

    // A tampered token, an expired one and a token for another video are all refused.
    const parsed = parsePlaybackPath(masterUrl.pathname)!;
    const signature = parsed.token.split(".")[1]!;
    const tampered = masterUrl.pathname.replace(signature, (signature[0] === "A" ? "B" : "A") + signature.slice(1));
    expect((await fetch(new URL(tampered, gatewayUrl))).status).toBe(403);
    const keyring = parsePlaybackKeys(TEST_SIGNING_KEYS);
    const past = Math.floor(Date.now() / 1000) - 1;
    const expired = playbackPath(id, past, await signPlaybackToken(keyring, id, past));
    expect((await fetch(new URL(expired, gatewayUrl))).status).toBe(403);
    const otherToken = await signPlaybackToken(keyring, "some-other-video", parsed.expiry);
    expect((await fetch(new URL(playbackPath(id, parsed.expiry, otherToken), gatewayUrl))).status).toBe(403);
  });

  it("takes a source URL from a loopback server (allowed in this configuration) to READY", async () => {
    const clip = join(scratch, "from-url.mp4");
    await makeTestClip(clip, { seconds: 6, width: 640, height: 360, fps: 25, audio: "none" });
    const server = createServer((req, res) => {
      if (req.url !== "/media/from-url.mp4") {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "video/mp4" });
      createReadStream(clip).pipe(res);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const sourceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/media/from-url.mp4`;
      const { createVideo } = await graphql<{ createVideo: { video: { id: string; status: string } } }>(
        `
          mutation ($input: CreateVideoInput!) {
            createVideo(input: $input) {
              video {
                id
                status
              }
            }
          }
        `,
        { input: { title: "from a URL", sourceUrl } },
      );
      expect(createVideo.video.status).toBe("UPLOADED");
      const id = createVideo.video.id;
      const video = await waitFor(
        async () => {
          const { video } = await graphql<{ video: { status: string; playbackUrl: string | null; durationSeconds: number | null } }>(
            `
              query ($id: ID!) {
                video(id: $id) {
                  status
                  playbackUrl
                  durationSeconds
                }
              }
            `,
            { id },
          );
          if (!["UPLOADED", "PROBING", "PROBED", "ENCODING", "ENCODED", "UPLOADING"].includes(video.status)) return video;
          return null;
        },
        { timeoutMs: 240_000, intervalMs: 250, message: "the URL source to finish" },
      );
      expect(video.status).toBe("READY");
      expect(video.durationSeconds).toBeCloseTo(6, 0);
      const master = await fetch(video.playbackUrl!);
      expect(master.status).toBe(200);
      expect(playlistUris(await master.text()).length).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("stops cleanly on SIGTERM", async () => {
    const running = gatewayProcess!;
    gatewayProcess = undefined;
    expect(await stopGateway(running)).toBe(0);
    expect(await readFile(running.logFile, "utf8")).toMatch(/"msg":"stopped"/);
  });
});
