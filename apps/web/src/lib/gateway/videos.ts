import "server-only";
import {
  CompleteUploadDocument,
  CreateUploadDocument,
  DeleteVideoDocument,
  LibraryDocument,
  PlayerDocument,
  RetryVideoDocument,
  type PlayerQuery,
} from "@aq/graphql-client";
import type { UploadTarget, VideoSummary } from "../videos";
import { gatewayRequest } from "./request";

/** The newest videos first; the gateway caps a page at 100. */
export async function listVideos(first = 50): Promise<VideoSummary[]> {
  const data = await gatewayRequest(LibraryDocument, { first });
  return data.videos.edges.map((edge) => edge.node);
}

export type PlayableVideo = NonNullable<PlayerQuery["video"]>;

export async function videoForPlayback(id: string, expiresInSeconds: number): Promise<PlayableVideo | null> {
  return (await gatewayRequest(PlayerDocument, { id, expiresInSeconds })).video;
}

export interface NewUpload {
  title: string | null;
  filename: string;
  contentType: string;
  sizeBytes: number;
}

export async function createUploadVideo(input: NewUpload): Promise<{ video: VideoSummary; upload: UploadTarget }> {
  const { title, ...upload } = input;
  const data = await gatewayRequest(CreateUploadDocument, { input: { title, upload } });
  const { video, upload: target } = data.createVideo;
  if (!target) throw new Error(`the gateway created video ${video.id} without an upload target`);
  return { video, upload: target };
}

export async function completeVideoUpload(id: string): Promise<VideoSummary> {
  return (await gatewayRequest(CompleteUploadDocument, { id })).completeVideoUpload;
}

export async function retryVideo(id: string): Promise<VideoSummary> {
  return (await gatewayRequest(RetryVideoDocument, { id })).retryVideo;
}

export async function deleteVideo(id: string): Promise<boolean> {
  return (await gatewayRequest(DeleteVideoDocument, { id })).deleteVideo;
}
