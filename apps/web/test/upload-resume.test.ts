import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from "vitest";
import { waitFor } from "@aq/devkit";
import { graphqlRequest, PlayerDocument, ResumeUploadDocument, type TypedDocumentNode } from "@aq/graphql-client";
import type { RunningStack } from "@aq/stack";
import { chromiumPresent, startBrowserStack, type BrowserStack } from "./support/browser-stack";

const MIB = 1024 * 1024;
/** 8 parts of 5 MiB (the smallest R2 allows), the last one 3 MiB. */
const FILE_BYTES = 38 * MIB;
const PARTS_BEFORE_RELOAD = 3;

describe.skipIf(!chromiumPresent)("a large upload in headless Chromium, resumed after a page reload", () => {
  let world: BrowserStack | undefined;
  let stack: RunningStack;
  let page: Page;
  let file: string;

  beforeAll(async () => {
    world = await startBrowserStack("resume", { MULTIPART_UPLOAD_THRESHOLD_BYTES: String(5 * MIB), MULTIPART_PART_BYTES: String(5 * MIB) });
    ({ stack, page } = world);
    file = join(world.dir, "camera-original.mov");
    await writeFile(file, Buffer.alloc(FILE_BYTES, 7));
  });

  afterAll(async () => {
    await world?.stop();
  });

  /** The gateway, as the web app's server side calls it: the generated operations with the API key. */
  const gateway = <TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables) =>
    graphqlRequest({ url: stack.graphqlUrl, apiKey: stack.apiKey }, document, variables);

  async function chooseAndSubmit(): Promise<void> {
    const chooser = page.waitForEvent("filechooser");
    await page.getByTestId("file-input").click();
    await (await chooser).setFiles(file);
    await page.getByRole("button", { name: "Upload" }).click();
  }

  it("keeps the upload in localStorage, and the same file chosen after a reload sends only the missing parts", async () => {
    onTestFailed(() => {
      console.error(`--- page ---\n${world?.pageLog.slice(-60).join("\n")}`);
      console.error(`--- next start ---\n${world?.web.output()}`);
      console.error(`--- stack ---\n${world?.logs.slice(-80).join("\n")}`);
    });
    const s3 = new URL(stack.s3.S3_ENDPOINT).origin;
    const isPart = (url: string, method: string) => method === "PUT" && url.startsWith(s3) && url.includes("partNumber=");
    const partsInBucket = async (id: string) =>
      (await gateway(ResumeUploadDocument, { id })).resumeVideoUpload.uploadedParts.map((part) => part.partNumber);
    const storedUploads = () => page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("aq.upload.")));
    // The page asks before leaving while an upload runs; the reload below is the user saying yes.
    page.on("dialog", (dialog) => void dialog.accept());

    // The first parts reach the bucket; the others hang, as on a connection that dropped mid-upload.
    let passed = 0;
    const held: Route[] = [];
    await page.route(`${s3}/**`, (route) => {
      const request = route.request();
      if (!isPart(request.url(), request.method())) return route.continue();
      if (passed < PARTS_BEFORE_RELOAD) {
        passed++;
        return route.continue();
      }
      held.push(route);
    });
    await page.goto(`${world!.web.url}/upload`);
    await chooseAndSubmit();
    await page.waitForURL(/\/videos\/[0-9a-f-]+$/, { timeout: 120_000 });
    const stored = await storedUploads();
    expect(stored).toHaveLength(1);
    const videoId = stored[0]!.slice("aq.upload.".length);
    expect(page.url()).toContain(videoId);
    await waitFor(async () => held.length > 0 && (await partsInBucket(videoId)).length >= PARTS_BEFORE_RELOAD, {
      timeoutMs: 120_000,
      message: "the first parts in the bucket, the next ones held",
    });

    // The reload ends the page's script; a part it had in flight may or may not have reached the bucket.
    await page.reload();
    for (const route of held) await route.abort().catch(() => undefined);
    await page.unroute(`${s3}/**`);
    const inBucket = await partsInBucket(videoId);
    expect(inBucket.length).toBeGreaterThanOrEqual(PARTS_BEFORE_RELOAD);
    expect(inBucket.length).toBeLessThan(8);

    await page.goto(`${world!.web.url}/upload`);
    await expect(page.getByTestId("unfinished-uploads").textContent()).resolves.toContain("camera-original.mov");
    const sentAfterReload: string[] = [];
    page.on("request", (request) => {
      if (isPart(request.url(), request.method())) sentAfterReload.push(new URL(request.url()).searchParams.get("partNumber")!);
    });
    await chooseAndSubmit();
    await page.waitForURL(`**/videos/${videoId}`, { timeout: 120_000 });
    const history = async () => (await gateway(PlayerDocument, { id: videoId })).video!.history;
    await waitFor(async () => (await history()).some((change) => change.to === "UPLOADED"), { timeoutMs: 120_000, message: "UPLOADED" });
    expect(await history()).toContainEqual(expect.objectContaining({ to: "UPLOADED", detail: "upload completed" }));
    // Only the parts the bucket did not hold went again, and the finished upload is forgotten.
    const missing = [1, 2, 3, 4, 5, 6, 7, 8].filter((n) => !inBucket.includes(n));
    expect(sentAfterReload.map(Number).sort((a, b) => a - b)).toEqual(missing);
    await waitFor(async () => (await storedUploads()).length === 0, { message: "localStorage entry removed" });
  });
});
