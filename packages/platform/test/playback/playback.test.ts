import { describe, expect, it } from "vitest";
import { isSingleByteRange, playbackCacheControl, playbackContentType } from "../../src/playback/headers.js";
import { parsePlaybackKeys } from "../../src/playback/keys.js";
import { parsePlaybackPath, playbackPath } from "../../src/playback/path.js";
import { signPlaybackToken, verifyPlaybackToken } from "../../src/playback/token.js";
import { cacheableExpiry, EXPIRY_WINDOW_SECONDS, signPlaybackFileUrl, signPlaybackUrl } from "../../src/playback/url.js";

const secretA = "a".repeat(32) + "-first-secret";
const secretB = "b".repeat(32) + "-second-secret";
const ring = parsePlaybackKeys(`k1:${secretA}`);
const now = 1_800_000_000;

describe("playback keys", () => {
  it("signs with the first key and verifies with all", () => {
    const both = parsePlaybackKeys(`k2:${secretB}, k1:${secretA}`);
    expect(both.signingKey.id).toBe("k2");
    expect([...both.keys.keys()]).toEqual(["k2", "k1"]);
  });

  it.each([
    ["", /at least one/],
    ["nocolon", /kid:secret/],
    ["bad.kid:" + secretA, /kid:secret/],
    ["k1:short", /at least 32 characters/],
    [`k1:${secretA},k1:${secretB}`, /listed twice/],
  ])("refuses %j", (spec, message) => {
    expect(() => parsePlaybackKeys(spec)).toThrow(message);
  });

  it("never puts a secret in an error", () => {
    const secret = "s".repeat(20);
    expect(() => parsePlaybackKeys(`k1:${secret}`)).toThrow(expect.objectContaining({ message: expect.not.stringContaining(secret) }));
  });
});

