import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { encodeVideo } from "@aq/media";
import type { BenchContext } from "../context.js";
import { CompleteUploadDocument, CreateUploadDocument } from "@aq/graphql-client";
import { uploadFile } from "@aq/stack";
import { followProgress, gatewayRequest, wsClient, type GatewayEndpoint } from "../gateway/graphql.js";
import { alternation, median, round } from "../measure.js";
import type { PipelineSection } from "../results.js";
import type { StackSession } from "../stack-session.js";

/**
 * createVideo -> PUT -> completeVideoUpload -> videoProgress until READY, as an application
 * does it. Returns the seconds from the start to the first sight of each status.
 */
export async function sendThroughGateway(endpoint: GatewayEndpoint, file: string, title: string): Promise<Record<string, number>> {
  const reached: Record<string, number> = {};
  const start = performance.now();
  const mark = (status: string) => {
    reached[status] ??= round((performance.now() - start) / 1000);
  };
  const { size } = await stat(file);
  const created = await gatewayRequest(endpoint, CreateUploadDocument, {
    input: { title, upload: { filename: "source.mp4", contentType: "video/mp4", sizeBytes: size } },
  });
  const { id } = created.createVideo.video;
  mark(created.createVideo.video.status);
  const upload = created.createVideo.upload;
  if (!upload) throw new Error("createVideo with an upload source returned no upload target");

  const client = wsClient(endpoint);
  try {
    // Subscribed before the upload completes, so every status change is seen.
    const done = followProgress(client, id, (event) => mark(event.status));
    await uploadFile(file, upload);
    mark("PUT_DONE");
    await gatewayRequest(endpoint, CompleteUploadDocument, { id });
    await done;
  } finally {
    await client.dispose();
  }
  if (reached.READY === undefined) throw new Error(`video ${id}'s progress ended without READY`);
  return reached;
}

/**
 * Wall time of one video through the running stack, from createVideo to READY, against
 * encodeVideo of the same file in this process, alternating.
 */
export async function runPipelineOverhead(ctx: BenchContext, session: StackSession): Promise<PipelineSection> {
  const source = await ctx.sources.get(ctx.options.pipeline.source);
  const { stack } = session;
  const endpoint: GatewayEndpoint = { graphqlUrl: stack.graphqlUrl, graphqlWsUrl: stack.graphqlWsUrl, apiKey: stack.apiKey };
  const runs: PipelineSection["runs"] = [];
  const reachedRuns: Record<string, number>[] = [];
  for (const [i, kind] of alternation("pipeline" as const, "bare" as const, ctx.options.pipeline.runs).entries()) {
    ctx.log(`pipeline: ${kind} run ${Math.floor(i / 2) + 1}/${ctx.options.pipeline.runs}`);
    if (kind === "pipeline") {
      const reached = await sendThroughGateway(endpoint, source.path, `bench ${i}`);
      reachedRuns.push(reached);
      runs.push({ kind, wallSeconds: reached.READY! });
    } else {
      const dir = join(ctx.workDir, `pipeline-bare-${i}`);
      await mkdir(dir, { recursive: true });
      const start = performance.now();
      await encodeVideo({
        source: source.path,
        workDir: join(dir, "work"),
        outDir: join(dir, "out", "bench"),
        videoId: "bench",
        ladder: ctx.ladder,
      });
      runs.push({ kind, wallSeconds: round((performance.now() - start) / 1000) });
      await rm(dir, { recursive: true, force: true });
    }
  }
  const pipelineSeconds = median(runs.filter((r) => r.kind === "pipeline").map((r) => r.wallSeconds));
  const bareEncodeSeconds = median(runs.filter((r) => r.kind === "bare").map((r) => r.wallSeconds));
  const statuses = [...new Set(reachedRuns.flatMap((r) => Object.keys(r)))];
  const statusReachedSeconds = Object.fromEntries(
    statuses
      .map((s) => [s, round(median(reachedRuns.flatMap((r) => (r[s] === undefined ? [] : [r[s]!]))))] as const)
      .sort((a, b) => a[1] - b[1]),
  );
  const at = (r: Record<string, number>, status: string) => {
    const value = r[status];
    if (value === undefined) throw new Error(`the subscription never showed ${status} (saw ${Object.keys(r).join(", ")})`);
    return value;
  };
  const outside = reachedRuns.map((r) => at(r, "ENCODING") + at(r, "READY") - at(r, "ENCODED"));
  const encoding = reachedRuns.map((r) => at(r, "ENCODED") - at(r, "ENCODING"));
  return {
    source: source.description,
    runs,
    pipelineSeconds: round(pipelineSeconds),
    bareEncodeSeconds: round(bareEncodeSeconds),
    overheadSeconds: round(pipelineSeconds - bareEncodeSeconds),
    overheadFraction: round((pipelineSeconds - bareEncodeSeconds) / bareEncodeSeconds),
    outsideEncodingSeconds: round(median(outside)),
    encodingStatusSeconds: round(median(encoding)),
    statusReachedSeconds,
  };
}
