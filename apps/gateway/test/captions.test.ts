import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { defaultLadderConfig } from "@aq/config";
import { makeTestClip } from "@aq/devkit";
import { encodeVideo } from "@aq/media";
import { insertVideo } from "@aq/platform/db";
import { getObjectStream, listPrefix, uploadDirectory } from "@aq/platform/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInfrastructure, startTestGateway, type Infrastructure, type TestGateway } from "./harness.js";

const SRT = "1\n00:00:01,000 --> 00:00:02,500\nHello\n\n2\n00:00:05,000 --> 00:00:07,000\nAcross a segment boundary\n";
const BROKEN_SRT = "1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03.000 --> 00:00:0x,000\nbad\n";

interface Target {
  url: string;
  headers: { name: string; value: string }[];
}

describe("captions", () => {
  let infra: Infrastructure;
  let gw: TestGateway;
  let dir: string;
  const id = `captions-${Date.now()}`;
  const prefix = `videos/${id}/`;
  let originalMaster: string;
  let startSeconds: number;

  async function text(key: string): Promise<string> {
    const object = await getObjectStream(gw.storage, key);
    return Buffer.concat(await object!.body.toArray()).toString("utf8");
  }

  async function upload(language: string, body: string, videoId = id): Promise<void> {
    const added = await gw.graphql<{ addCaption: { upload: Target } }>(
      `mutation($input: AddCaptionInput!) { addCaption(input: $input) { upload { url headers { name value } } } }`,
      { input: { videoId, language, sizeBytes: Buffer.byteLength(body) } },
    );
    expect(added.errors).toBeUndefined();
    const { url, headers } = added.data!.addCaption.upload;
    const put = await fetch(url, { method: "PUT", body, headers: Object.fromEntries(headers.map((h) => [h.name, h.value])) });
    expect(put.status).toBe(200);
  }

  const COMPLETE = `mutation($id: ID!, $language: String!, $label: String) {
    completeCaptionUpload(videoId: $id, language: $language, label: $label) { captions { language label url } }
  }`;

  beforeAll(async () => {
    infra = await startInfrastructure();
    gw = await startTestGateway(infra);
    dir = await mkdtemp(join(tmpdir(), "aq-captions-test-"));
    const source = join(dir, "source.mp4");
    await makeTestClip(source, { seconds: 8, width: 640, height: 360, fps: 30 });
    const encoded = await encodeVideo({
      source,
      workDir: join(dir, "work"),
      outDir: join(dir, "out", id),
      videoId: id,
      ladder: { ...defaultLadderConfig, allowSmallerSources: true, x264Preset: "ultrafast" },
    });
    await uploadDirectory(gw.storage, encoded.outputDir, prefix, { concurrency: 4 });
    await insertVideo(gw.db, { id, status: "ready", sourceKind: "upload", sourceLocation: `uploads/${id}/source`, outputPrefix: prefix });
    originalMaster = await text(`${prefix}master.m3u8`);
    const { stdout } = await execa("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "format=start_time",
      "-of",
      "csv=p=0",
      join(encoded.outputDir, "segments", "240p_000.ts"),
    ]);
    startSeconds = Number(stdout);
  }, 120_000);

  afterAll(async () => {
    await gw?.stop();
    await infra?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("publishes an uploaded SRT as segmented WebVTT in the master's SUBTITLES group, changing only playlists and caption files", async () => {
    const before = new Map((await listPrefix(gw.storage, prefix)).map((o) => [o.key, o.size]));
    await upload("en", SRT);
    const done = await gw.graphql<{ completeCaptionUpload: { captions: { language: string; label: string; url: string }[] } }>(COMPLETE, {
      id,
      language: "en",
      label: "English",
    });
    expect(done.errors).toBeUndefined();
    const [track] = done.data!.completeCaptionUpload.captions;
    expect(track).toMatchObject({ language: "en", label: "English" });

    const master = await text(`${prefix}master.m3u8`);
    expect(master).toContain(
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,URI="captions/en.m3u8"',
    );
    expect(
      master
        .split("\n")
        .filter((l) => l.startsWith("#EXT-X-STREAM-INF:"))
        .every((l) => l.endsWith(',SUBTITLES="subs"')),
    ).toBe(true);

    // Same segment count and durations as the video's renditions.
    const variant = await text(`${prefix}240p.m3u8`);
    const captions = await text(`${prefix}captions/en.m3u8`);
    const durations = (t: string) => [...t.matchAll(/#EXTINF:([\d.]+)/g)].map((m) => Number(m[1]).toFixed(2));
    expect(durations(captions)).toEqual(durations(variant));
    expect(captions).toContain("en_000.vtt");
    const first = await text(`${prefix}captions/en_000.vtt`);
    const mpegts = Number(/X-TIMESTAMP-MAP=MPEGTS:(\d+),LOCAL:00:00:00\.000/.exec(first)![1]);
    expect(mpegts / 90000).toBeCloseTo(startSeconds, 3);
    expect(first).toContain("00:00:05.000 --> 00:00:07.000\nAcross a segment boundary");
    expect(await text(`${prefix}captions/en_001.vtt`)).toContain("Across a segment boundary");

    const whole = await fetch(track!.url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("text/vtt; charset=utf-8");
    expect(await whole.text()).toBe(
      "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nHello\n\n00:00:05.000 --> 00:00:07.000\nAcross a segment boundary\n",
    );

    const after = await listPrefix(gw.storage, prefix);
    for (const object of after) {
      if (object.key.startsWith(`${prefix}captions/`) || object.key === `${prefix}master.m3u8`) continue;
      expect(before.get(object.key), object.key).toBe(object.size);
    }
    // The uploaded file is gone once published; it never was reachable through playback.
    expect((await listPrefix(gw.storage, `${prefix}captions/.`)).map((o) => o.key)).toEqual([]);
  });

  it("refuses a broken file with CAPTION_INVALID naming the line, and leaves the published tracks alone", async () => {
    await upload("fr", BROKEN_SRT);
    const waiting = (await listPrefix(gw.storage, `${prefix}captions/.`)).map((o) => o.key);
    expect(waiting).toEqual([`${prefix}captions/.upload-fr`]);
    const [, expiry, token] = new URL(
      (
        await gw.graphql<{ video: { posterUrl: null; captions: { url: string }[] } }>(
          `query($id: ID!) { video(id: $id) { captions { url } } }`,
          { id },
        )
      ).data!.video.captions[0]!.url,
    ).pathname
      .split("/")
      .slice(1);
    expect((await fetch(new URL(`/v/${expiry}/${token}/${id}/captions/.upload-fr`, gw.url))).status).toBe(400);
    const refused = await gw.graphql(COMPLETE, { id, language: "fr" });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", aqCode: "CAPTION_INVALID" });
    expect(refused.errors?.[0]?.message).toMatch(/SRT line 6: "00:00:0x,000" is not a timestamp/);
    expect(await text(`${prefix}master.m3u8`)).not.toContain("captions/fr.m3u8");
    expect(await listPrefix(gw.storage, `${prefix}captions/fr`)).toEqual([]);
    expect(await listPrefix(gw.storage, `${prefix}captions/.upload-fr`)).toEqual([]);
  });

  it("removes a track by rewriting the master back, and deletes its files", async () => {
    const removed = await gw.graphql<{ removeCaption: { captions: unknown[] } }>(
      `mutation($id: ID!) { removeCaption(videoId: $id, language: "en") { captions { language } } }`,
      { id },
    );
    expect(removed.data?.removeCaption.captions).toEqual([]);
    expect(await text(`${prefix}master.m3u8`)).toBe(originalMaster);
    expect(await listPrefix(gw.storage, `${prefix}captions/`)).toEqual([]);
  });

  it("keeps a caption completed before READY as pending, shows it, and refuses a failed video and a bad language tag", async () => {
    const encoding = `${id}-encoding`;
    await insertVideo(gw.db, { id: encoding, status: "encoding", sourceKind: "upload", sourceLocation: `uploads/${encoding}/source` });
    await upload("en", SRT, encoding);
    const kept = await gw.graphql<{
      completeCaptionUpload: { captions: unknown[]; pendingCaptions: { language: string; label: string; error: unknown }[] };
    }>(
      `mutation($id: ID!) {
        completeCaptionUpload(videoId: $id, language: "en", label: "English") { captions { language } pendingCaptions { language label error { code } } }
      }`,
      { id: encoding },
    );
    expect(kept.errors).toBeUndefined();
    expect(kept.data!.completeCaptionUpload).toEqual({
      captions: [],
      pendingCaptions: [{ language: "en", label: "English", error: null }],
    });
    expect((await listPrefix(gw.storage, `videos/${encoding}/captions/`)).map((o) => o.key)).toEqual([
      `videos/${encoding}/captions/.pending-en.vtt`,
    ]);
    const removed = await gw.graphql<{ removeCaption: { pendingCaptions: unknown[] } }>(
      `mutation($id: ID!) { removeCaption(videoId: $id, language: "en") { pendingCaptions { language } } }`,
      { id: encoding },
    );
    expect(removed.data?.removeCaption.pendingCaptions).toEqual([]);
    expect(await listPrefix(gw.storage, `videos/${encoding}/captions/`)).toEqual([]);

    const failed = `${id}-failed`;
    await insertVideo(gw.db, { id: failed, status: "failed_encoding", sourceKind: "upload", sourceLocation: `uploads/${failed}/source` });
    const add = `mutation($input: AddCaptionInput!) { addCaption(input: $input) { upload { url } } }`;
    const refused = await gw.graphql(add, { input: { videoId: failed, language: "en", sizeBytes: 10 } });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", aqCode: "VIDEO_FAILED" });
    const badTag = await gw.graphql(add, { input: { videoId: id, language: "../en", sizeBytes: 10 } });
    expect(badTag.errors?.[0]?.extensions).toMatchObject({ aqCode: "INVALID_INPUT" });
  });
});
