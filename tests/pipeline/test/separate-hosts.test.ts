import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assetFiles, stagedOutputPrefix, uploadPrefix, videoPrefix, workPrefix } from "@aq/contracts";
import { getChunks } from "@aq/platform/db";
import { getObjectStream, listPrefix } from "@aq/platform/storage";
import {
  createHostNetwork,
  listNamespaces,
  makeTestClip,
  startServiceProcess,
  stopChild,
  waitFor,
  type HostNetwork,
  type RunningService,
} from "@aq/devkit";
import { startPipelineStack, submitVideo, VIDEO_OUTPUT_KEY, waitForStatus, type PipelineStack } from "./harness.js";

/**
 * Issue #13 point 5, no shared disk: the probe, two encoders and the uploader each run as a host
 * of their own (a network namespace with its own address, a temporary WORK_DIR of its own), and
 * reach NATS, Postgres and S3 only over the network, at the root namespace's bridge address. A
 * single-run video and a chunked one both reach READY: every hand-off went through the bucket or
 * a message. Network namespaces need root (CI runs as root); elsewhere the suite is skipped, and
 * says why.
 */
const asRoot = process.getuid?.() === 0;
if (!asRoot) console.warn("separate-hosts.test.ts skipped: creating network namespaces (ip netns) needs root");

const run = promisify(execFile);
const HOSTS = {
  probe: "probe-service",
  "encoder-a": "encoder-service",
  "encoder-b": "encoder-service",
  uploader: "uploader-service",
} as const;
type HostName = keyof typeof HOSTS;
const namespacePrefix = `aq-${process.pid}-`;

/** As chunked.test.ts: sources of 10 s and more in 1-segment chunks (20 s is 4 chunks), a 6 s one in a single run. */
const CHUNKING = {
  CHUNK_MIN_SOURCE_SECONDS: "10",
  CHUNK_SECONDS: "6",
  CHUNK_FIRST_SEGMENTS: "1",
  ENCODER_CONCURRENCY: "1",
};

let network: HostNetwork | undefined;
let stack: PipelineStack | undefined;
const services = new Map<HostName, RunningService>();
const workDirs = new Map<HostName, string>();

async function startOnItsHost(host: HostName): Promise<void> {
  const { runUnder, address } = network!.hosts[host]!;
  const workDir = await mkdtemp(join(tmpdir(), `aq-host-${host}-`));
  workDirs.set(host, workDir);
  const service = await startServiceProcess(
    HOSTS[host],
    { ...stack!.env, WORK_DIR: workDir },
    { logDir: join(stack!.scratch, "logs"), instance: host, waitReady: false, runUnder, healthHost: address },
  );
  services.set(host, service);
  // As in chunked.test.ts: compiling several services at once on a loaded machine takes a while.
  await waitFor(
    async () => {
      if (service.child.exitCode !== null) throw new Error(`${host} exited with ${service.child.exitCode}; see ${service.logFile}`);
      return (await fetch(`${service.healthUrl}/readyz`).catch(() => null))?.ok === true;
    },
    { timeoutMs: 180_000, intervalMs: 250, message: `${host} to be ready at ${service.healthUrl} (log: ${service.logFile})` },
  );
}

async function text(key: string): Promise<string> {
  const object = await getObjectStream(stack!.s3.storage, key);
  if (!object) throw new Error(`${key} is not in the bucket`);
  return Buffer.concat(await object.body.toArray()).toString("utf8");
}

const keysUnder = async (prefix: string) => (await listPrefix(stack!.s3.storage, prefix)).map((o) => o.key.slice(prefix.length)).sort();

