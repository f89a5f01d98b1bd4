import { mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { DEFAULT_CRF } from "@aq/config";
import { benchLadder, type BenchContext } from "./context.js";
import { describeMachine } from "./machine.js";
import { round } from "./measure.js";
import type { BenchOptions } from "./options.js";
import { renderReport } from "./report.js";
import { benchResultsSchema, SECTION_IDS, type BenchResults, type SectionId, type SectionOutcome } from "./results.js";
import { runChunking } from "./sections/chunking.js";
import { runConcurrency } from "./sections/concurrency.js";
import { firstPlayableSettings, runFirstPlayable } from "./sections/first-playable.js";
import { runEncodeThroughput } from "./sections/encode-throughput.js";
import { runGatewayLoad } from "./sections/gateway.js";
import { runPipelineOverhead } from "./sections/pipeline-overhead.js";
import { runQuality } from "./sections/quality.js";
import { runScaleOut } from "./sections/scale-out.js";
import { runSpeed } from "./sections/speed.js";
import { runUpload } from "./sections/upload.js";
import { sourceCache } from "./sources.js";
import { startBenchStack, type StackSession } from "./stack-session.js";

export interface BenchRun {
  results: BenchResults;
  jsonPath: string;
  reportPath: string;
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function timed<T>(
  selected: boolean,
  run: () => Promise<T>,
  id: SectionId,
  keep: (id: SectionId, outcome: SectionOutcome<T>) => Promise<void>,
): Promise<SectionOutcome<T>> {
  const outcome = await runSection(selected, run, id);
  await keep(id, outcome);
  return outcome;
}

async function runSection<T>(selected: boolean, run: () => Promise<T>, id: SectionId): Promise<SectionOutcome<T>> {
  if (!selected) return { status: "skipped", reason: "not selected with --only" };
  log(`section ${id}: start`);
  const start = performance.now();
  try {
    const result = await run();
    const seconds = round((performance.now() - start) / 1000, 1);
    log(`section ${id}: done in ${seconds} s`);
    return { status: "ok", seconds, result };
  } catch (error) {
    const seconds = round((performance.now() - start) / 1000, 1);
    const cause = (error as Error).cause instanceof Error ? `: ${((error as Error).cause as Error).message}` : "";
    log(`section ${id}: FAILED after ${seconds} s: ${(error as Error).stack ?? String(error)}`);
    return { status: "failed", seconds, error: `${(error as Error).message}${cause}` };
  }
}

/**
 * Runs the selected sections (in an order that lets the gateway section reuse the pipeline section's stack), writes the
 * JSON results and the Markdown report.
 */
export async function runBench(options: BenchOptions): Promise<BenchRun> {
  const startedAt = new Date();
  const stamp = startedAt.toISOString().replace(/[:.]/g, "-");
  const machine = await describeMachine();
  const { ladder, env: ladderEnv } = benchLadder(options.quick);
  const workDir = join(options.resultsDir, `work-${stamp}`);
  await mkdir(workDir, { recursive: true });
  const ctx: BenchContext = {
    options,
    ladder,
    ladderEnv,
    workDir,
    sources: sourceCache(options.sourcesDir),
    log,
    checkpoint: async (id, partial) => {
      done[id] = { status: "partial", result: partial };
      await savePartial();
    },
  };
  const selected = (id: SectionId) => options.sections.includes(id);
  // Each finished section is saved at once, so a long run that is stopped keeps what it measured.
  const partialPath = join(options.resultsDir, `partial-${stamp}.json`);
  const done: Partial<Record<SectionId, unknown>> = {};
  const savePartial = () =>
    writeFile(
      partialPath,
      `${JSON.stringify({ startedAt: startedAt.toISOString(), quick: options.quick, machine, ladder: { ...ladder }, sections: done }, null, 2)}\n`,
    );
  const keep = async (id: SectionId, outcome: unknown) => {
    done[id] = outcome;
    await savePartial();
  };

  let session: StackSession | undefined;
  const stack = async () => {
    session ??= await startBenchStack(join(workDir, "stack"), ladderEnv);
    return session;
  };
  const stopOnSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping; finished sections are in ${partialPath}`);
    void (session?.stop() ?? Promise.resolve())
      .then(() => (options.keepWork ? undefined : rm(workDir, { recursive: true, force: true })))
      .finally(() => process.exit(130));
  };
  process.once("SIGINT", stopOnSignal);
  process.once("SIGTERM", stopOnSignal);

  let sections: BenchResults["sections"];
  try {
    const encode = await timed(selected("encode"), () => runEncodeThroughput(ctx), "encode", keep);
    const speed = await timed(selected("speed"), () => runSpeed(ctx), "speed", keep);
    const quality = await timed(selected("quality"), () => runQuality(ctx), "quality", keep);
    const concurrency = await timed(selected("concurrency"), () => runConcurrency(ctx), "concurrency", keep);
    const upload = await timed(selected("upload"), () => runUpload(ctx), "upload", keep);
    const chunking = await timed(selected("chunking"), () => runChunking(ctx), "chunking", keep);
    const pipeline = await timed(selected("pipeline"), async () => runPipelineOverhead(ctx, await stack()), "pipeline", keep);
    const gateway = await timed(selected("gateway"), async () => runGatewayLoad(ctx, await stack()), "gateway", keep);
    // Stacks of their own (the S3 latency proxy; pinned encoder instances): the shared one is stopped first, so its idle services do not run beside them.
    await session?.stop();
    session = undefined;
    const firstPlayable = await timed(selected("first-playable"), () => runFirstPlayable(ctx), "first-playable", keep);
    const scaleOut = await timed(selected("scale-out"), () => runScaleOut(ctx), "scale-out", keep);
    sections = {
      encode,
      pipeline,
      quality,
      speed,
      concurrency,
      gateway,
      upload,
      chunking,
      "first-playable": firstPlayable,
      "scale-out": scaleOut,
    };
  } finally {
    await session?.stop();
    process.removeListener("SIGINT", stopOnSignal);
    process.removeListener("SIGTERM", stopOnSignal);
    if (!options.keepWork) await rm(workDir, { recursive: true, force: true });
  }

  const finishedAt = new Date();
  const results = benchResultsSchema.parse({
    version: 1,
    quick: options.quick,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationSeconds: round((finishedAt.getTime() - startedAt.getTime()) / 1000, 1),
    machine,
    ladder: { ...ladder },
    sections,
  });
  const jsonPath = join(options.resultsDir, `bench-${stamp}${options.quick ? "-quick" : ""}.json`);
  await writeFile(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(options.reportPath, renderReport(results, basename(jsonPath)));
  await rm(partialPath, { force: true });
  log(`results: ${jsonPath}`);
  log(`report: ${options.reportPath}`);
  return { results, jsonPath, reportPath: options.reportPath };
}

/**
 * A report rendered later compares today's default CRF when the run measured it: every CRF point
 * is encoded alike, whichever was the default while the bench ran.
 */
function withCurrentDefault(quality: { crfs: number[]; defaultCrf: number } | undefined): void {
  if (quality && quality.crfs.includes(DEFAULT_CRF)) quality.defaultCrf = DEFAULT_CRF;
}

/**
 * The report from results files instead of a run: a stopped run's partial-*.json (a section stopped
 * midway keeps what it had saved, marked in the report), or several runs' files, each section
 * taken from the first file that finished it, else from one that has it partly.
 */
export async function reportFromFiles(options: BenchOptions, paths: string[]): Promise<BenchRun> {
  type Outcome = { status: string; result?: unknown };
  const files = await Promise.all(
    paths.map(async (path) => ({
      path,
      mtime: (await stat(path)).mtime,
      data: JSON.parse(await readFile(path, "utf8")) as {
        startedAt: string;
        quick: boolean;
        machine: unknown;
        ladder: Record<string, unknown>;
        sections: Partial<Record<SectionId, Outcome>>;
      },
    })),
  );
  const first = files[0];
  if (!first) throw new Error("--report-from needs a file");
  const stoppedMidway: SectionId[] = [];
  // Which files each section came from.
  const origins = new Map<SectionId, Outcome[]>();
  const sections = Object.fromEntries(
    SECTION_IDS.map((id) => {
      const all = files.map((f) => f.data.sections[id]).filter((o): o is Outcome => o !== undefined && o.status !== "skipped");
      const withResult = all.filter((o) => o.status === "ok" || o.status === "partial");
      if (id === "quality" && withResult.length > 1) {
        // Runs that split the corpus between them: their sources side by side, settings alike
        // (the default CRF is set to today's below).
        origins.set(id, withResult);
        const parts = withResult.map((o) => o.result as { sources: unknown[] });
        const settings = (r: object) => JSON.stringify({ ...r, sources: undefined, defaultCrf: undefined });
        if (new Set(parts.map(settings)).size > 1) throw new Error("--report-from: the quality sections were run with different settings");
        // A source measured by more than one run (the synthetic one each run ends with) is kept once.
        const sources = parts
          .flatMap((p) => p.sources as { source: { id: string } }[])
          .filter((src, i, all) => all.findIndex((x) => x.source.id === src.source.id) === i);
        withCurrentDefault(parts[0] as unknown as { crfs: number[]; defaultCrf: number });
        const merged = { status: withResult.every((o) => o.status === "ok") ? "ok" : "partial", result: { ...parts[0]!, sources } };
        if (merged.status === "ok")
          return [id, { ...merged, seconds: Math.max(...withResult.map((o) => (o as { seconds?: number }).seconds ?? 0)) }];
        stoppedMidway.push(id);
        return [id, { status: "ok", seconds: 0, result: merged.result }];
      }
      if (id === "first-playable" && withResult.length) {
        // Runs that measured different source lengths (--first-playable-seconds): their sources side by
        // side, each length from the first file that has it. A stopped run's section may hold its
        // sources only; the settings come from a file that has them, and must agree where both do.
        origins.set(id, withResult);
        const parts = withResult.map((o) => o.result as { sources: { seconds: number }[]; addedLatencyMs?: number });
        const settings = (r: object) => JSON.stringify({ ...r, sources: undefined });
        // Sections saved before the settings were (their runs used these defaults) take today's.
        const full = parts.filter((p) => p.addedLatencyMs !== undefined);
        if (!full.length) full.push({ ...firstPlayableSettings(options), sources: [] });
        if (new Set(full.map(settings)).size > 1)
          throw new Error("--report-from: the first-playable sections were run with different settings");
        const sources = parts
          .flatMap((p) => p.sources)
          .filter((src, i, all) => all.findIndex((x) => x.seconds === src.seconds) === i)
          .sort((a, b) => a.seconds - b.seconds);
        const result = { ...full[0]!, sources };
        if (withResult.every((o) => o.status === "ok"))
          return [id, { status: "ok", seconds: Math.max(...withResult.map((o) => (o as { seconds?: number }).seconds ?? 0)), result }];
        stoppedMidway.push(id);
        return [id, { status: "ok", seconds: 0, result }];
      }
      const outcome = all.find((o) => o.status === "ok") ?? all.find((o) => o.status === "partial") ?? all[0];
      if (id === "quality" && outcome) withCurrentDefault(outcome.result as { crfs: number[]; defaultCrf: number } | undefined);
      if (!outcome) return [id, { status: "skipped", reason: "not run, or not reached before the run was stopped" }];
      origins.set(id, [outcome]);
      if (outcome.status !== "partial") return [id, outcome];
      stoppedMidway.push(id);
      return [id, { status: "ok", seconds: 0, result: outcome.result }];
    }),
  );
  const startedAt = files.map((f) => f.data.startedAt).sort()[0]!;
  const finishedAt = new Date(Math.max(...files.map((f) => f.mtime.getTime())));
  const results = benchResultsSchema.parse({
    version: 1,
    quick: first.data.quick,
    startedAt,
    finishedAt: finishedAt.toISOString(),
    durationSeconds: round((finishedAt.getTime() - new Date(startedAt).getTime()) / 1000, 1),
    machine: first.data.machine,
    ladder: first.data.ladder,
    stoppedMidway,
    sectionRuns:
      files.length > 1
        ? files
            .map((f) => ({
              file: basename(f.path),
              startedAt: f.data.startedAt,
              cpuModel: (f.data.machine as { cpuModel: string }).cpuModel,
              sections: SECTION_IDS.filter((id) => origins.get(id)?.some((o) => f.data.sections[id] === o)),
            }))
            .filter((run) => run.sections.length > 0)
        : [],
    sections,
  });
  const stamp = startedAt.replace(/[:.]/g, "-");
  const jsonPath = join(options.resultsDir, `bench-${stamp}-${files.length > 1 ? "combined" : "stopped"}.json`);
  await mkdir(options.resultsDir, { recursive: true });
  await writeFile(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(options.reportPath, renderReport(results, basename(jsonPath)));
  log(`results: ${jsonPath}`);
  log(`report: ${options.reportPath}`);
  return { results, jsonPath, reportPath: options.reportPath };
}
