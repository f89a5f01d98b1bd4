import { z } from "zod";
import { envInt } from "@aq/config";
import { loadConfigOrExit } from "@aq/platform/service";
import { pipelineWorkerEnv, runPipelineWorker } from "@aq/pipeline";
import { runUploadStage } from "./upload-stage.js";

const config = loadConfigOrExit(
  "uploader-service",
  z.object({
    ...pipelineWorkerEnv,
    HEALTH_PORT: envInt(8083, 0, 65535),
    UPLOADER_CONCURRENCY: envInt(2, 1, 64),
    /** Parallel object uploads within one video. */
    UPLOAD_FILE_CONCURRENCY: envInt(8, 1, 64),
  }),
);

runPipelineWorker({
  service: "uploader-service",
  worker: "uploader",
  config,
  concurrency: config.UPLOADER_CONCURRENCY,
  handle: (deps, videoId, delivery) => runUploadStage(deps, videoId, delivery, { concurrency: config.UPLOAD_FILE_CONCURRENCY }),
});
