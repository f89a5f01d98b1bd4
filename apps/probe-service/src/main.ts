import { probeServiceConfig } from "@aq/config";
import { loadConfigOrExit } from "@aq/platform/service";
import { runPipelineWorker } from "@aq/pipeline";
import { runProbeStage } from "./probe-stage.js";

const config = loadConfigOrExit("probe-service", probeServiceConfig);

runPipelineWorker({
  service: "probe-service",
  worker: "probe",
  config,
  concurrency: config.PROBE_CONCURRENCY,
  handle: (deps, videoId, delivery) =>
    runProbeStage(deps, videoId, delivery, {
      allowPrivateSources: config.SOURCE_URL_ALLOW_PRIVATE,
      maxSourceBytes: config.MAX_SOURCE_BYTES,
    }),
});
