import { PutObjectCommand } from "@aws-sdk/client-s3";
import { contentTypeFor, type VideoAssets } from "@aq/contracts";
import { insertVideo } from "@aq/platform/db";
import { parsePlaybackKeys, playbackPath, signPlaybackToken } from "@aq/platform/playback";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInfrastructure, startTestGateway, TEST_SIGNING_KEYS, type Infrastructure, type TestGateway } from "./harness.js";

const ASSETS: VideoAssets = {
  poster: { path: "images/poster.jpg", timeSeconds: 2, width: 1280, height: 720 },
  thumbnails: { times: [0, 2, 4, 6], width: 640, height: 360 },
  storyboard: { path: "images/storyboard.vtt", sheets: 1, columns: 4, rows: 1, tile: { width: 160, height: 90 } },
  download: { path: "download/My-trip.mp4", rendition: "720p", bytes: 2048 },
};
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
const FILES: Array<[string, string | Buffer]> = [
  ["images/poster.jpg", JPEG],
  ...[0, 1, 2, 3].map((i): [string, Buffer] => [`images/thumb_000${i}.jpg`, Buffer.concat([JPEG, Buffer.from([i])])]),
  ["images/storyboard_0.jpg", JPEG],
  ["images/storyboard.vtt", "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nstoryboard_0.jpg#xywh=0,0,160,90\n"],
  ["download/My-trip.mp4", Buffer.alloc(2048, 7)],
];

const FIELDS = `posterUrl storyboardUrl downloadUrl mp4Download thumbnailUrl(time: $time)`;
const QUERY = `query($id: ID!, $time: Float!) { video(id: $id) { ${FIELDS} } }`;

interface Urls {
  posterUrl: string | null;
  storyboardUrl: string | null;
  downloadUrl: string | null;
  mp4Download: boolean;
  thumbnailUrl: string | null;
}

