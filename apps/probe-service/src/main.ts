import { z } from "zod";
import { envInt, sourceUrlEnv } from "@aq/config";
import { loadConfigOrExit } from "@aq/platform/service";
import { pipelineWorkerEnv, runPipelineWorker } from "@aq/pipeline";
import { runProbeStage } from "./probe-stage.js";

const config = loadConfigOrExit(
  "probe-service",
  z.object({
    ...pipelineWorkerEnv,
    ...sourceUrlEnv,
    HEALTH_PORT: envInt(8081, 0, 65535),
    PROBE_CONCURRENCY: envInt(2, 1, 64),
  }),
);

runPipelineWorker({
  service: "probe-service",
  worker: "probe",
  config,
  concurrency: config.PROBE_CONCURRENCY,
  handle: (deps, videoId, delivery) =>
    runProbeStage(deps, videoId, delivery, { allowPrivateSources: config.SOURCE_URL_ALLOW_PRIVATE, maxSourceBytes: config.MAX_SOURCE_BYTES }),
});
