import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { makeTestClip } from "@aq/devkit";
import { CompleteUploadDocument, CreateUploadDocument, graphqlRequest, PlayerDocument, VideoDocument } from "@aq/graphql-client";
import type { RunningStack } from "@aq/stack";
import type { PlayerEvent } from "../src/app/videos/[id]/player-view";
import { CHROMIUM, chromiumPresent, startBrowserStack, type BrowserStack } from "./support/browser-stack";
import { appDir, type RunningWebApp } from "./support/web-app";

interface AxeResults {
  violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[];
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const ARTIFACTS = join(appDir, "test-artifacts");

if (!chromiumPresent) {
  console.warn(
    `apps/web: SKIPPING the browser playback test: ${CHROMIUM} is absent (scripts/install-system-deps.sh installs it; CI always does).`,
  );
}

describe.skipIf(!chromiumPresent)("playback in headless Chromium against the real stack", () => {
  let world: BrowserStack | undefined;
  let logs: string[] = [];
  let pageLog: string[] = [];
  let clip: string;
  let smallClip: string;
  let stack: RunningStack | undefined;
  let web: RunningWebApp | undefined;
  let page: Page;

  beforeAll(async () => {
    // Sources of 20 s and more are encoded in chunks of one segment (the 12 s clip keeps the single run).
    world = await startBrowserStack("playback", { CHUNK_MIN_SOURCE_SECONDS: "20", CHUNK_SECONDS: "6", CHUNK_FIRST_SEGMENTS: "1" });
    ({ logs, pageLog, stack, web, page } = world);
    clip = join(world.dir, "clip-720p.mp4");
    // 1280x720 gets all four renditions of the ladder; 12 s is two 6 s segments per rendition.
    await makeTestClip(clip, { seconds: 12, width: 1280, height: 720, fps: 30, audio: "stereo" });
    // What the browser check must refuse before any byte is sent: 480p, under the 720p minimum.
    smallClip = join(world.dir, "clip-480p.mp4");
    await makeTestClip(smallClip, { seconds: 6, width: 854, height: 480, fps: 30 });
  });

  afterAll(async () => {
    await world?.stop();
  });

  /** axe-core (from npm) injected into the page: WCAG 2 A/AA rules, serious and critical findings only. */
  async function seriousViolations(where: string): Promise<string[]> {
    await page.addScriptTag({ content: axeSource });
    const violations = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }).axe;
      const results = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
      return results.violations
        .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
        .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
    });
    return violations.map((violation) => `${where}: ${violation}`);
  }

  async function screenshot(name: string) {
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, name), fullPage: true });
  }

  it("uploads a clip through the page, follows it to READY on its own page (reload included), plays every rendition and deletes it", async () => {
    onTestFailed(() => {
      console.error(`--- page ---\n${pageLog.slice(-60).join("\n")}`);
      console.error(`--- next start ---\n${web?.output()}`);
      console.error(`--- stack ---\n${logs.slice(-120).join("\n")}`);
    });
    const webUrl = web!.url;
    const title = `browser test ${Date.now()}`;
    const violations: string[] = [];

    // The upload page states the deployment's rules and checks a file against them in the browser.
    await page.goto(`${webUrl}/upload`);
    await expect.poll(() => page.title()).toBe("Upload · AQ");
    expect(await page.getByTestId("upload-rules").textContent()).toMatch(/Longer than 5 s.*At least 720 pixels on the short side/s);
    const chooseFile = async (path: string) => {
      const chooser = page.waitForEvent("filechooser");
      await page.getByTestId("file-input").click();
      await (await chooser).setFiles(path);
    };
    await chooseFile(smallClip);
    await page.locator('[data-testid="file-check"][data-check="problems"]').waitFor();
    expect(await page.getByTestId("file-check").textContent()).toMatch(/854×480; its short side must be at least 720 px/);
    expect(await page.getByRole("button", { name: "Upload" }).isDisabled()).toBe(true);
    await screenshot("upload-refused.png");
    violations.push(...(await seriousViolations("upload page")));

    await page.getByLabel("Title").fill(title);
    await chooseFile(clip);
    await page.locator('[data-testid="file-check"][data-check="ok"]').waitFor();
    // A caption file attached at upload: the server keeps it until the video is READY.
    const uploadCaptions = join(world!.dir, "upload-captions.vtt");
    await writeFile(uploadCaptions, "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nGuten Tag von AQ\n");
    await page.getByLabel("Caption file (WebVTT or SRT)").setInputFiles(uploadCaptions);
    await page.getByLabel("Caption language (e.g. en, pt-BR)").fill("de");
    await page.getByLabel("Caption label").fill("Deutsch");
    // What the video's page showed on its way, recorded as it happens (the upload can be over in a blink).
    await page.evaluate(() => {
      const seen = { uploadPhases: [] as string[], statuses: [] as string[], percents: [] as number[] };
      new MutationObserver(() => {
        const live = document.querySelector('[data-testid="video-progress"]');
        const phase = live?.getAttribute("data-upload");
        if (phase && seen.uploadPhases.at(-1) !== phase) seen.uploadPhases.push(phase);
        const status = live?.getAttribute("data-status");
        if (status && seen.statuses.at(-1) !== status) seen.statuses.push(status);
        const bar = live?.querySelector("progress");
        if (bar) seen.percents.push(Number(bar.getAttribute("value")));
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
      (window as unknown as { __seen: typeof seen }).__seen = seen;
    });
    await page.getByRole("button", { name: "Upload" }).click();

    // createVideo moves the browser to the video's page while the file is still being sent.
    await page.waitForURL(/\/videos\/[0-9a-f-]{36}$/);
    const videoId = page.url().split("/").at(-1)!;
    const progress = page.getByTestId("video-progress");
    await page.locator('[data-testid="video-progress"][data-status="ENCODING"]').waitFor({ timeout: 240_000 });
    // Next.js sets the title after a client-side navigation, a moment after the page renders.
    await expect.poll(() => page.title()).toBe(`${title} · AQ`);
    await page.locator('[data-testid="pending-captions"] li[data-state="waiting"]').getByText("Deutsch").waitFor();
    await screenshot("video-encoding.png");
    const seen = await page.evaluate(
      () => (window as unknown as { __seen: { uploadPhases: string[]; statuses: string[]; percents: number[] } }).__seen,
    );
    // The video's page followed this tab's upload (a small local file may be sent before the page shows "uploading").
    expect(seen.uploadPhases.at(-1), seen.uploadPhases.join(" ")).toBe("done");
    expect(seen.statuses).toContain("AWAITING_UPLOAD");
    // One overall bar that never moves back.
    expect(
      seen.percents.every((percent, i) => i === 0 || percent >= seen.percents[i - 1]!),
      seen.percents.join(" "),
    ).toBe(true);

    // A reload keeps the view: the page is the video's, its progress comes from the gateway.
    await page.reload();
    await page
      .locator(["ENCODING", "ENCODED", "UPLOADING"].map((status) => `[data-testid="video-progress"][data-status="${status}"]`).join(", "))
      .or(page.locator("video"))
      .first()
      .waitFor();
    expect(await page.locator("h1").textContent()).toBe(title);
    await screenshot("video-reloaded.png");
    expect(await page.getByTestId("history").textContent()).toMatch(/awaiting upload.*uploaded/s);
    violations.push(...(await seriousViolations("video page, encoding")));

    // READY: the page refreshes itself into the player.
    await page.waitForFunction(() => window.__aqPlayer !== undefined, null, { timeout: 240_000 });
    expect(await progress.count()).toBe(0);
    const html = await page.content();
    expect(html).not.toContain(stack!.apiKey);
    const renditionNames = (await page.getByTestId("renditions").textContent())?.split(", ") ?? [];
    expect(renditionNames).toHaveLength(4);
    // Once READY the uploader publishes the caption file attached at upload.
    await expect.poll(() => page.getByTestId("captions").textContent(), { timeout: 60_000 }).toContain("Deutsch (de)");
    expect(await page.getByTestId("pending-captions").count()).toBe(0);

    await page.waitForFunction(() => {
      const video = document.querySelector("video");
      return video !== null && !video.paused && video.currentTime > 0.5;
    });
    expect(await page.locator("video").getAttribute("poster")).toMatch(new RegExp(`/${videoId}/`));
    // The player's box has the source's shape (16:9 here).
    const box = await page.locator("video").boundingBox();
    expect(box!.width / box!.height).toBeCloseTo(16 / 9, 1);
    await page.waitForFunction(() => document.querySelector("video")!.currentTime > 8, null, { timeout: 60_000 });

    const levels = await page.evaluate(() => window.__aqPlayer!.hls.levels.map((level) => ({ width: level.width, height: level.height })));
    expect(levels.map((level) => `${Math.min(level.width, level.height)}p`).sort()).toEqual([...renditionNames].sort());

    for (const [index, level] of levels.entries()) {
      const name = `${Math.min(level.width, level.height)}p`;
      const mark = await page.evaluate(() => window.__aqPlayer!.events.length);
      await page.getByRole("group", { name: "Quality" }).getByRole("button", { name, exact: true }).click();
      // Back near the start, so the forced level has a whole segment ahead of it to play.
      await page.evaluate(() => {
        const video = document.querySelector("video")!;
        video.currentTime = 0.5;
        return video.play();
      });
      await page.waitForFunction(
        ({ mark, index, height }) => {
          const player = window.__aqPlayer!;
          const loaded = player.events
            .slice(mark)
            .some((event) => event.type === "fragLoaded" && event.level === index && event.sn !== "initSegment");
          return loaded && player.hls.currentLevel === index && document.querySelector("video")!.videoHeight === height;
        },
        { mark, index, height: level.height },
        { timeout: 30_000 },
      );
      const switchedAt = await page.evaluate(() => document.querySelector("video")!.currentTime);
      await page.waitForFunction(
        (from) => {
          const video = document.querySelector("video")!;
          return !video.paused && video.currentTime > from + 1.5;
        },
        switchedAt,
        { timeout: 30_000 },
      );
      await expect.poll(() => page.getByTestId("playing-level").textContent()).toBe(`Playing ${name}`);
    }

    const events = await page.evaluate(() => window.__aqPlayer!.events);
    const fatal = events.filter((event): event is Extract<PlayerEvent, { type: "error" }> => event.type === "error" && event.fatal);
    expect(fatal).toEqual([]);
    // Within main: Next adds its own role="alert" route announcer to every page.
    expect(await page.locator("main [role=alert]").allTextContents()).toEqual([]);
    expect(await page.getByLabel("Playback URL", { exact: true }).inputValue()).toMatch(new RegExp(`/${videoId}/master\\.m3u8$`));
    expect(await page.getByLabel("HlsPlayer snippet", { exact: true }).textContent()).toContain("<HlsPlayer src=");
    await screenshot("playback.png");
    violations.push(...(await seriousViolations("video page, playing")));

    // Storyboard previews on the seek slider: the tile of the hovered time, from a signed sheet.
    const endpoint = { url: stack!.graphqlUrl, apiKey: stack!.apiKey };
    const storyboardUrl = (await graphqlRequest(endpoint, PlayerDocument, { id: videoId, expiresInSeconds: 600 })).video!.storyboardUrl!;
    const cues = [
      ...(await (await fetch(storyboardUrl)).text()).matchAll(
        /^(\d+):(\d\d):(\d\d\.\d{3}) --> (\d+):(\d\d):(\d\d\.\d{3})\n(\S+)#xywh=(\d+),(\d+),(\d+),(\d+)$/gm,
      ),
    ].map((m) => ({
      start: Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]),
      end: Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]),
      sheet: m[7]!,
      xywh: [m[8], m[9], m[10], m[11]].map(Number),
    }));
    expect(cues.length).toBeGreaterThanOrEqual(5);
    const seekBar = page.getByRole("slider", { name: "Seek" });
    const bar = (await seekBar.boundingBox())!;
    const duration = await page.evaluate(() => document.querySelector("video")!.duration);
    await page.mouse.move(bar.x + bar.width * 0.4, bar.y + bar.height / 2);
    const preview = page.getByTestId("storyboard-preview");
    await preview.waitFor();
    const hovered = Number(await preview.getAttribute("data-time"));
    expect(hovered).toBeCloseTo(duration * 0.4, 1);
    const cue = cues.find((c) => c.start <= hovered && hovered < c.end)!;
    expect(cue, `no cue at ${hovered} s`).toBeDefined();
    const [x, y, w, h] = cue.xywh as [number, number, number, number];
    const tile = await page.getByTestId("storyboard-tile").evaluate((element) => {
      const style = getComputedStyle(element);
      return { position: style.backgroundPosition, width: style.width, height: style.height, image: style.backgroundImage };
    });
    expect(tile).toMatchObject({ position: `${-x}px ${-y}px`, width: `${w}px`, height: `${h}px` });
    // The sheet is named relative to the VTT, so it is fetched under the same signed playback path.
    const sheetUrl = /^url\("(.+)"\)$/.exec(tile.image)![1]!;
    expect(new URL(sheetUrl).pathname).toMatch(new RegExp(`^/v/\\d+/[^/]+/${videoId}/images/${cue.sheet.replace(".", "\\.")}$`));
    expect(
      await page.evaluate(async (url) => {
        const image = new Image();
        image.src = url;
        await image.decode();
        return image.naturalWidth;
      }, sheetUrl),
    ).toBeGreaterThan(0);
    // The preview floats over the bottom of the picture, above the slider.
    const previewBox = (await preview.boundingBox())!;
    const videoBox = (await page.locator("video").boundingBox())!;
    expect(previewBox.y).toBeGreaterThan(videoBox.y);
    expect(previewBox.y).toBeLessThan(videoBox.y + videoBox.height);
    expect(previewBox.y + previewBox.height).toBeLessThanOrEqual(bar.y);
    await page.screenshot({ path: join(ARTIFACTS, "storyboard-preview.png") });
    // Dragging scrubs: the video seeks to where the drag ends, with the preview following.
    await page.mouse.down();
    await page.mouse.move(bar.x + bar.width * 0.7, bar.y + bar.height / 2, { steps: 5 });
    await page.mouse.up();
    expect(Number(await preview.getAttribute("data-time"))).toBeCloseTo(duration * 0.7, 0);
    expect(await page.evaluate(() => document.querySelector("video")!.currentTime)).toBeGreaterThan(duration * 0.6);
    // The keyboard scrubs too: Home seeks to the start and previews its tile.
    await page.mouse.move(0, 0);
    await seekBar.focus();
    await page.keyboard.press("Home");
    await expect.poll(() => preview.getAttribute("data-time")).toBe("0.00");
    expect(await page.evaluate(() => document.querySelector("video")!.currentTime)).toBeLessThan(1.5);
    expect(await seekBar.getAttribute("aria-valuetext")).toMatch(/^0:0\d of 0:1\d$/);
    await seekBar.blur();

    // A caption file attached on the page becomes a subtitle track hls.js lists.
    const captionFile = join(world!.dir, "captions.vtt");
    await writeFile(captionFile, "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nHello from AQ\n");
    await page.getByLabel("Caption file (WebVTT or SRT)").setInputFiles(captionFile);
    await page.getByLabel("Language (e.g. en, pt-BR)").fill("en");
    await page.getByLabel("Label").fill("English");
    await page.getByRole("button", { name: "Add captions" }).click();
    await expect.poll(() => page.getByTestId("captions").textContent(), { timeout: 30_000 }).toContain("English (en)");
    await page.reload();
    await page.waitForFunction(() => (window.__aqPlayer?.hls.subtitleTracks.length ?? 0) === 2, null, { timeout: 30_000 });
    const subtitleLanguages = () => page.evaluate(() => window.__aqPlayer!.hls.subtitleTracks.map((track) => track.lang).sort());
    expect(await subtitleLanguages()).toEqual(["de", "en"]);

    // Removing a track (after a confirmation) takes it out of the player's subtitle tracks.
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Remove Deutsch captions" }).click();
    await expect.poll(() => page.getByTestId("captions").textContent(), { timeout: 30_000 }).not.toContain("Deutsch");
    await page.reload();
    await page.waitForFunction(() => (window.__aqPlayer?.hls.subtitleTracks.length ?? 0) > 0, null, { timeout: 30_000 });
    expect(await subtitleLanguages()).toEqual(["en"]);

    // Its cue on screen: with the track shown, the video at 2 s has "Hello from AQ" active (1-4 s).
    await page.evaluate(() => {
      const { hls } = window.__aqPlayer!;
      hls.subtitleDisplay = true;
      hls.subtitleTrack = 0;
      document.querySelector("video")!.currentTime = 2;
    });
    await page.waitForFunction(
      () =>
        Array.from(document.querySelector("video")!.textTracks).some(
          (track) => track.mode === "showing" && Array.from(track.activeCues ?? []).some((cue) => (cue as VTTCue).text === "Hello from AQ"),
        ),
      null,
      { timeout: 30_000 },
    );
    await screenshot("caption-cue.png");

    // A playlist the player cannot load (an expired or refused link) ends in a message, not a spinner.
    await page.route("**/master.m3u8", (route) => route.fulfill({ status: 403, body: "expired" }));
    await page.reload();
    await expect
      .poll(() => page.locator("main [role=alert]").allTextContents(), { timeout: 30_000 })
      .toEqual([expect.stringMatching(/^The video could not be loaded: the link may have expired/)]);
    // Nothing left loading (NETWORK_EMPTY) and no controls: the browser shows no spinner.
    expect(await page.evaluate(() => [document.querySelector("video")!.networkState, document.querySelector("video")!.controls])).toEqual([
      0,
      false,
    ]);
    await screenshot("playback-failed.png");
    await page.unroute("**/master.m3u8");

    // The library: a card with the poster, status and renditions, at desktop and phone widths.
    await page.goto(webUrl);
    await expect.poll(() => page.title()).toBe("Library · AQ");
    expect(await page.getByRole("link", { name: "Library" }).getAttribute("aria-current")).toBe("page");
    const card = page.locator(`li[data-video-id="${videoId}"]`);
    expect(await card.locator("[data-status]").getAttribute("data-status")).toBe("READY");
    expect(await card.getByTestId("renditions").textContent()).toBe(renditionNames.join(", "));
    // Its poster, signed like playback, has loaded.
    await card.locator(".poster img").waitFor();
    await page.waitForFunction(
      (id) => (document.querySelector(`li[data-video-id="${id}"] .poster img`) as HTMLImageElement).naturalWidth > 0,
      videoId,
    );
    await screenshot("library.png");
    violations.push(...(await seriousViolations("library, light")));
    await page.emulateMedia({ colorScheme: "dark" });
    violations.push(...(await seriousViolations("library, dark")));
    await screenshot("library-dark.png");
    await page.emulateMedia({ colorScheme: "light" });
    await page.setViewportSize({ width: 375, height: 812 });
    // Nothing sticks out sideways on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await screenshot("library-375.png");
    await page.setViewportSize({ width: 1280, height: 1000 });

    // Delete from the video's page: back to the library, where deleted videos are not listed.
    await card.getByRole("link", { name: title, exact: true }).click();
    await page.waitForURL(`**/videos/${videoId}`);
    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: `Delete ${title}` }).click();
    await page.waitForURL(`${webUrl}/`);
    await expect.poll(() => page.locator(`li[data-video-id="${videoId}"]`).count()).toBe(0);

    expect(violations).toEqual([]);
  });

  it("starts playing a chunked video while it is still encoding and ends on the complete VOD playlist", async () => {
    onTestFailed(() => {
      console.error(`--- page ---\n${pageLog.slice(-60).join("\n")}`);
      console.error(`--- stack ---\n${logs.slice(-120).join("\n")}`);
    });
    const endpoint = { url: stack!.graphqlUrl, apiKey: stack!.apiKey };
    const long = join(world!.dir, "clip-30s.mp4");
    await makeTestClip(long, { seconds: 30, width: 1280, height: 720, fps: 30, audio: "stereo" });
    const input = { title: "chunked", upload: { filename: "clip-30s.mp4", contentType: "video/mp4", sizeBytes: (await stat(long)).size } };
    const created = (await graphqlRequest(endpoint, CreateUploadDocument, { input })).createVideo;
    const upload = created.upload!;
    const put = await fetch(upload.url, {
      method: upload.method,
      headers: Object.fromEntries(upload.headers.map((h) => [h.name, h.value])),
      body: await readFile(long),
    });
    expect(put.ok).toBe(true);
    const id = created.video.id;
    await graphqlRequest(endpoint, CompleteUploadDocument, { id });
    const status = async () => (await graphqlRequest(endpoint, VideoDocument, { id })).video;
    await expect.poll(async () => (await status())?.playable, { timeout: 240_000, interval: 250 }).toBe(true);

    // The player page as soon as the video is playable: hls.js on the growing EVENT playlist.
    await page.goto(`${web!.url}/videos/${id}`);
    await page.waitForFunction(() => {
      const video = document.querySelector("video");
      return video !== null && !video.paused && video.currentTime > 0.5;
    });
    const whilePlaying = await status();
    expect(whilePlaying?.status).not.toBe("READY");
    // Some loaded level is the growing EVENT playlist (the current level's details may be absent
    // for a moment right after hls.js switches up a rung, which CI saw once).
    expect(await page.evaluate(() => window.__aqPlayer!.hls.levels.some((level) => level.details?.live === true))).toBe(true);

    // It plays on into segments published after it started, and ends on the VOD playlist (ENDLIST).
    await expect.poll(async () => (await status())?.status, { timeout: 240_000, interval: 500 }).toBe("READY");
    await page.waitForFunction(() => document.querySelector("video")!.currentTime > 20, null, { timeout: 120_000 });
    await page.waitForFunction(() => window.__aqPlayer!.hls.levels.some((level) => level.details?.live === false), null, {
      timeout: 60_000,
    });
    const events = await page.evaluate(() => window.__aqPlayer!.events);
    expect(events.filter((event) => event.type === "error" && event.fatal)).toEqual([]);
  });
});