describe("poster, thumbnail, storyboard and download URLs", () => {
  let infra: Infrastructure;
  let gw: TestGateway;
  const suffix = Date.now();
  const ready = `assets-ready-${suffix}`;
  const older = `assets-none-${suffix}`;
  const encoding = `assets-encoding-${suffix}`;

  async function urls(id: string, time = 0): Promise<Urls> {
    const result = await gw.graphql<{ video: Urls }>(QUERY, { id, time });
    expect(result.errors).toBeUndefined();
    return result.data!.video;
  }

  beforeAll(async () => {
    infra = await startInfrastructure();
    gw = await startTestGateway(infra);
    const base = { sourceKind: "upload" as const, sourceLocation: "uploads/x/source" };
    await insertVideo(gw.db, { ...base, id: ready, status: "ready", assets: ASSETS, mp4Download: true });
    await insertVideo(gw.db, { ...base, id: older, status: "ready" });
    await insertVideo(gw.db, { ...base, id: encoding, status: "encoding", assets: ASSETS, mp4Download: true });
    for (const id of [ready, encoding]) {
      for (const [file, body] of FILES) {
        const key = `videos/${id}/${file}`;
        await gw.storage.client.send(
          new PutObjectCommand({ Bucket: gw.storage.bucket, Key: key, Body: body, ContentType: contentTypeFor(key) }),
        );
      }
    }
  });

  afterAll(async () => {
    await gw?.stop();
    await infra?.stop();
  });

  it("signs each file of a READY video, served through the playback route with its content type", async () => {
    const video = await urls(ready, 4.9);
    expect(video.mp4Download).toBe(true);
    const poster = await fetch(video.posterUrl!);
    expect(poster.status).toBe(200);
    expect(poster.headers.get("content-type")).toBe("image/jpeg");
    expect(Buffer.from(await poster.arrayBuffer())).toEqual(JPEG);

    // 4.9 s is nearest the thumbnail at 4 s.
    expect(video.thumbnailUrl).toMatch(new RegExp(`/${ready}/images/thumb_0002\\.jpg$`));
    const thumbnail = await fetch(video.thumbnailUrl!);
    expect(Buffer.from(await thumbnail.arrayBuffer())).toEqual(Buffer.concat([JPEG, Buffer.from([2])]));
    expect((await urls(ready, 1000)).thumbnailUrl).toMatch(/thumb_0003\.jpg$/);

    const storyboard = await fetch(video.storyboardUrl!);
    expect(storyboard.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    const sprite = /^(storyboard_0\.jpg)#xywh=/m.exec(await storyboard.text())![1]!;
    // The sprite's name is relative to the VTT, so it resolves under the same signed path.
    const sheet = await fetch(new URL(sprite, video.storyboardUrl!));
    expect(sheet.status).toBe(200);
    expect(sheet.headers.get("content-type")).toBe("image/jpeg");

    const download = await fetch(video.downloadUrl!);
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("video/mp4");
    expect(download.headers.get("content-disposition")).toBe('attachment; filename="My-trip.mp4"');
    expect((await download.arrayBuffer()).byteLength).toBe(2048);
    const head = await fetch(video.downloadUrl!, { method: "HEAD" });
    expect(head.headers.get("content-disposition")).toBe('attachment; filename="My-trip.mp4"');
    expect(poster.headers.get("content-disposition")).toBeNull();
  });

  it("serves the same poster and thumbnail URLs within an hour, so a browser's cache hits", async () => {
    const before = Math.floor(Date.now() / 1000);
    const first = await urls(ready, 2);
    const second = await urls(ready, 2);
    const expiryOf = (url: string) => Number(new URL(url).pathname.split("/")[2]);
    for (const field of ["posterUrl", "thumbnailUrl", "storyboardUrl"] as const) {
      const expiry = expiryOf(first[field]!);
      // The default lifetime (an hour here) rounded up to the next hour boundary.
      expect(expiry % 3600, field).toBe(0);
      expect(expiry - before, field).toBeGreaterThanOrEqual(3600);
      expect(expiry - before, field).toBeLessThanOrEqual(7200);
      // Equal, unless the two requests fell on either side of an hour boundary.
      if (expiryOf(second[field]!) === expiry) expect(second[field], field).toBe(first[field]);
      else expect(expiryOf(second[field]!), field).toBe(expiry + 3600);
    }
    // A browser keeps the poster until the token expires, at most a day.
    const poster = await fetch(first.posterUrl!);
    const maxAge = Number(/^public, max-age=(\d+)$/.exec(poster.headers.get("cache-control") ?? "")?.[1]);
    expect(maxAge).toBeGreaterThan(3000);
    expect(maxAge).toBeLessThanOrEqual(expiryOf(first.posterUrl!) - before);
    // Past that, what it sends for a URL it has cached: the stored ETag back, a 304 without the body.
    const etag = poster.headers.get("etag");
    expect(etag).toBeTruthy();
    const again = await fetch(first.posterUrl!, { headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
  });

  it("refuses a tampered or expired URL with 403", async () => {
    const { posterUrl, downloadUrl } = await urls(ready);
    const tampered = posterUrl!.replace(
      /\.([A-Za-z0-9_-])([A-Za-z0-9_-]*)\/(assets-ready)/,
      (_m, first: string, rest: string, id: string) => {
        return `.${first === "A" ? "B" : "A"}${rest}/${id}`;
      },
    );
    expect(tampered).not.toBe(posterUrl);
    expect((await fetch(tampered)).status).toBe(403);
    // Another video's token does not open this video's download.
    const otherPath = new URL(downloadUrl!).pathname.replace(`/${ready}/`, `/${older}/`);
    expect((await fetch(new URL(otherPath, gw.url))).status).toBe(403);

    const keyring = parsePlaybackKeys(TEST_SIGNING_KEYS);
    const past = Math.floor(Date.now() / 1000) - 10;
    const expired = playbackPath(ready, past, await signPlaybackToken(keyring, ready, past), "images/poster.jpg");
    const res = await fetch(new URL(expired, gw.url));
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/expired/);
  });

  it("gives no URLs before READY, for videos encoded before assets existed, nor a download not asked for", async () => {
    expect(await urls(encoding)).toEqual({
      posterUrl: null,
      storyboardUrl: null,
      downloadUrl: null,
      mp4Download: true,
      thumbnailUrl: null,
    });
    expect(await urls(older)).toEqual({ posterUrl: null, storyboardUrl: null, downloadUrl: null, mp4Download: false, thumbnailUrl: null });
  });

  it("refuses a negative time and an out-of-range lifetime", async () => {
    const negative = await gw.graphql(QUERY, { id: ready, time: -1 });
    expect(negative.errors?.[0]?.message).toMatch(/time must be seconds from the start/);
    const tooLong = await gw.graphql(`query($id: ID!) { video(id: $id) { posterUrl(expiresInSeconds: 0) } }`, { id: ready });
    expect(tooLong.errors?.[0]?.message).toMatch(/expiresInSeconds must be between 1 and/);
  });

  it("records createVideo's mp4Download, else the gateway's default", async () => {
    const create = `mutation($input: CreateVideoInput!) { createVideo(input: $input) { video { mp4Download } } }`;
    const upload = { filename: "a.mp4", contentType: "video/mp4", sizeBytes: 1000 };
    const asked = await gw.graphql<{ createVideo: { video: { mp4Download: boolean } } }>(create, { input: { upload, mp4Download: true } });
    expect(asked.data?.createVideo.video.mp4Download).toBe(true);
    const unsaid = await gw.graphql<{ createVideo: { video: { mp4Download: boolean } } }>(create, { input: { upload } });
    expect(unsaid.data?.createVideo.video.mp4Download).toBe(false);
    const withDefault = await startTestGateway(infra, { MP4_DOWNLOAD_DEFAULT: "true" });
    try {
      const defaulted = await withDefault.graphql<{ createVideo: { video: { mp4Download: boolean } } }>(create, { input: { upload } });
      expect(defaulted.data?.createVideo.video.mp4Download).toBe(true);
    } finally {
      await withDefault.stop();
    }
  });
});
