import { createServer, type Server } from "node:http";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3Server, type TestS3Server } from "@aq/devkit";
import { isAddressAllowed, isPublicAddress } from "@aq/platform/sources";
import { fetchSourceToFile } from "@aq/platform/sources";
import { assertSourceUrlAllowed } from "@aq/platform/sources";

describe("address classification", () => {
  it.each(["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "93.184.216.34"])("%s is public", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    "127.0.0.1",
    "127.8.9.10",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "::",
    "fe80::1",
    "fd00::2",
    "::ffff:127.0.0.1",
    "::ffff:7f00:1",
    "::ffff:a9fe:a9fe",
    "64:ff9b::a9fe:a9fe",
    // IPv4-compatible and SIIT forms embed an IPv4 address a translator may reach.
    "::127.0.0.1",
    "::a9fe:a9fe",
    "::ffff:0:127.0.0.1",
    "::ffff:0:a9fe:a9fe",
    "not-an-address",
  ])("%s is not public", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it("allows special ranges only when the policy says so", () => {
    expect(isAddressAllowed("10.1.2.3", {})).toBe(false);
    expect(isAddressAllowed("10.1.2.3", { allowPrivate: true })).toBe(true);
    expect(isAddressAllowed("10.1.2.3", { allowedNetworks: ["10.1.2.0/24"] })).toBe(true);
    expect(isAddressAllowed("10.1.3.3", { allowedNetworks: ["10.1.2.0/24"] })).toBe(false);
    expect(isAddressAllowed("127.0.0.1", { allowedNetworks: ["127.0.0.1"] })).toBe(true);
  });
});

describe("assertSourceUrlAllowed", () => {
  it.each([
    ["file:///etc/passwd", /file: scheme is not allowed/],
    ["data:video/mp4;base64,AAAA", /data: scheme is not allowed/],
    ["ftp://example.com/a.mp4", /ftp: scheme is not allowed/],
    ["not a url", /not a valid absolute URL/],
    ["http://10.1.2.3/video.mp4", /private, loopback or link-local/],
    ["http://169.254.169.254/latest/meta-data/", /private, loopback or link-local/],
    ["http://[::1]:8080/video.mp4", /private, loopback or link-local/],
    ["http://[::ffff:127.0.0.1]/video.mp4", /private, loopback or link-local/],
    ["http://[::127.0.0.1]/video.mp4", /private, loopback or link-local/],
    ["http://[::ffff:0:a9fe:a9fe]/latest/meta-data/", /private, loopback or link-local/],
    ["http://2130706433/video.mp4", /private, loopback or link-local/],
    ["http://localhost/video.mp4", /private, loopback or link-local/],
    ["https://user:secret@example.com/video.mp4", /may not contain credentials/],
    ["s3://bucket-only", /must name a bucket and an object key/],
  ])("refuses %s", async (url, message) => {
    await expect(assertSourceUrlAllowed(url)).rejects.toMatchObject({
      code: "SOURCE_URL_REFUSED",
      message: expect.stringMatching(message),
    });
  });

  it("accepts loopback when private addresses are allowed", async () => {
    await expect(assertSourceUrlAllowed("http://localhost:9/video.mp4", { allowPrivate: true })).resolves.toMatchObject({ kind: "http" });
  });

  it("accepts an s3 URL and splits bucket and key", async () => {
    await expect(assertSourceUrlAllowed("s3://media/in/clip%201.mp4")).resolves.toMatchObject({
      kind: "s3",
      bucket: "media",
      key: "in/clip 1.mp4",
    });
  });

  it("accepts a public address literal without a DNS lookup", async () => {
    await expect(assertSourceUrlAllowed("https://93.184.216.34/clip.mp4")).resolves.toMatchObject({ kind: "http" });
  });
});

describe("fetchSourceToFile over HTTP", () => {
  const payload = randomBytes(256 * 1024);
  const hits: string[] = [];
  let server: Server;
  let base: string;
  let dir: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? "");
      const url = new URL(req.url ?? "/", "http://x");
      switch (url.pathname) {
        case "/clip.mp4":
          res.writeHead(200, { "content-type": "video/mp4", "content-length": payload.length });
          res.end(payload);
          return;
        case "/chunked.mp4":
          res.writeHead(200, { "content-type": "video/mp4" });
          res.write(payload.subarray(0, 100_000));
          res.end(payload.subarray(100_000));
          return;
        case "/redirect":
          res.writeHead(302, { location: url.searchParams.get("to") ?? "/clip.mp4" });
          res.end();
          return;
        case "/loop":
          res.writeHead(301, { location: "/loop" });
          res.end();
          return;
        default:
          res.writeHead(404);
          res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), "aq-sources-"));
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("downloads from a loopback server when private addresses are allowed", async () => {
    const target = join(dir, "ok", "source");
    const result = await fetchSourceToFile(`${base}/clip.mp4`, target, { allowPrivate: true, maxBytes: 10_000_000 });
    expect(result).toMatchObject({ bytes: payload.length, contentType: "video/mp4", finalUrl: `${base}/clip.mp4` });
    expect((await readFile(target)).equals(payload)).toBe(true);
  });

  it("follows a relative redirect", async () => {
    const target = join(dir, "redirected");
    const result = await fetchSourceToFile(`${base}/redirect`, target, { allowPrivate: true, maxBytes: 10_000_000 });
    expect(result.finalUrl).toBe(`${base}/clip.mp4`);
    expect((await readFile(target)).equals(payload)).toBe(true);
  });

  it("refuses the loopback server in the default policy", async () => {
    await expect(fetchSourceToFile(`${base}/clip.mp4`, join(dir, "refused"), { maxBytes: 10_000_000 })).rejects.toMatchObject({
      code: "SOURCE_URL_REFUSED",
    });
  });

  it.each([
    ["a private address", "http://127.0.0.2:1/clip.mp4", /private, loopback or link-local/],
    ["a metadata endpoint", "http://169.254.169.254/latest/meta-data/", /private, loopback or link-local/],
    ["a file URL", "file:///etc/passwd", /redirects to a file: URL/],
  ])("refuses a redirect to %s when only the first host is allowed", async (_name, to, message) => {
    const before = hits.length;
    const target = join(dir, "redirect-refused");
    // Only this server's address is allowed, as an operator would allow one internal host.
    const policy = { allowedNetworks: ["127.0.0.1/32"], maxBytes: 10_000_000 };
    await expect(fetchSourceToFile(`${base}/redirect?to=${encodeURIComponent(to)}`, target, policy)).rejects.toMatchObject({
      code: "SOURCE_URL_REFUSED",
      message: expect.stringMatching(message),
    });
    expect(hits.slice(before)).toEqual([`/redirect?to=${encodeURIComponent(to)}`]);
    expect(await readdir(dir)).not.toContain("redirect-refused");
  });

  it("stops after too many redirects", async () => {
    await expect(
      fetchSourceToFile(`${base}/loop`, join(dir, "loop"), { allowPrivate: true, maxBytes: 1000, maxRedirects: 3 }),
    ).rejects.toMatchObject({
      code: "SOURCE_FETCH_FAILED",
      message: expect.stringMatching(/more than 3 times/),
    });
  });

  it("refuses a declared length over the limit", async () => {
    await expect(fetchSourceToFile(`${base}/clip.mp4`, join(dir, "big"), { allowPrivate: true, maxBytes: 1000 })).rejects.toMatchObject({
      code: "SOURCE_TOO_LARGE",
    });
  });

  it("cuts off a streamed body over the limit and leaves no file", async () => {
    const target = join(dir, "big-chunked");
    await expect(fetchSourceToFile(`${base}/chunked.mp4`, target, { allowPrivate: true, maxBytes: 150_000 })).rejects.toMatchObject({
      code: "SOURCE_TOO_LARGE",
    });
    expect((await readdir(dir)).filter((name) => name.startsWith("big-chunked"))).toEqual([]);
  });

  it("reports a missing source", async () => {
    await expect(
      fetchSourceToFile(`${base}/missing.mp4`, join(dir, "missing"), { allowPrivate: true, maxBytes: 1000 }),
    ).rejects.toMatchObject({
      code: "SOURCE_NOT_FOUND",
      message: expect.stringMatching(/HTTP 404/),
    });
  });

  it("rethrows an abort rather than turning it into a verdict", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await fetchSourceToFile(`${base}/clip.mp4`, join(dir, "aborted"), {
      allowPrivate: true,
      maxBytes: 10_000_000,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "AbortError" });
  });
});

