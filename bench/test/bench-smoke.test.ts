import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseBenchArgs, type BenchOptions } from "../src/options.js";
import { benchResultsSchema, SECTION_IDS } from "../src/results.js";
import { reportFromFiles, runBench } from "../src/run-bench.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("npm run bench -- --quick", () => {
  it("runs every section on tiny inputs and writes results that parse and a report that shows them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aq-bench-smoke-"));
    dirs.push(dir);
    const options = parseBenchArgs([
      "--quick",
      "--results-dir",
      join(dir, "results"),
      "--report",
      join(dir, "BENCHMARKS.md"),
    ]) as BenchOptions;

    const run = await runBench(options);

    const failures = SECTION_IDS.flatMap((id) => {
      const outcome = run.results.sections[id];
      return outcome.status === "ok" ? [] : [`${id}: ${outcome.status === "failed" ? outcome.error : outcome.reason}`];
    });
    expect(failures).toEqual([]);

    const json = benchResultsSchema.parse(JSON.parse(await readFile(run.jsonPath, "utf8")));
    expect(json.quick).toBe(true);
    expect(json.machine.cores).toBeGreaterThan(0);
    expect(json.machine.ffmpeg).not.toBe("");
    const encode = json.sections.encode.status === "ok" ? json.sections.encode.result : null;
    expect(encode?.sources.map((s) => s.runs.map((r) => r.variant))).toEqual([
      ["reference", "aq"],
      ["reference", "aq"],
    ]);
    const quality = json.sections.quality.status === "ok" ? json.sections.quality.result : null;
    expect(quality?.sources.map((s) => s.families.map((f) => `${f.id}:${f.points.map((p) => p.param).join(",")}`))).toEqual([
      [
        `guide:0.5,1`,
        `crf-medium:${quality?.defaultCrf},${(quality?.defaultCrf ?? 0) + 6}`,
        `crf-veryfast:${quality?.defaultCrf},${(quality?.defaultCrf ?? 0) + 6}`,
      ],
    ]);
    for (const point of quality?.sources.flatMap((s) => s.families.flatMap((f) => f.points)) ?? []) {
      expect(point.rungs.map((r) => r.name)).toEqual(["240p", "360p"]);
      for (const rung of point.rungs) {
        expect(rung.vmaf).toBeGreaterThan(20);
        expect(rung.vmaf).toBeLessThanOrEqual(100);
        expect(rung.vmafP5).toBeLessThanOrEqual(rung.vmaf);
        expect(rung.ssimYP1).toBeLessThanOrEqual(rung.ssimY);
        expect(rung.bytes).toBeGreaterThan(0);
      }
    }
    // Capped CRF against the guide, and veryfast against medium, for each metric.
    expect(quality?.sources[0]?.bdRates.map((b) => `${b.test}/${b.anchor}/${b.metric}`)).toEqual([
      "crf-medium/guide/vmaf",
      "crf-medium/guide/ssimY",
      "crf-medium/guide/psnrY",
      "crf-veryfast/guide/vmaf",
      "crf-veryfast/guide/ssimY",
      "crf-veryfast/guide/psnrY",
      "crf-veryfast/crf-medium/vmaf",
      "crf-veryfast/crf-medium/ssimY",
      "crf-veryfast/crf-medium/psnrY",
    ]);
    const speed = json.sections.speed.status === "ok" ? json.sections.speed.result : null;
    expect(speed?.configs.map((c) => c.id)).toEqual(["medium", "veryfast-split"]);
    for (const config of speed?.configs ?? []) expect(config.bytes, config.id).toBeGreaterThan(0);

    const chunking = json.sections.chunking.status === "ok" ? json.sections.chunking.result : null;
    expect(chunking?.sources.map((s) => [s.joins, s.rungs.map((r) => r.rung)])).toEqual([[2, ["240p", "360p"]]]);
    for (const rung of chunking?.sources.flatMap((s) => s.rungs) ?? []) {
      expect(rung.bytesRatio).toBeGreaterThan(0.5);
      expect(rung.chunkedPsnrY).toBeGreaterThan(20);
      expect(rung.worstJoinGopPsnrDelta).not.toBeNull();
    }

    // Both chunked-pipeline sections ran the 3-chunk clip through the real services.
    const firstPlayable = json.sections["first-playable"].status === "ok" ? json.sections["first-playable"].result : null;
    expect(firstPlayable?.sources.map((s) => [s.chunks, s.runs.length])).toEqual([[3, 1]]);
    for (const run of firstPlayable?.sources.flatMap((s) => s.runs) ?? []) {
      expect(run.playableEventSeconds).not.toBeNull();
      expect(run.phases.planner).not.toBeNull();
      expect(run.phases.firstChunk).not.toBeNull();
      expect(run.phases.toClient).not.toBeNull();
    }
    const scaleOut = json.sections["scale-out"].status === "ok" ? json.sections["scale-out"].result : null;
    expect(scaleOut?.runs.map((r) => [r.encoders, r.cpus.length, r.chunks.map((c) => c.index)])).toEqual([
      [1, 1, [0, 1, 2]],
      [2, 2, [0, 1, 2]],
    ]);
    for (const run of scaleOut?.runs ?? []) expect(run.chunks.some((c) => c.wallSeconds !== null)).toBe(true);
    expect(scaleOut?.parallelEfficiency).not.toBeNull();
    // 600 s in the quick settings' 6 s chunks.
    expect(scaleOut?.projection?.chunks).toBe(100);

    const report = await readFile(run.reportPath, "utf8");
    for (const heading of [
      "## Headline",
      "## 1. Encode",
      "## 2. Pipeline",
      "## 3. Quality",
      "## 3b. Encode speed",
      "### Stored bytes and cost",
      "## 4. Concurrency",
      "## 5. Gateway",
      "## 6. Upload",
      "## 7. Cost of chunking",
      "## 8. Time to first playable",
      "## 9. Scale-out of one video over encoder instances",
    ]) {
      expect(report).toContain(heading);
    }
    expect(report).toContain(json.machine.cpuModel);
    expect(report).toContain(json.machine.ffmpeg);
    expect(report).toContain(json.machine.node);
    expect(report).toContain(json.startedAt);
    expect(report).not.toContain("Failed");
    expect(report).not.toMatch(/\bNaN\b|undefined/);

    // Encoded outputs and the stack's state are removed; the generated sources stay for the next run.
    expect((await readdir(join(dir, "results"))).sort()).toEqual([expect.stringMatching(/^bench-.*-quick\.json$/), "sources"]);

    // --report-from two runs, one of them on another CPU with only the speed section: the report
    // says which run gave which section, and that their absolute times do not compare.
    const other = join(dir, "other.json");
    const skipped = { status: "skipped", reason: "not part of this run" };
    await writeFile(
      other,
      JSON.stringify({
        ...json,
        startedAt: "2026-01-02T00:00:00.000Z",
        machine: { ...json.machine, cpuModel: "Another CPU" },
        sections: { ...Object.fromEntries(SECTION_IDS.map((id) => [id, skipped])), speed: json.sections.speed },
      }),
    );
    const combined = await reportFromFiles({ ...options, reportPath: join(dir, "combined.md") }, [other, run.jsonPath]);
    expect(combined.results.sectionRuns.map((r) => [r.cpuModel, r.sections.includes("speed"), r.sections.includes("quality")])).toEqual([
      ["Another CPU", true, false],
      [json.machine.cpuModel, false, true],
    ]);
    expect(await readFile(combined.reportPath, "utf8")).toContain("The runs had different CPUs");
  });
});
