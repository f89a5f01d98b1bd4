import { uploaderServiceConfig } from "@aq/config";
import { loadConfigOrExit } from "@aq/platform/service";
import { runPipelineWorker } from "@aq/pipeline";
import { runStoreStage } from "./store-stage.js";

const config = loadConfigOrExit("uploader-service", uploaderServiceConfig);

runPipelineWorker({
  service: "uploader-service",
  worker: "uploader",
  config,
  concurrency: config.UPLOADER_CONCURRENCY,
  handle: (deps, videoId, delivery) => runStoreStage(deps, videoId, delivery, { concurrency: config.UPLOAD_FILE_CONCURRENCY }),
});
