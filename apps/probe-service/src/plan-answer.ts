import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import type { LadderConfig } from "@aq/config";
import { AqError, isAqError, toErrorValue, type PlanReply, type PlanRequest, type VideoPlan } from "@aq/contracts";
import { planDryRun, type DryRunPlan } from "@aq/media";
import { fetchSourceToFile } from "@aq/platform/sources";
import { downloadObject, type Storage } from "@aq/platform/storage";

export interface PlanAnswerDeps {
  storage: Storage;
  ladder: LadderConfig;
  /** createVideo's sourceUrl rules: the same settings the probe stage fetches with. */
  allowPrivateSources: boolean;
  maxSourceBytes: number;
}

/**
 * Answers one planVideo request as the probe stage would judge the source: fetched (a URL,
 * under the stage's address rules and size limit) or read from the bucket (an upload), then
 * `aq plan`'s planDryRun. A typed error about the source is a verdict (`rejected`, its SOURCE_*
 * code), as the probe stage records it; anything else is thrown for the responder to report.
 */
export async function answerPlanRequest(deps: PlanAnswerDeps, request: PlanRequest, signal: AbortSignal): Promise<PlanReply> {
  const scratch = await mkdtemp(join(tmpdir(), "aq-plan-"));
  try {
    const local = join(scratch, "source");
    try {
      await fetchPlanSource(deps, request.source, local, signal);
      const dry = await planDryRun(local, deps.ladder, signal);
      return { v: 1, outcome: "planned", plan: videoPlanOf(dry) };
    } catch (error) {
      if (!isAqError(error) || error.code === "ENCODE_ABORTED" || signal.aborted) throw error;
      return { v: 1, outcome: "rejected", error: toErrorValue(error) };
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function fetchPlanSource(deps: PlanAnswerDeps, source: PlanRequest["source"], path: string, signal: AbortSignal): Promise<void> {
  if (source.kind === "url") {
    await fetchSourceToFile(source.url, path, {
      allowPrivate: deps.allowPrivateSources,
      maxBytes: deps.maxSourceBytes,
      signal,
      storage: deps.storage,
    });
    return;
  }
  try {
    await downloadObject(deps.storage, source.key, path);
  } catch (error) {
    // Planned before its PUT (or a multipart upload, which only completeVideoUpload assembles).
    if (isAqError(error) && error.code === "NOT_FOUND")
      throw new AqError("SOURCE_NOT_FOUND", "the upload is not in the bucket: PUT the whole file before planning it");
    throw error;
  }
}

/**
 * planDryRun names the encoder's input as a `file:` path resolved against this process's
 * folder; a client is shown the file name alone, not the server's layout.
 */
function withoutServerPath(arg: string): string {
  const here = `file:${process.cwd()}${sep}`;
  return arg.startsWith(here) ? `file:${arg.slice(here.length)}` : arg;
}

/** The plan as the API shows it: the source's facts, the ladder, the arguments and the estimates. */
export function videoPlanOf(dry: DryRunPlan): VideoPlan {
  const { info, plan, estimate } = dry;
  const video = info.video!;
  return {
    source: {
      container: info.container,
      durationSeconds: info.durationSeconds,
      width: video.displayWidth,
      height: video.displayHeight,
      frameRate: video.avgFrameRate || video.rFrameRate,
      videoCodec: video.codec,
      hdr: video.hdr !== null,
      audioCodec: info.audio?.codec ?? null,
      audioChannels: info.audio?.channels ?? null,
    },
    renditions: plan.map((r) => ({
      name: r.name,
      width: r.width,
      height: r.height,
      frameRate: r.frameRateText,
      videoBitrateKbps: r.videoBitrateKbps,
      maxrateKbps: r.maxrateKbps,
      bufsizeKbps: r.bufsizeKbps,
      audioBitrateKbps: info.audio ? r.audioBitrateKbps : null,
      bandwidth: r.bandwidth,
    })),
    ffmpegArgs: dry.ffmpegArgs.map(withoutServerPath),
    estimate: {
      cpuSeconds: estimate.cpuSeconds,
      encodeSeconds: estimate.wallSecondsOnThisMachine,
      storedBytesAtMost: estimate.storedBytesAtMost,
    },
  };
}
