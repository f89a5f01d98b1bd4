import "server-only";
import type { UploadTarget, VideoSummary } from "../videos";
import {
  COMPLETE_UPLOAD_MUTATION,
  CREATE_UPLOAD_MUTATION,
  DELETE_VIDEO_MUTATION,
  LIBRARY_QUERY,
  PLAYER_QUERY,
  RETRY_VIDEO_MUTATION,
} from "./operations";
import { gatewayRequest } from "./request";

/** The newest videos first; the gateway caps a page at 100. */
export async function listVideos(first = 50): Promise<VideoSummary[]> {
  const data = await gatewayRequest<{ videos: { edges: { node: VideoSummary }[] } }>(LIBRARY_QUERY, { first });
  return data.videos.edges.map((edge) => edge.node);
}

export type PlayableVideo = VideoSummary & { playbackUrl: string | null };

export async function videoForPlayback(id: string, expiresInSeconds: number): Promise<PlayableVideo | null> {
  const data = await gatewayRequest<{ video: PlayableVideo | null }>(PLAYER_QUERY, { id, expiresInSeconds });
  return data.video;
}

export interface NewUpload {
  title: string | null;
  filename: string;
  contentType: string;
  sizeBytes: number;
}

export async function createUploadVideo(input: NewUpload): Promise<{ video: VideoSummary; upload: UploadTarget }> {
  const { title, ...upload } = input;
  const data = await gatewayRequest<{ createVideo: { video: VideoSummary; upload: UploadTarget | null } }>(CREATE_UPLOAD_MUTATION, {
    input: { title, upload },
  });
  const { video, upload: target } = data.createVideo;
  if (!target) throw new Error(`the gateway created video ${video.id} without an upload target`);
  return { video, upload: target };
}

export async function completeVideoUpload(id: string): Promise<VideoSummary> {
  return (await gatewayRequest<{ completeVideoUpload: VideoSummary }>(COMPLETE_UPLOAD_MUTATION, { id })).completeVideoUpload;
}

export async function retryVideo(id: string): Promise<VideoSummary> {
  return (await gatewayRequest<{ retryVideo: VideoSummary }>(RETRY_VIDEO_MUTATION, { id })).retryVideo;
}

export async function deleteVideo(id: string): Promise<boolean> {
  return (await gatewayRequest<{ deleteVideo: boolean }>(DELETE_VIDEO_MUTATION, { id })).deleteVideo;
}
