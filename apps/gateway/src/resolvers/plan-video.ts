import { AqError, type PlanRequest } from "@aq/contracts";
import { requestPlan } from "@aq/platform/bus";
import { getVideo } from "@aq/platform/db";
import type { GatewayRuntime } from "../deps.js";
import { PlanVerdict, type QueryPlanVideoArgs, type QueryResolvers } from "../generated/resolvers.js";
import { videoIdArg } from "../graphql/ids.js";
import { publicError } from "../graphql/public-error.js";

/**
 * A dry run of the pipeline on a source, made by a probe service (the gateway has no ffprobe):
 * the request goes over core NATS and waits up to PLAN_TIMEOUT_SECONDS.
 */
export const planVideo: QueryResolvers["planVideo"] = async (_parent, { input }, { runtime, log }) => {
  const source = await planSourceOf(runtime, input);
  const reply = await requestPlan(runtime.nc, { v: 1, source, timeoutMs: runtime.config.PLAN_TIMEOUT_SECONDS * 1000 });
  // The source URL is not logged: it may carry a presigned query string.
  log.info(
    { source: source.kind, outcome: reply.outcome, code: reply.outcome === "planned" ? undefined : reply.error.code },
    "plan answered",
  );
  if (reply.outcome === "failed") throw new AqError("INTERNAL", `the probe service could not make the plan: ${reply.error.message}`);
  if (reply.outcome === "rejected") {
    return {
      verdict: PlanVerdict.Rejected,
      error: publicError(reply.error),
      source: null,
      renditions: [],
      ffmpegArgs: [],
      estimatedCpuSeconds: null,
      estimatedEncodeSeconds: null,
      estimatedStoredBytes: null,
    };
  }
  const { plan } = reply;
  return {
    verdict: PlanVerdict.Accepted,
    error: null,
    source: plan.source,
    renditions: plan.renditions,
    ffmpegArgs: plan.ffmpegArgs,
    estimatedCpuSeconds: plan.estimate.cpuSeconds,
    estimatedEncodeSeconds: plan.estimate.encodeSeconds,
    estimatedStoredBytes: plan.estimate.storedBytesAtMost,
  };
};

/** The source to plan: a URL as given, or the object of an upload that is PUT but not yet completed. */
async function planSourceOf(runtime: GatewayRuntime, input: QueryPlanVideoArgs["input"]): Promise<PlanRequest["source"]> {
  const given = [input.sourceUrl, input.videoId].filter((value) => value !== null && value !== undefined).length;
  if (given !== 1) throw new AqError("INVALID_INPUT", "give exactly one source to plan: either input.sourceUrl or input.videoId");
  if (input.sourceUrl) return { kind: "url", url: input.sourceUrl.trim() };
  const id = videoIdArg(input.videoId!);
  const video = await getVideo(runtime.db, id);
  if (!video) throw new AqError("NOT_FOUND", `no video ${id}`);
  if (video.status !== "awaiting_upload" || video.sourceKind !== "upload") {
    throw new AqError(
      "INVALID_INPUT",
      `video ${id} is not an upload waiting for completeVideoUpload (it is ${video.status.toUpperCase()}): plan a sourceUrl instead`,
    );
  }
  if (video.multipartUploadId) {
    throw new AqError("INVALID_INPUT", `video ${id} is a multipart upload, whose file exists only once completeVideoUpload assembles it`);
  }
  return { kind: "upload", key: video.sourceLocation };
}