describe("fetchSourceToFile from s3://", () => {
  let s3: TestS3Server;
  let dir: string;

  beforeAll(async () => {
    s3 = await startS3Server();
    dir = await mkdtemp(join(tmpdir(), "aq-sources-s3-"));
    await s3.storage.client.send(
      new PutObjectCommand({ Bucket: s3.storage.bucket, Key: "incoming/clip.mp4", Body: "hello video", ContentType: "video/mp4" }),
    );
  });

  afterAll(async () => {
    await s3.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("reads an object from the configured bucket", async () => {
    const target = join(dir, "source");
    const result = await fetchSourceToFile(`s3://${s3.storage.bucket}/incoming/clip.mp4`, target, { storage: s3.storage, maxBytes: 1000 });
    expect(result).toMatchObject({ bytes: 11, contentType: "video/mp4" });
    expect(await readFile(target, "utf8")).toBe("hello video");
  });

  it("refuses another bucket, a missing object and an object over the limit", async () => {
    const options = { storage: s3.storage, maxBytes: 1000 };
    await expect(fetchSourceToFile("s3://someone-else/incoming/clip.mp4", join(dir, "x"), options)).rejects.toMatchObject({
      code: "SOURCE_URL_REFUSED",
    });
    await expect(fetchSourceToFile(`s3://${s3.storage.bucket}/nope.mp4`, join(dir, "x"), options)).rejects.toMatchObject({
      code: "SOURCE_NOT_FOUND",
    });
    await expect(
      fetchSourceToFile(`s3://${s3.storage.bucket}/incoming/clip.mp4`, join(dir, "x"), { ...options, maxBytes: 5 }),
    ).rejects.toMatchObject({
      code: "SOURCE_TOO_LARGE",
    });
  });
});
