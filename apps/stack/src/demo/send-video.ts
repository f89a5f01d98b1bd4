import { openAsBlob } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import {
  CompleteUploadDocument,
  CreateUploadDocument,
  gatewayUploadApi,
  PlayerDocument,
  uploadInParts,
  VideoProgressDocument,
  type PlayerQuery,
  type VideoProgressSubscription,
} from "@aq/graphql-client";
import type { GraphqlClient } from "./graphql-client.js";
import type { ProgressBoard, StageName } from "./progress-board.js";
import { uploadFile } from "./upload-file.js";

type ProgressEvent = VideoProgressSubscription["videoProgress"];
export type FinishedVideo = NonNullable<PlayerQuery["video"]>;

const CONTENT_TYPES: Record<string, string> = {
  ".mp4": "video/mp4",
  ".m4v": "video/mp4",
  ".mov": "video/quicktime",
  ".mkv": "video/x-matroska",
  ".webm": "video/webm",
  ".avi": "video/x-msvideo",
};

function encodeDetail(event: ProgressEvent): string {
  const parts: string[] = [];
  if (event.fps) parts.push(`${event.fps.toFixed(0)} fps`);
  if (event.speed) parts.push(`${event.speed.toFixed(2)}x`);
  if (event.etaSeconds !== null && event.etaSeconds !== undefined) parts.push(`eta ${Math.ceil(event.etaSeconds)} s`);
  return parts.join("  ");
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * The whole flow an application runs against the API: createVideo with an upload source, PUT
 * the file to the presigned URL (or, above the gateway's multipart threshold, its parts in
 * parallel, resumed from the bucket if a run fails), completeVideoUpload, follow videoProgress until the video
 * reaches a terminal status, then read the video back (with its signed playback URL).
 */
export async function sendVideo(
  client: GraphqlClient,
  file: string,
  options: { title: string; board: ProgressBoard },
): Promise<FinishedVideo> {
  const { size } = await stat(file);
  const { board } = options;
  const created = await client.request(CreateUploadDocument, {
    input: {
      title: options.title,
      upload: {
        filename: basename(file),
        contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
        sizeBytes: size,
      },
    },
  });
  const { video: createdVideo, upload, multipart } = created.createVideo;
  const id = createdVideo.id;
  const startedAt = Date.now();
  const report = (sent: number, total: number) => {
    const seconds = Math.max(0.001, (Date.now() - startedAt) / 1000);
    board.update("upload", total ? (sent / total) * 100 : 100, `${mib(sent)} of ${mib(total)}  ${mib(sent / seconds)}/s`);
  };
  board.update("upload", 0, `0 of ${mib(size)}`);
  if (multipart) {
    const run = async () =>
      uploadInParts({
        api: gatewayUploadApi(client.endpoint),
        videoId: id,
        file: await openAsBlob(file),
        onProgress: (progress) => report(progress.uploadedBytes, progress.totalBytes),
      });
    // Each part is retried already; a run that still fails is resumed once from the parts the bucket holds.
    await run().catch(run);
  } else {
    if (!upload) throw new Error(`the gateway created video ${id} without an upload target`);
    await uploadFile(file, upload, report);
    await client.request(CompleteUploadDocument, { id });
  }

  await client.follow(VideoProgressDocument, { id }, ({ videoProgress: event }) => {
    if (event.error) {
      const stage = (["upload", "probe", "encode", "store"].includes(event.stage) ? event.stage : "store") as StageName;
      board.fail(stage, `${event.status}: ${event.error.code}: ${event.error.message}`);
    } else if (event.stage === "done") {
      if (event.status === "READY") board.complete();
    } else if (["upload", "probe", "encode", "store"].includes(event.stage)) {
      board.update(event.stage as StageName, event.percent, event.stage === "encode" ? encodeDetail(event) : event.status.toLowerCase());
    }
  });

  const { video } = await client.request(PlayerDocument, { id, expiresInSeconds: 3600 });
  if (!video) throw new Error(`video ${id} is gone after its progress ended`);
  return video;
}
