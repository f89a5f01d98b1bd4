import { availableParallelism } from "node:os";
import { z } from "zod";
import { envInt } from "@aq/config";
import { loadConfigOrExit } from "@aq/platform/service";
import { pipelineWorkerEnv, runPipelineWorker } from "@aq/pipeline";
import { runEncodeStage } from "./encode-stage.js";

const config = loadConfigOrExit(
  "encoder-service",
  z.object({
    ...pipelineWorkerEnv,
    HEALTH_PORT: envInt(8082, 0, 65535),
    // The guide's "one encode job per CPU core" (docs/encoding-guide.md §11).
    ENCODER_CONCURRENCY: envInt(availableParallelism(), 1, 64),
    ENCODE_DISK_RESERVE_BYTES: envInt(512 * 1024 * 1024, 0),
  }),
);

runPipelineWorker({
  service: "encoder-service",
  worker: "encoder",
  config,
  concurrency: config.ENCODER_CONCURRENCY,
  handle: (deps, videoId, delivery) => runEncodeStage(deps, videoId, delivery, { diskReserveBytes: config.ENCODE_DISK_RESERVE_BYTES }),
});
