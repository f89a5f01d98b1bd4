import { request } from "node:http";
import { gunzipSync } from "node:zlib";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { insertVideo } from "@aq/platform/db";
import { parsePlaybackKeys, playbackPath, signPlaybackToken } from "@aq/platform/playback";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInfrastructure, startTestGateway, TEST_SIGNING_KEYS, type Infrastructure, type TestGateway } from "./harness.js";

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request with the path exactly as given (fetch would normalise `..` away before sending). */
function raw(base: string, path: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: options.method ?? "GET", headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const MASTER = "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360\n360p.m3u8\n";
const VARIANT = "#EXTM3U\n#EXT-X-TARGETDURATION:6\n#EXTINF:6.0,\nsegments/360p_000.ts\n#EXT-X-ENDLIST\n";
const SEGMENT = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 256));

describe("playback route", () => {
  let infra: Infrastructure;
  let gw: TestGateway;
  const keyring = parsePlaybackKeys(TEST_SIGNING_KEYS);
  const videoA = `play-a-${Date.now()}`;
  const videoB = `play-b-${Date.now()}`;
  const pending = `play-pending-${Date.now()}`;
  const hour = () => Math.floor(Date.now() / 1000) + 3600;

  async function pathFor(videoId: string, file: string, expiry = hour()): Promise<string> {
    return playbackPath(videoId, expiry, await signPlaybackToken(keyring, videoId, expiry), file);
  }

  beforeAll(async () => {
    infra = await startInfrastructure();
    gw = await startTestGateway(infra);
    for (const id of [videoA, videoB, pending]) {
      await insertVideo(gw.db, {
        id,
        status: id === pending ? "encoding" : "ready",
        sourceKind: "upload",
        sourceLocation: `uploads/${id}/source`,
      });
      const files: Array<[string, string | Buffer, string]> = [
        ["master.m3u8", MASTER, "application/vnd.apple.mpegurl"],
        ["360p.m3u8", VARIANT, "application/vnd.apple.mpegurl"],
        ["segments/360p_000.ts", SEGMENT, "video/mp2t"],
      ];
      for (const [file, body, contentType] of files) {
        await gw.storage.client.send(
          new PutObjectCommand({ Bucket: gw.storage.bucket, Key: `videos/${id}/${file}`, Body: body, ContentType: contentType }),
        );
      }
    }
  });

  afterAll(async () => {
    await gw?.stop();
    await infra?.stop();
  });

  it("serves the master playlist with its content type, CORS and no-cache (playlists grow while chunks are encoded)", async () => {
    const expiry = Math.floor(Date.now() / 1000) + 30;
    const res = await raw(gw.url, await pathFor(videoA, "master.m3u8", expiry), { headers: { origin: "https://player.example" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/vnd.apple.mpegurl");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.body.toString()).toBe(MASTER);
  });

  it("gzips playlists for clients that accept it", async () => {
    const res = await raw(gw.url, await pathFor(videoA, "360p.m3u8"), { headers: { "accept-encoding": "gzip, deflate" } });
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(res.headers.vary).toBe("Accept-Encoding");
    expect(gunzipSync(res.body).toString()).toBe(VARIANT);
  });

  it("follows relative URIs under the same token, segments as video/mp2t", async () => {
    const master = await pathFor(videoA, "master.m3u8");
    const variant = new URL("360p.m3u8", `http://x${master}`).pathname;
    const segment = new URL("segments/360p_000.ts", `http://x${variant}`).pathname;
    const res = await raw(gw.url, segment);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("video/mp2t");
    expect(res.headers["content-length"]).toBe(String(SEGMENT.length));
    expect(res.headers["accept-ranges"]).toBe("bytes");
    // Immutable segments would be cached for a year, but never beyond the token's hour.
    expect(res.headers["cache-control"]).toMatch(/^public, max-age=(3599|3600)$/);
    expect(res.body.equals(SEGMENT)).toBe(true);
  });

  it("serves byte ranges", async () => {
    const path = await pathFor(videoA, "segments/360p_000.ts");
    const res = await raw(gw.url, path, { headers: { range: "bytes=100-199" } });
    expect(res.status).toBe(206);
    expect(res.headers["content-range"]).toBe(`bytes 100-199/${SEGMENT.length}`);
    expect(res.headers["content-length"]).toBe("100");
    expect(res.body.equals(SEGMENT.subarray(100, 200))).toBe(true);
    // (Suffix ranges, "bytes=-10", are passed on too, but s3rver serves them from the start.)
    const open = await raw(gw.url, path, { headers: { range: `bytes=${SEGMENT.length - 10}-` } });
    expect(open.status).toBe(206);
    expect(open.body.equals(SEGMENT.subarray(-10))).toBe(true);
    const beyond = await raw(gw.url, path, { headers: { range: `bytes=${SEGMENT.length + 10}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers["content-range"]).toBe(`bytes */${SEGMENT.length}`);
  });

  it("answers HEAD, conditional GET and CORS preflight", async () => {
    const path = await pathFor(videoA, "segments/360p_000.ts");
    const head = await raw(gw.url, path, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers["content-length"]).toBe(String(SEGMENT.length));
    expect(head.body.length).toBe(0);

    const first = await raw(gw.url, path);
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    expect((await raw(gw.url, path, { headers: { "if-none-match": etag } })).status).toBe(304);

    const preflight = await raw(gw.url, path, {
      method: "OPTIONS",
      headers: { origin: "https://player.example", "access-control-request-headers": "range" },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers["access-control-allow-origin"]).toBe("*");
    expect(preflight.headers["access-control-allow-headers"]).toBe("Range");
    expect((await raw(gw.url, path, { method: "POST" })).status).toBe(405);
  });

  it("refuses a tampered or expired token with 403", async () => {
    const path = await pathFor(videoA, "master.m3u8");
    const [, , expiry, token] = path.split("/");
    const flipped = token!.slice(0, -3) + (token!.at(-3) === "A" ? "B" : "A") + token!.slice(-2);
    const tampered = await raw(gw.url, path.replace(token!, flipped));
    expect(tampered.status).toBe(403);
    expect(tampered.body.toString()).toMatch(/not valid/);
    const laterExpiry = await raw(gw.url, path.replace(`/${expiry}/`, `/${Number(expiry) + 1}/`));
    expect(laterExpiry.status).toBe(403);
    const past = Math.floor(Date.now() / 1000) - 5;
    const expired = await raw(gw.url, await pathFor(videoA, "master.m3u8", past));
    expect(expired.status).toBe(403);
    expect(expired.body.toString()).toMatch(/expired/);
    const otherKey = parsePlaybackKeys("test1:some-other-secret-that-is-long-enough-000");
    const forged = playbackPath(videoA, hour(), await signPlaybackToken(otherKey, videoA, hour()), "master.m3u8");
    expect((await raw(gw.url, forged)).status).toBe(403);
  });

  it("does not let one video's token reach another video's files", async () => {
    const pathA = await pathFor(videoA, "master.m3u8");
    const crossed = pathA.replace(`/${videoA}/`, `/${videoB}/`);
    expect((await raw(gw.url, crossed)).status).toBe(403);
    expect((await raw(gw.url, pathA.replace("/master.m3u8", `/../${videoB}/master.m3u8`))).status).toBe(400);
    expect((await raw(gw.url, pathA.replace("/master.m3u8", `/%2e%2e/${videoB}/master.m3u8`))).status).toBe(400);
    expect((await raw(gw.url, pathA.replace("/master.m3u8", `/segments/..%2F..%2F${videoB}%2Fmaster.m3u8`))).status).toBe(400);
  });

  it("answers 404 for an unknown video, one that is not ready, and a missing file", async () => {
    expect((await raw(gw.url, await pathFor("never-created", "master.m3u8"))).status).toBe(404);
    expect((await raw(gw.url, await pathFor(pending, "master.m3u8"))).status).toBe(404);
    expect((await raw(gw.url, await pathFor(videoA, "720p.m3u8"))).status).toBe(404);
  });

  it("never redirects", async () => {
    const paths = [await pathFor(videoA, "master.m3u8"), await pathFor(videoA, "nope.ts"), "/v/1/x.y/z/master.m3u8"];
    for (const path of paths) {
      const res = await raw(gw.url, path);
      expect(res.status < 300 || (res.status >= 400 && res.status < 500)).toBe(true);
      expect(res.headers.location).toBeUndefined();
    }
  });
});
