import { probeServiceConfig } from "@aq/config";
import { servePlanRequests } from "@aq/platform/bus";
import { loadConfigOrExit } from "@aq/platform/service";
import { runPipelineWorker } from "@aq/pipeline";
import { answerPlanRequest } from "./plan-answer.js";
import { runProbeStage } from "./probe-stage.js";

const config = loadConfigOrExit("probe-service", probeServiceConfig);
const sourceRules = { allowPrivateSources: config.SOURCE_URL_ALLOW_PRIVATE, maxSourceBytes: config.MAX_SOURCE_BYTES };

runPipelineWorker({
  service: "probe-service",
  worker: "probe",
  config,
  concurrency: config.PROBE_CONCURRENCY,
  handle: (deps, videoId, delivery) => runProbeStage(deps, videoId, delivery, sourceRules),
  // The probe image has ffprobe and the probe stage's source rules; the gateway has neither.
  alongside: (deps, signal) =>
    servePlanRequests(deps.nc, {
      concurrency: config.PROBE_CONCURRENCY,
      log: deps.log,
      signal,
      answer: (request, requestSignal) =>
        answerPlanRequest({ storage: deps.storage, ladder: deps.ladder, ...sourceRules }, request, requestSignal),
    }).stopped,
});
