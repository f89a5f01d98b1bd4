import { stat } from "node:fs/promises";
import { basename, extname } from "node:path";
import type { GraphqlClient } from "./graphql-client.js";
import type { ProgressBoard, StageName } from "./progress-board.js";
import { uploadFile, type UploadTarget } from "./upload-file.js";

const CREATE_VIDEO = /* GraphQL */ `
  mutation CreateVideo($input: CreateVideoInput!) {
    createVideo(input: $input) {
      video { id status }
      upload { url method headers { name value } expiresAt }
    }
  }`;

const COMPLETE_UPLOAD = /* GraphQL */ `
  mutation CompleteUpload($id: ID!) {
    completeVideoUpload(id: $id) { id status }
  }`;

const VIDEO_PROGRESS = /* GraphQL */ `
  subscription Progress($id: ID!) {
    videoProgress(id: $id) { videoId status stage percent fps speed etaSeconds error { code message } }
  }`;

const VIDEO = /* GraphQL */ `
  query Video($id: ID!) {
    video(id: $id) {
      id status durationSeconds width height
      renditions { name width height bandwidth }
      error { code message }
      playbackUrl(expiresInSeconds: 3600)
    }
  }`;

interface ProgressEvent {
  videoId: string;
  status: string;
  stage: string;
  percent: number;
  fps: number | null;
  speed: number | null;
  etaSeconds: number | null;
  error: { code: string; message: string } | null;
}

export interface FinishedVideo {
  id: string;
  status: string;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
  renditions: { name: string; width: number; height: number; bandwidth: number }[];
  error: { code: string; message: string } | null;
  playbackUrl: string | null;
}

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
 * the file to the presigned URL, completeVideoUpload, follow videoProgress until the video
 * reaches a terminal status, then read the video back (with its signed playback URL).
 */
export async function sendVideo(client: GraphqlClient, file: string, options: { title: string; board: ProgressBoard }): Promise<FinishedVideo> {
  const { size } = await stat(file);
  const { board } = options;
  const created = await client.request<{ createVideo: { video: { id: string }; upload: UploadTarget } }>(CREATE_VIDEO, {
    input: {
      title: options.title,
      upload: { filename: basename(file), contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? "application/octet-stream", sizeBytes: size },
    },
  });
  const id = created.createVideo.video.id;
  const startedAt = Date.now();
  board.update("upload", 0, `0 of ${mib(size)}`);
  await uploadFile(file, created.createVideo.upload, (sent, total) => {
    const seconds = Math.max(0.001, (Date.now() - startedAt) / 1000);
    board.update("upload", total ? (sent / total) * 100 : 100, `${mib(sent)} of ${mib(total)}  ${mib(sent / seconds)}/s`);
  });
  await client.request(COMPLETE_UPLOAD, { id });

  await client.subscribe<{ videoProgress: ProgressEvent }>(VIDEO_PROGRESS, { id }, ({ videoProgress: event }) => {
    if (event.error) {
      const stage = (["upload", "probe", "encode", "store"].includes(event.stage) ? event.stage : "store") as StageName;
      board.fail(stage, `${event.status}: ${event.error.code}: ${event.error.message}`);
    } else if (event.stage === "done") {
      if (event.status === "READY") board.complete();
    } else if (["upload", "probe", "encode", "store"].includes(event.stage)) {
      board.update(event.stage as StageName, event.percent, event.stage === "encode" ? encodeDetail(event) : event.status.toLowerCase());
    }
  });

  const { video } = await client.request<{ video: FinishedVideo | null }>(VIDEO, { id });
  if (!video) throw new Error(`video ${id} is gone after its progress ended`);
  return video;
}
