import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { storageEnv } from "@aq/config";
import { parsePlaybackKeys, playbackPath, signPlaybackToken } from "@aq/platform/playback";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorker } from "../src/bundle.js";

const SIGNING_KEYS = "edge1:edge-worker-test-secret-0123456789abcdef";
const MASTER = "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=900000,RESOLUTION=640x360\n360p.m3u8\n";
const SEGMENT = new Uint8Array(Array.from({ length: 4096 }, (_, i) => i % 256));
const ORIGIN = "https://edge.example";

describe("edge worker in the Workers runtime (workerd via Miniflare) with a local R2 bucket", () => {
  let mf: Miniflare;
  let scratch: string;
  const keyring = parsePlaybackKeys(SIGNING_KEYS);
  const hour = () => Math.floor(Date.now() / 1000) + 3600;

  async function url(videoId: string, file: string, expiry = hour(), ring = keyring): Promise<string> {
    return `${ORIGIN}${playbackPath(videoId, expiry, await signPlaybackToken(ring, videoId, expiry), file)}`;
  }

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "aq-edge-"));
    const script = join(scratch, "worker.js");
    await bundleWorker(script);
    mf = new Miniflare({
      modules: true,
      scriptPath: script,
      modulesRoot: scratch,
      compatibilityDate: "2025-07-18",
      r2Buckets: ["BUCKET"],
      bindings: { PLAYBACK_SIGNING_KEYS: SIGNING_KEYS },
    });
    const bucket = await mf.getR2Bucket("BUCKET");
    for (const id of ["video-a", "video-b"]) {
      await bucket.put(`videos/${id}/master.m3u8`, MASTER, { httpMetadata: { contentType: "application/vnd.apple.mpegurl" } });
      await bucket.put(`videos/${id}/segments/360p_000.ts`, SEGMENT, { httpMetadata: { contentType: "video/mp2t" } });
    }
  });

  afterAll(async () => {
    await mf?.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  it("serves a playlist with the HLS content type, CORS and gzip (over the runtime's own HTTP port)", async () => {
    // dispatchFetch hides Content-Encoding, so this goes through a plain HTTP request.
    const address = await mf.ready;
    const target = new URL(new URL(await url("video-a", "master.m3u8")).pathname, address);
    const res = await new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
      const req = request(target, { headers: { "accept-encoding": "gzip" } }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/vnd.apple.mpegurl");
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(res.body).toString()).toBe(MASTER);
  });

  it("serves segments whole and by range, and answers HEAD and conditional requests", async () => {
    const segment = await url("video-a", "segments/360p_000.ts");
    const whole = await mf.dispatchFetch(segment);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("video/mp2t");
    expect(whole.headers.get("content-length")).toBe(String(SEGMENT.length));
    expect(whole.headers.get("cache-control")).toMatch(/^public, max-age=(3599|3600)$/);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(SEGMENT);

    const part = await mf.dispatchFetch(segment, { headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${SEGMENT.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(SEGMENT.subarray(100, 200));

    const tail = await mf.dispatchFetch(segment, { headers: { range: "bytes=-10" } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get("content-range")).toBe(`bytes ${SEGMENT.length - 10}-${SEGMENT.length - 1}/${SEGMENT.length}`);
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(SEGMENT.subarray(-10));

    const beyond = await mf.dispatchFetch(segment, { headers: { range: `bytes=${SEGMENT.length + 10}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("content-range")).toBe(`bytes */${SEGMENT.length}`);
    await beyond.arrayBuffer();

    const head = await mf.dispatchFetch(segment, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("content-length")).toBe(String(SEGMENT.length));

    const etag = whole.headers.get("etag")!;
    const unchanged = await mf.dispatchFetch(segment, { headers: { "if-none-match": etag } });
    expect(unchanged.status).toBe(304);
    await unchanged.arrayBuffer();

    const preflight = await mf.dispatchFetch(segment, { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toBe("Range");
  });

  it("accepts the gateway's tokens and refuses tampered, expired and other videos' tokens", async () => {
    const good = await url("video-a", "master.m3u8");
    const path = new URL(good).pathname;
    const token = path.split("/")[3]!;
    const flipped = token.slice(0, -3) + (token.at(-3) === "A" ? "B" : "A") + token.slice(-2);
    const tampered = await mf.dispatchFetch(good.replace(token, flipped));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toMatch(/not valid/);

    const expired = await mf.dispatchFetch(await url("video-a", "master.m3u8", Math.floor(Date.now() / 1000) - 5));
    expect(expired.status).toBe(403);
    expect(await expired.text()).toMatch(/expired/);

    const crossed = await mf.dispatchFetch(good.replace("/video-a/", "/video-b/"));
    expect(crossed.status).toBe(403);
    await crossed.arrayBuffer();

    const otherSecret = parsePlaybackKeys("edge1:a-different-secret-that-is-long-enough-00");
    expect((await mf.dispatchFetch(await url("video-a", "master.m3u8", hour(), otherSecret))).status).toBe(403);
  });

  it("answers 404 for missing files and 400 for paths that are not playback paths", async () => {
    const missing = await mf.dispatchFetch(await url("video-a", "720p.m3u8"));
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
    const unknown = await mf.dispatchFetch(await url("never-uploaded", "master.m3u8"));
    expect(unknown.status).toBe(404);
    await unknown.arrayBuffer();
    const notPlayback = await mf.dispatchFetch(`${ORIGIN}/videos/video-a/master.m3u8`);
    expect(notPlayback.status).toBe(400);
    await notPlayback.arrayBuffer();
  });
  it("serves the poster, storyboard and caption files with their types, and a download as an attachment", async () => {
    const bucket = await mf.getR2Bucket("BUCKET");
    const files: Array<[string, string]> = [
      ["images/poster.jpg", "\xff\xd8\xff"],
      ["images/storyboard.vtt", "WEBVTT\n"],
      ["captions/en_000.vtt", "WEBVTT\n"],
      ["download/My-trip.mp4", "mp4 bytes"],
      ["captions/.upload-en", "1\n00:00:01,000 --> 00:00:02,000\nhi\n"],
    ];
    for (const [file, body] of files) await bucket.put(`videos/video-a/${file}`, body);
    const expected: Array<[string, string, string | null]> = [
      ["images/poster.jpg", "image/jpeg", null],
      ["images/storyboard.vtt", "text/vtt; charset=utf-8", null],
      ["captions/en_000.vtt", "text/vtt; charset=utf-8", null],
      ["download/My-trip.mp4", "video/mp4", 'attachment; filename="My-trip.mp4"'],
    ];
    for (const [file, contentType, disposition] of expected) {
      for (const method of ["GET", "HEAD"]) {
        const res = await mf.dispatchFetch(await url("video-a", file), { method });
        expect(res.status, file).toBe(200);
        expect(res.headers.get("content-type"), file).toBe(contentType);
        expect(res.headers.get("content-disposition"), file).toBe(disposition);
        await res.arrayBuffer();
      }
    }
    // A caption file waiting for completeCaptionUpload is not part of playback.
    const hidden = await mf.dispatchFetch(await url("video-a", "captions/.upload-en"));
    expect(hidden.status).toBe(400);
    await hidden.arrayBuffer();
  });

  it("answers 412 when If-Match or If-Unmodified-Since fails, and serves when they hold, for GET, ranged GET and HEAD", async () => {
    const segment = await url("video-b", "segments/360p_000.ts");
    const etag = (await mf.dispatchFetch(segment, { method: "HEAD" })).headers.get("etag")!;
    const otherTag = await mf.dispatchFetch(segment, { headers: { "if-match": '"not-the-etag"' } });
    expect(otherTag.status).toBe(412);
    await otherTag.arrayBuffer();
    const longAgo = await mf.dispatchFetch(segment, { headers: { "if-unmodified-since": "Mon, 01 Jan 2001 00:00:00 GMT" } });
    expect(longAgo.status).toBe(412);
    await longAgo.arrayBuffer();
    const sameTag = await mf.dispatchFetch(segment, { headers: { "if-match": etag } });
    expect(sameTag.status).toBe(200);
    expect(new Uint8Array(await sameTag.arrayBuffer())).toEqual(SEGMENT);

    // A range does not skip the preconditions (RFC 9110 13.2.2: they come before Range).
    const rangedOtherTag = await mf.dispatchFetch(segment, { headers: { range: "bytes=0-9", "if-match": '"not-the-etag"' } });
    expect(rangedOtherTag.status).toBe(412);
    await rangedOtherTag.arrayBuffer();
    const rangedSameTag = await mf.dispatchFetch(segment, { headers: { range: "bytes=0-9", "if-match": etag } });
    expect(rangedSameTag.status).toBe(206);
    expect(new Uint8Array(await rangedSameTag.arrayBuffer())).toEqual(SEGMENT.subarray(0, 10));
    const rangedCurrent = await mf.dispatchFetch(segment, { headers: { range: "bytes=0-9", "if-none-match": etag } });
    expect(rangedCurrent.status).toBe(304);
    await rangedCurrent.arrayBuffer();

    // HEAD answers as GET would.
    const head = (headers: Record<string, string>) => mf.dispatchFetch(segment, { method: "HEAD", headers });
    expect((await head({ "if-match": '"not-the-etag"' })).status).toBe(412);
    expect((await head({ "if-unmodified-since": "Mon, 01 Jan 2001 00:00:00 GMT" })).status).toBe(412);
    expect((await head({ "if-none-match": etag })).status).toBe(304);
    expect((await head({ "if-modified-since": new Date(Date.now() + 60_000).toUTCString() })).status).toBe(304);
    expect((await head({ "if-match": etag })).status).toBe(200);
    expect((await head({ "if-modified-since": "Mon, 01 Jan 2001 00:00:00 GMT" })).status).toBe(200);
  });

  it("serves ranges that run past the end with the range actually served", async () => {
    const segment = await url("video-b", "segments/360p_000.ts");
    const pastEnd = await mf.dispatchFetch(segment, { headers: { range: "bytes=4000-9999" } });
    expect(pastEnd.status).toBe(206);
    expect(pastEnd.headers.get("content-range")).toBe(`bytes 4000-${SEGMENT.length - 1}/${SEGMENT.length}`);
    expect(new Uint8Array(await pastEnd.arrayBuffer())).toEqual(SEGMENT.subarray(4000));

    const longSuffix = await mf.dispatchFetch(segment, { headers: { range: "bytes=-10000" } });
    expect(longSuffix.status).toBe(206);
    expect(longSuffix.headers.get("content-range")).toBe(`bytes 0-${SEGMENT.length - 1}/${SEGMENT.length}`);
    expect(new Uint8Array(await longSuffix.arrayBuffer())).toEqual(SEGMENT);
  });

  it("keeps segments in the edge cache (after the token check), but not playlists", async () => {
    const bucket = await mf.getR2Bucket("BUCKET");
    const key = "videos/video-c/segments/360p_000.ts";
    await bucket.put(key, SEGMENT, { httpMetadata: { contentType: "video/mp2t" } });
    await bucket.put("videos/video-c/master.m3u8", MASTER, { httpMetadata: { contentType: "application/vnd.apple.mpegurl" } });
    const segment = await url("video-c", "segments/360p_000.ts");
    const first = await mf.dispatchFetch(segment);
    expect(first.status).toBe(200);
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(SEGMENT);
    expect(await (await mf.dispatchFetch(await url("video-c", "master.m3u8"))).text()).toBe(MASTER);

    // Gone from the bucket: the segment now comes from the cache alone, the playlist does not.
    await bucket.delete([key, "videos/video-c/master.m3u8"]);
    const cached = await mf.dispatchFetch(segment);
    expect(cached.status).toBe(200);
    expect(cached.headers.get("content-type")).toBe("video/mp2t");
    expect(cached.headers.get("content-length")).toBe(String(SEGMENT.length));
    expect(cached.headers.get("access-control-allow-origin")).toBe("*");
    expect(cached.headers.get("cache-control")).toMatch(/^public, max-age=(3599|3600)$/);
    expect(new Uint8Array(await cached.arrayBuffer())).toEqual(SEGMENT);
    const playlist = await mf.dispatchFetch(await url("video-c", "master.m3u8"));
    expect(playlist.status).toBe(404);
    await playlist.arrayBuffer();

    // The cache is consulted only after the token: another secret's token is still refused.
    const forged = await mf.dispatchFetch(
      await url("video-c", "segments/360p_000.ts", hour(), parsePlaybackKeys("edge1:a-different-secret-that-is-long-enough-00")),
    );
    expect(forged.status).toBe(403);
    await forged.arrayBuffer();
  });

  it("binds the bucket the configuration names by default (wrangler.toml)", async () => {
    const toml = await readFile(new URL("../wrangler.toml", import.meta.url), "utf8");
    expect(/^bucket_name\s*=\s*"([^"]+)"/m.exec(toml)?.[1]).toBe(storageEnv.S3_BUCKET.parse(undefined));
  });
});
