import { encoderServiceConfig } from "@aq/config";
import { loadConfigOrExit } from "@aq/platform/service";
import { runPipelineWorker } from "@aq/pipeline";
import { runEncodeStage } from "./encode-stage.js";
import { runChunkJob } from "./chunk-stage.js";

const config = loadConfigOrExit("encoder-service", encoderServiceConfig);

runPipelineWorker({
  service: "encoder-service",
  worker: "encoder",
  config,
  concurrency: config.ENCODER_CONCURRENCY,
  handle: (deps, videoId, delivery) =>
    runEncodeStage(deps, videoId, delivery, {
      diskReserveBytes: config.ENCODE_DISK_RESERVE_BYTES,
      stageConcurrency: config.UPLOAD_FILE_CONCURRENCY,
      chunking: {
        minSourceSeconds: config.CHUNK_MIN_SOURCE_SECONDS,
        chunkSeconds: config.CHUNK_SECONDS,
        firstChunkSegments: config.CHUNK_FIRST_SEGMENTS,
      },
    }),
  // One chunk per core, like whole encodes (the guide: "one encode job per CPU core").
  chunkJobs: {
    concurrency: config.ENCODER_CONCURRENCY,
    handle: (deps, job, delivery) => runChunkJob(deps, job, delivery, { firstChunkPreset: config.CHUNK_FIRST_PRESET }),
  },
});
