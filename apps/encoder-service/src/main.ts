import { encoderServiceConfig } from "@aq/config";
import { loadConfigOrExit } from "@aq/platform/service";
import { runPipelineWorker } from "@aq/pipeline";
import { runEncodeStage } from "./encode-stage.js";

const config = loadConfigOrExit("encoder-service", encoderServiceConfig);

runPipelineWorker({
  service: "encoder-service",
  worker: "encoder",
  config,
  concurrency: config.ENCODER_CONCURRENCY,
  handle: (deps, videoId, delivery) => runEncodeStage(deps, videoId, delivery, { diskReserveBytes: config.ENCODE_DISK_RESERVE_BYTES }),
});
