import { cp, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultLadderConfig } from "@aq/config";
import { AqError } from "@aq/contracts";
import { makeTestClip } from "@aq/devkit";
import { encodeVideo } from "../src/encode-video.js";
import type { RenditionPlan } from "../src/ladder.js";
import { verifyHlsOutput } from "../src/verify.js";

let dir: string;
let good: string;
let plan: RenditionPlan[];
let caseNumber = 0;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aq-verify-test-"));
  const clip = join(dir, "clip.mp4");
  await makeTestClip(clip, { seconds: 7, width: 640, height: 360, fps: 30 });
  const encoded = await encodeVideo({
    source: clip,
    workDir: join(dir, "work"),
    outDir: join(dir, "good"),
    videoId: "good",
    ladder: { ...defaultLadderConfig, allowSmallerSources: true, x264Preset: "ultrafast" },
  });
  good = encoded.outputDir;
  plan = encoded.plan;
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh copy of the good output, damaged by `breakIt`. */
async function broken(breakIt: (out: string) => Promise<void>): Promise<string> {
  const out = join(dir, `case-${++caseNumber}`);
  await cp(good, out, { recursive: true });
  await breakIt(out);
  return out;
}

async function problems(out: string): Promise<string[]> {
  try {
    await verifyHlsOutput(out, plan);
  } catch (error) {
    expect(error).toBeInstanceOf(AqError);
    expect((error as AqError).code).toBe("VERIFY_FAILED");
    return (error as AqError).details?.problems as string[];
  }
  throw new Error("verification passed");
}

async function edit(file: string, change: (text: string) => string): Promise<void> {
  await writeFile(file, change(await readFile(file, "utf8")));
}

describe("verifyHlsOutput", () => {
  it("accepts a complete output and reports its renditions and files", async () => {
    const verified = await verifyHlsOutput(good, plan);
    expect(verified.renditions.map((r) => [r.name, r.width, r.height])).toEqual([
      ["240p", 426, 240],
      ["360p", 640, 360],
    ]);
    for (const r of verified.renditions) expect(r.bandwidth).toBeGreaterThan(0);
    expect(verified.files).toEqual([
      "240p.m3u8",
      "360p.m3u8",
      "master.m3u8",
      "qc.json",
      "segments/240p_000.ts",
      "segments/240p_001.ts",
      "segments/360p_000.ts",
      "segments/360p_001.ts",
    ]);
    expect(verified.segmentCount).toBe(2);
  });

  it("finds a missing rendition playlist", async () => {
    const out = await broken((o) => rm(join(o, "360p.m3u8")));
    expect(await problems(out)).toContain("360p.m3u8 does not exist");
  });

  it("finds a segment URI that points nowhere", async () => {
    const out = await broken((o) => edit(join(o, "240p.m3u8"), (t) => t.replace("segments/240p_001.ts", "segments/240p_007.ts")));
    const found = await problems(out);
    expect(found).toContain("240p.m3u8: segments/240p_007.ts does not exist");
    expect(found).toContain("unexpected file segments/240p_001.ts");
  });

  it("finds URIs outside the segment folder (the guide's command lists bare names)", async () => {
    const out = await broken((o) =>
      edit(join(o, "240p.m3u8"), (t) =>
        t.replace("segments/240p_000.ts", "240p_000.ts").replace("segments/240p_001.ts", "../good/segments/240p_001.ts"),
      ),
    );
    const found = await problems(out);
    expect(found).toContain("240p.m3u8: segment URI 240p_000.ts is not segments/240p_<index>.ts");
    expect(found).toContain("240p.m3u8: segment URI ../good/segments/240p_001.ts is not segments/240p_<index>.ts");
  });

  it("finds an empty segment", async () => {
    const out = await broken((o) => truncate(join(o, "segments", "360p_000.ts"), 0));
    expect(await problems(out)).toContain("360p.m3u8: segments/360p_000.ts is empty");
  });

  it("finds a playlist without ENDLIST", async () => {
    const out = await broken((o) => edit(join(o, "360p.m3u8"), (t) => t.replace("#EXT-X-ENDLIST", "")));
    expect(await problems(out)).toContain("360p.m3u8 has no #EXT-X-ENDLIST");
  });

  it("finds a master without a variant, CODECS or RESOLUTION", async () => {
    const out = await broken((o) =>
      edit(join(o, "master.m3u8"), (t) => {
        const lines = t.split("\n");
        const i = lines.indexOf("360p.m3u8");
        lines.splice(i - 1, 2);
        return lines
          .join("\n")
          .replace(/,CODECS="[^"]*"/, "")
          .replace(/,RESOLUTION=\d+x\d+/, "");
      }),
    );
    const found = await problems(out);
    expect(found).toContain("master.m3u8 does not list 360p.m3u8");
    expect(found).toContain("master.m3u8: 240p.m3u8 has no CODECS");
    expect(found).toContain("master.m3u8: 240p.m3u8 has no RESOLUTION");
  });

  it("finds renditions with different segment counts, over-long segments and stray files, all at once", async () => {
    const out = await broken(async (o) => {
      await edit(join(o, "240p.m3u8"), (t) =>
        t.replace(/#EXTINF:[\d.]+,\nsegments\/240p_001.ts\n/, "").replace("#EXTINF:6.000000,", "#EXTINF:9.000000,"),
      );
      await rm(join(o, "segments", "240p_001.ts"));
      await writeFile(join(o, "notes.txt"), "x");
    });
    const found = await problems(out);
    expect(found).toContain("renditions have different segment counts (240p.m3u8: 1, 360p.m3u8: 2)");
    expect(found).toContain("240p.m3u8: segment 0 lasts 9 s, over the target duration 6 s");
    expect(found).toContain("unexpected file notes.txt");
  });

  it("finds a missing or unparseable master", async () => {
    const missing = await broken((o) => rm(join(o, "master.m3u8")));
    expect(await problems(missing)).toContain("master.m3u8 does not exist");
    const garbage = await broken((o) => writeFile(join(o, "master.m3u8"), "not a playlist"));
    expect((await problems(garbage)).some((p) => p.startsWith("master.m3u8 cannot be parsed"))).toBe(true);
  });

  it("has ffprobe open the master and find every rendition", async () => {
    // A playlist that parses but whose segment is not video passes every other check.
    const out = await broken((o) => writeFile(join(o, "segments", "360p_000.ts"), Buffer.alloc(4096, 0x47)));
    expect(
      (await problems(out)).some((p) => p.startsWith("ffprobe of master.m3u8 finds no 360p") || p.startsWith("ffprobe cannot open")),
    ).toBe(true);
  });
});