describe.skipIf(!asRoot)("services on separate hosts", () => {
  beforeAll(async () => {
    // As root, a refused `ip netns add` fails the suite with the command and its error.
    network = await createHostNetwork(process.pid, Object.keys(HOSTS));
    stack = await startPipelineStack(CHUNKING, { services: false, host: network.gateway });
    stack.services = {
      services: [],
      stop: () => Promise.all([...services.values()].map((s) => stopChild(s.child, 15_000))).then(() => {}),
    };
    const clips = stack.scratch;
    await Promise.all([
      makeTestClip(join(clips, "single.mp4"), { seconds: 6, width: 640, height: 360, fps: 25, audio: "stereo" }),
      makeTestClip(join(clips, "chunked.mp4"), { seconds: 20, width: 640, height: 360, fps: 25, audio: "stereo" }),
    ]);
    // One after the other: four services compiling at once missed their readiness deadline before (chunked.test.ts).
    for (const host of Object.keys(HOSTS) as HostName[]) await startOnItsHost(host);
    // Four services started in turn, each allowed 180 s to compile and connect on a loaded machine.
  }, 900_000);

  afterAll(async () => {
    await stack?.services?.stop();
    await stack?.stop();
    await network?.remove();
    await Promise.all([...workDirs.values()].map((dir) => rm(dir, { recursive: true, force: true })));
    const left = await listNamespaces(namespacePrefix);
    if (left.length) throw new Error(`network namespaces left behind: ${left.join(", ")}`);
  });

  it("runs each service in its own namespace, on its own address and WORK_DIR, reaching the servers over the network only", async () => {
    for (const [host, service] of services) {
      const { stdout } = await run("ip", ["netns", "identify", String(service.child.pid)]);
      expect({ host, namespace: stdout.trim() }).toEqual({ host, namespace: network!.hosts[host]!.namespace });
      expect(service.healthUrl).toContain(network!.hosts[host]!.address);
    }
    expect(new Set(Object.values(network!.hosts).map((h) => h.address)).size).toBe(4);
    expect(new Set(workDirs.values()).size).toBe(4);
    for (const url of [stack!.env.NATS_URL, stack!.env.DATABASE_URL, stack!.env.S3_ENDPOINT]) {
      expect(new URL(url!).hostname).toBe(network!.gateway);
    }
  });

  it("takes a single-run video and a chunked one to READY in the guide's layout, both encoders working", async () => {
    const s = stack!;
    await submitVideo(s, join(s.scratch, "chunked.mp4"), "hosts-chunked");
    await submitVideo(s, join(s.scratch, "single.mp4"), "hosts-single");
    const [chunked, single] = await Promise.all([waitForStatus(s, "hosts-chunked"), waitForStatus(s, "hosts-single")]);
    expect([chunked.status, chunked.errorMessage]).toEqual(["ready", null]);
    expect([single.status, single.errorMessage]).toEqual(["ready", null]);
    expect(single.chunkCount).toBeNull();
    expect(chunked.chunkCount).toBe(4);

    // The single run: what the encoder staged is exactly what was published, in the guide's layout.
    const singleKeys = await keysUnder(videoPrefix("hosts-single"));
    expect(singleKeys).toEqual((single.stagedOutput ?? []).map((f) => f.path).sort());
    expect(singleKeys.filter((k) => !VIDEO_OUTPUT_KEY.test(k))).toEqual([]);
    expect(singleKeys).toEqual(
      expect.arrayContaining(["master.m3u8", "240p.m3u8", "360p.m3u8", "segments/240p_000.ts", "segments/360p_000.ts"]),
    );
    const master = await text(`${videoPrefix("hosts-single")}master.m3u8`);
    expect(master).toContain("240p.m3u8");
    expect(master).toContain("360p.m3u8");

    // The chunked one: exactly the guide's layout and its assets' files, every chunk done once.
    const segments = (rung: string) => [0, 1, 2, 3].map((n) => `segments/${rung}_00${n}.ts`);
    expect(await keysUnder(videoPrefix("hosts-chunked"))).toEqual(
      ["240p.m3u8", "360p.m3u8", "master.m3u8", ...segments("240p"), ...segments("360p"), ...assetFiles(chunked.assets!)].sort(),
    );
    for (const rung of ["240p", "360p"]) {
      const playlist = await text(`${videoPrefix("hosts-chunked")}${rung}.m3u8`);
      expect(playlist).toContain("#EXT-X-ENDLIST");
      expect(playlist.split("\n").filter((l) => l.startsWith("segments/"))).toEqual(segments(rung));
    }
    expect((await getChunks(s.db, "hosts-chunked")).map((c) => [c.index, c.status, c.attempts])).toEqual(
      [0, 1, 2, 3].map((i) => [i, "done", 1]),
    );

    // Both encoders worked: each did chunks, and one of them the single run (their logs say so).
    const encoders = (["encoder-a", "encoder-b"] as const).map((host) => services.get(host)!);
    const work = await Promise.all(
      encoders.map(async (service) => {
        const lines = (await readFile(service.logFile, "utf8")).split("\n");
        return {
          chunks: lines.filter((l) => l.includes('"chunk: done"')).length,
          singleRuns: lines.filter((l) => l.includes('"encode: verified and staged"')).length,
        };
      }),
    );
    expect(work.map((w) => w.chunks > 0)).toEqual([true, true]);
    expect(work.reduce((sum, w) => sum + w.chunks, 0)).toBe(4);
    expect(work.reduce((sum, w) => sum + w.singleRuns, 0)).toBe(1);

    // Cleaned up: the originals and everything staged in the bucket, and nothing of either video on any host's disk.
    await waitFor(
      async () => {
        for (const id of ["hosts-single", "hosts-chunked"]) {
          if ((await listPrefix(s.s3.storage, uploadPrefix(id))).length) return false;
          if ((await listPrefix(s.s3.storage, workPrefix(id))).length) return false;
        }
        return true;
      },
      { message: "the uploads and the staged work to be removed" },
    );
    expect(await listPrefix(s.s3.storage, stagedOutputPrefix("hosts-single"))).toEqual([]);
    for (const [host, dir] of workDirs) {
      const left = (await readdir(dir)).filter((name) => name.startsWith("hosts-"));
      expect({ host, left }).toEqual({ host, left: [] });
    }
    expect(s.s3.strict?.refusals).toEqual([]);
  });
});
