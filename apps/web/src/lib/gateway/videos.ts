import "server-only";
import {
  CompleteUploadDocument,
  CreateUploadDocument,
  DeleteVideoDocument,
  LibraryDocument,
  PlayerDocument,
  RetryVideoDocument,
  UploadRulesDocument,
  type LibraryQuery,
} from "@aq/graphql-client";
import type { UploadRules, UploadTarget, VideoDetails, VideoStatus, VideoSummary } from "../videos";
import { gatewayRequest } from "./request";

export type LibraryPage = LibraryQuery["videos"];

/** One page of the library, newest first; without a status the gateway leaves deleted videos out. */
export async function listVideos(options: { status?: VideoStatus; first: number; after?: string }): Promise<LibraryPage> {
  return (await gatewayRequest(LibraryDocument, options)).videos;
}

export async function videoForPlayback(id: string, expiresInSeconds: number): Promise<VideoDetails | null> {
  return (await gatewayRequest(PlayerDocument, { id, expiresInSeconds })).video;
}

export async function uploadRules(): Promise<UploadRules> {
  return (await gatewayRequest(UploadRulesDocument, {})).uploadRules;
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
