import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseBenchArgs, type BenchOptions } from "../src/options.js";
import { benchResultsSchema, SECTION_IDS } from "../src/results.js";
import { runBench } from "../src/run-bench.js";

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe("npm run bench -- --quick", () => {
  it("runs every section on tiny inputs and writes results that parse and a report that shows them", async () => {
    const dir = await mkdtemp(join(tmpdir(), "aq-bench-smoke-"));
    dirs.push(dir);
    const options = parseBenchArgs(["--quick", "--results-dir", join(dir, "results"), "--report", join(dir, "BENCHMARKS.md")]) as BenchOptions;

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
    expect(quality?.sources.map((s) => s.configs.map((c) => c.id))).toEqual([["guide", "bitrate-medium", "bitrate-veryfast", "crf23-medium", "crf23-veryfast"]]);
    for (const config of quality?.sources.flatMap((s) => s.configs) ?? []) {
      expect(config.rungs.map((r) => r.name), config.id).toEqual(["240p", "360p"]);
      for (const rung of config.rungs) {
        expect(rung.ssimAll, `${config.id} ${rung.name}`).toBeGreaterThan(0.5);
        expect(rung.ssimAll).toBeLessThanOrEqual(1);
        expect(rung.bytes).toBeGreaterThan(0);
      }
    }

    const report = await readFile(run.reportPath, "utf8");
    for (const heading of ["## Headline", "## 1. Encode", "## 2. Pipeline", "## 3. Quality", "## 4. Concurrency", "## 5. Gateway", "## 6. Upload"]) {
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
  });
});