describe("playback tokens", () => {
  it("accepts its own token until the expiry", async () => {
    const token = await signPlaybackToken(ring, "video-1", now + 60);
    expect(token).toMatch(/^k1\.[A-Za-z0-9_-]{43}$/);
    expect(await verifyPlaybackToken(ring, "video-1", now + 60, token, now)).toEqual({ ok: true, keyId: "k1" });
    expect(await verifyPlaybackToken(ring, "video-1", now + 60, token, now + 60)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a token for another video or another expiry", async () => {
    const token = await signPlaybackToken(ring, "video-1", now + 60);
    expect(await verifyPlaybackToken(ring, "video-2", now + 60, token, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verifyPlaybackToken(ring, "video-1", now + 61, token, now)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("refuses a tampered signature", async () => {
    const token = await signPlaybackToken(ring, "video-1", now + 60);
    const last = token.at(-2) === "A" ? "B" : "A";
    const tampered = token.slice(0, -2) + last + token.slice(-1);
    expect(await verifyPlaybackToken(ring, "video-1", now + 60, tampered, now)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it("reports a forged token as forged even when it has expired", async () => {
    const forged = await signPlaybackToken(parsePlaybackKeys(`k1:${secretB}`), "video-1", now - 10);
    expect(await verifyPlaybackToken(ring, "video-1", now - 10, forged, now)).toEqual({ ok: false, reason: "bad_signature" });
  });

  it.each(["", "k1", "k1.", "k1.!!!", "k1." + "A".repeat(42), ".abc"])("refuses malformed token %j", async (token) => {
    expect(await verifyPlaybackToken(ring, "video-1", now + 60, token, now)).toEqual({ ok: false, reason: "malformed" });
  });

  it("keeps old tokens valid across a key rotation, and refuses them once the key is retired", async () => {
    const oldToken = await signPlaybackToken(ring, "video-1", now + 60);
    const rotated = parsePlaybackKeys(`k2:${secretB},k1:${secretA}`);
    const newToken = await signPlaybackToken(rotated, "video-1", now + 60);
    expect(newToken.startsWith("k2.")).toBe(true);
    expect(await verifyPlaybackToken(rotated, "video-1", now + 60, oldToken, now)).toEqual({ ok: true, keyId: "k1" });
    expect(await verifyPlaybackToken(rotated, "video-1", now + 60, newToken, now)).toEqual({ ok: true, keyId: "k2" });
    const retired = parsePlaybackKeys(`k2:${secretB}`);
    expect(await verifyPlaybackToken(retired, "video-1", now + 60, oldToken, now)).toEqual({ ok: false, reason: "unknown_key" });
  });

  it("refuses to sign for something that is not a video id", async () => {
    await expect(signPlaybackToken(ring, "../x", now + 60)).rejects.toThrow(/not a video id/);
  });
});

describe("playback paths", () => {
  it("round-trips a signed URL", async () => {
    const { url, expiresAt } = await signPlaybackUrl(ring, "https://cdn.example.com/", "video-1", 300, now);
    expect(expiresAt.getTime()).toBe((now + 300) * 1000);
    const parsed = parsePlaybackPath(new URL(url).pathname);
    expect(parsed).toMatchObject({ expiry: now + 300, videoId: "video-1", path: "master.m3u8", key: "videos/video-1/master.m3u8" });
    expect(await verifyPlaybackToken(ring, "video-1", now + 300, parsed!.token, now)).toMatchObject({ ok: true });
  });

  it("gives a file the same URL within an hour and a new one across the boundary", async () => {
    // `now` is on an hour boundary: requests up to its next boundary share one expiry.
    expect(now % EXPIRY_WINDOW_SECONDS).toBe(0);
    const sign = (at: number) => signPlaybackFileUrl(ring, "https://cdn.example.com", "video-1", "images/poster.jpg", 3600, at);
    const first = await sign(now + 1);
    expect((await sign(now + 1800)).url).toBe(first.url);
    expect((await sign(now + 3600)).url).toBe(first.url);
    const next = await sign(now + 3601);
    expect(next.url).not.toBe(first.url);
    expect(next.expiresAt.getTime() - first.expiresAt.getTime()).toBe(3600 * 1000);

    // Still a token like any other: valid until its (rounded) expiry, then refused; a changed byte is refused.
    const parsed = parsePlaybackPath(new URL(first.url).pathname)!;
    expect(parsed.expiry).toBe(now + 2 * 3600);
    expect(await verifyPlaybackToken(ring, "video-1", parsed.expiry, parsed.token, now + 3600)).toMatchObject({ ok: true });
    expect(await verifyPlaybackToken(ring, "video-1", parsed.expiry, parsed.token, parsed.expiry)).toEqual({
      ok: false,
      reason: "expired",
    });
    const tampered = parsed.token.slice(0, -1) + (parsed.token.endsWith("A") ? "B" : "A");
    expect(await verifyPlaybackToken(ring, "video-1", parsed.expiry, tampered, now)).toEqual({ ok: false, reason: "bad_signature" });
    expect(await verifyPlaybackToken(ring, "video-1", parsed.expiry + 3600, parsed.token, now)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  });

  it.each([
    // [seconds past a boundary, lifetime asked for]
    [0, 60],
    [59, 60],
    [1, 3600],
    [3599, 3600],
    [1234, 6 * 3600],
    [10, 7 * 24 * 3600],
  ])("rounds up: a file link asked for at +%is with %is lives at least that and less than one window more", (offset, lifetime) => {
    const at = now + offset;
    const expiry = cacheableExpiry(at, lifetime);
    const window = Math.min(EXPIRY_WINDOW_SECONDS, lifetime);
    expect(expiry % window).toBe(0);
    expect(expiry - at).toBeGreaterThanOrEqual(lifetime);
    expect(expiry - at).toBeLessThan(lifetime + window);
  });

  it("signs the master playlist for exactly the lifetime asked for", async () => {
    expect((await signPlaybackUrl(ring, "https://cdn.example.com", "video-1", 300, now + 7)).expiresAt.getTime()).toBe((now + 307) * 1000);
  });

  it("maps nested segment paths under the video's prefix", () => {
    expect(parsePlaybackPath(playbackPath("v1", 123, "k1.abc", "segments/720p_000.ts"))?.key).toBe("videos/v1/segments/720p_000.ts");
  });

  it.each([
    "/v/123/k1.abc/v1/../v2/master.m3u8",
    "/v/123/k1.abc/v1/..",
    "/v/123/k1.abc/v1/segments/..%2F..%2Fv2%2Fmaster.m3u8",
    "/v/123/k1.abc/v1/%2e%2e/master.m3u8",
    "/v/123/k1.abc/v1/.hidden",
    "/v/123/k1.abc/v1//master.m3u8",
    "/v/123/k1.abc/v1/",
    "/v/123/k1.abc/v1",
    "/v/0123/k1.abc/v1/master.m3u8",
    "/v/abc/k1.abc/v1/master.m3u8",
    "/v/123/nokid/v1/master.m3u8",
    "/v/123/k1.abc/bad.id/master.m3u8",
    "/x/123/k1.abc/v1/master.m3u8",
  ])("refuses %s", (path) => {
    expect(parsePlaybackPath(path)).toBeNull();
  });
});

describe("playback response headers", () => {
  it("never lets a cache keep a file beyond the token's expiry", () => {
    expect(playbackCacheControl("videos/v/segments/360p_000.ts", now + 10 * 365 * 86400, now)).toBe("public, max-age=31536000, immutable");
    expect(playbackCacheControl("videos/v/segments/360p_000.ts", now + 120, now)).toBe("public, max-age=120");
    // Playlists are revalidated on every use (a chunked encode's EVENT playlists grow).
    expect(playbackCacheControl("videos/v/master.m3u8", now + 3600, now)).toBe("no-cache");
    expect(playbackCacheControl("videos/v/master.m3u8", now - 5, now)).toBe("no-cache");
    // Images a day at most, and never past the token: a poster's URL changes with each hour's expiry anyway.
    expect(playbackCacheControl("videos/v/images/poster.jpg", now + 3 * 86400, now)).toBe("public, max-age=86400");
    expect(playbackCacheControl("videos/v/images/poster.jpg", now + 5400, now)).toBe("public, max-age=5400");
    expect(playbackCacheControl("videos/v/images/storyboard.vtt", now + 5400, now)).toBe("no-cache");
  });

  it("uses the HLS types for HLS files and the stored type otherwise", () => {
    expect(playbackContentType("videos/v/master.m3u8", "binary/octet-stream")).toBe("application/vnd.apple.mpegurl");
    expect(playbackContentType("videos/v/segments/a.ts", undefined)).toBe("video/mp2t");
    expect(playbackContentType("videos/v/poster.jpg", "image/jpeg")).toBe("image/jpeg");
    expect(playbackContentType("videos/v/unknown.bin", undefined)).toBe("application/octet-stream");
  });

  it.each([
    ["bytes=0-99", true],
    ["bytes=100-", true],
    ["bytes=-10", true],
    ["bytes=0-1,5-9", false],
    ["items=0-1", false],
    [undefined, false],
  ])("treats %j as a single byte range: %s", (header, expected) => {
    expect(isSingleByteRange(header)).toBe(expected);
  });
});
