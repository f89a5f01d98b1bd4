import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { createTestDatabase, makeTestClip, startNatsServer, type TestDatabase, type TestNatsServer } from "@aq/devkit";
import { startStack, type RunningStack } from "@aq/stack";
import type { PlayerEvent } from "../src/app/videos/[id]/player-view";
import { appDir, buildWebApp, startWebApp, type RunningWebApp } from "./support/web-app";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
const ARTIFACTS = join(appDir, "test-artifacts");
const TERMINAL = ["READY", "REJECTED", "FAILED_ENCODING", "FAILED_UPLOAD", "DELETED"];

const chromiumPresent = existsSync(CHROMIUM);
if (!chromiumPresent) {
  console.warn(
    `apps/web: SKIPPING the browser playback test: ${CHROMIUM} is absent (scripts/install-system-deps.sh installs it; CI always does).`,
  );
}

describe.skipIf(!chromiumPresent)("playback in headless Chromium against the real stack", () => {
  const logs: string[] = [];
  const pageLog: string[] = [];
  let dir: string;
  let clip: string;
  let nats: TestNatsServer | undefined;
  let database: TestDatabase | undefined;
  let stack: RunningStack | undefined;
  let web: RunningWebApp | undefined;
  let context: BrowserContext | undefined;
  let page: Page;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "aq-web-playback-"));
    // Built before the stack starts, so the build does not compete with the services for the cores.
    await buildWebApp();
    // A NATS server and a database of this suite's own: services of another stack on the same
    // machine must not take its jobs.
    nats = await startNatsServer();
    database = await createTestDatabase();
    stack = await startStack({
      dataDir: join(dir, "stack"),
      natsUrl: nats.url,
      databaseUrl: database.url,
      ports: "ephemeral",
      web: false,
      logs: (source, line) => void logs.push(`${source}| ${line}`),
    });
    web = await startWebApp({ AQ_GATEWAY_URL: stack.graphqlUrl, AQ_API_KEY: stack.apiKey });
    clip = join(dir, "clip-720p.mp4");
    // 1280x720 gets all four renditions of the ladder; 12 s is two 6 s segments per rendition.
    await makeTestClip(clip, { seconds: 12, width: 1280, height: 720, fps: 30, audio: "stereo" });
    context = await chromium.launchPersistentContext(join(dir, "chromium-profile"), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on("console", (message) => void pageLog.push(`console.${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => void pageLog.push(`pageerror: ${error.message}`));
  });

  afterAll(async () => {
    await context?.close();
    await web?.stop();
    await stack?.stop();
    await database?.drop();
    await nats?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("uploads a clip through the page, follows it to READY, plays every rendition and deletes it", async () => {
    onTestFailed(() => {
      console.error(`--- page ---\n${pageLog.slice(-60).join("\n")}`);
      console.error(`--- next start ---\n${web?.output()}`);
      console.error(`--- stack ---\n${logs.slice(-120).join("\n")}`);
    });
    const webUrl = web!.url;
    const title = `browser test ${Date.now()}`;

    // Upload: the page's file chooser, createVideo, PUT to the presigned URL, completeVideoUpload.
    await page.goto(`${webUrl}/upload`);
    await page.getByLabel("Title").fill(title);
    const chooser = page.waitForEvent("filechooser");
    await page.getByTestId("file-input").click();
    await (await chooser).setFiles(clip);
    // What the page showed on its way, recorded as it happens (the upload can be over in a blink).
    await page.evaluate(() => {
      const seen = { uploadBar: false, statuses: [] as string[] };
      new MutationObserver(() => {
        if (document.querySelector('[data-testid="upload-progress"] progress')) seen.uploadBar = true;
        const status = document.querySelector('[data-testid="pipeline"]')?.getAttribute("data-status");
        if (status && seen.statuses.at(-1) !== status) seen.statuses.push(status);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
      (window as unknown as { __seen: typeof seen }).__seen = seen;
    });
    await page.getByRole("button", { name: "Upload" }).click();

    // The live view, fed by the videoProgress subscription, until a terminal status.
    const pipeline = page.getByTestId("pipeline");
    await page.waitForSelector(TERMINAL.map((status) => `[data-testid="pipeline"][data-status="${status}"]`).join(", "), {
      timeout: 240_000,
    });
    const pipelineText = await pipeline.textContent();
    expect(await pipeline.getAttribute("data-status"), pipelineText ?? "").toBe("READY");
    const videoId = await pipeline.getAttribute("data-video-id");
    expect(videoId).toBeTruthy();
    const seen = await page.evaluate(() => (window as unknown as { __seen: { uploadBar: boolean; statuses: string[] } }).__seen);
    expect(seen.uploadBar).toBe(true);
    // Live: the subscription brought the encode and the end, not only a final state.
    expect(seen.statuses).toContain("ENCODING");
    expect(seen.statuses.at(-1)).toBe("READY");
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "upload.png"), fullPage: true });

    // The library lists it with its renditions.
    await page.goto(webUrl);
    const row = page.locator(`tr[data-video-id="${videoId}"]`);
    await expect.poll(() => row.locator("[data-status]").getAttribute("data-status")).toBe("READY");
    const renditionNames = (await row.locator("td").nth(3).textContent())?.split(", ") ?? [];
    expect(renditionNames).toHaveLength(4);
    await page.screenshot({ path: join(ARTIFACTS, "library.png"), fullPage: true });

    // The player: playback URL signed on the server, played with hls.js.
    await row.getByRole("link", { name: title }).click();
    await page.waitForURL(`**/videos/${videoId}`);
    await page.waitForFunction(() => window.__aqPlayer !== undefined);
    const html = await page.content();
    expect(html).not.toContain(stack!.apiKey);

    await page.waitForFunction(() => {
      const video = document.querySelector("video");
      return video !== null && !video.paused && video.currentTime > 0.5;
    });
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

    await page.screenshot({ path: join(ARTIFACTS, "playback.png"), fullPage: true });

    // Delete from the library (a server action with the key, like every mutation of the page).
    await page.goto(webUrl);
    page.once("dialog", (dialog) => void dialog.accept());
    await row.getByRole("button", { name: "Delete" }).click();
    await row.locator('[data-status="DELETED"]').waitFor();
    expect(await row.getByRole("button", { name: "Delete" }).count()).toBe(0);
  });
});
