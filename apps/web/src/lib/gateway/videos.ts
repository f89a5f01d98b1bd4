import "server-only";
import {
  AddCaptionDocument,
  CompleteCaptionUploadDocument,
  CompleteUploadDocument,
  CreateUploadDocument,
  DeleteVideoDocument,
  LibraryDocument,
  PlayerDocument,
  RemoveCaptionDocument,
  ResumeUploadDocument,
  RetryVideoDocument,
  SignUploadPartsDocument,
  UploadRulesDocument,
  type LibraryQuery,
  type MultipartUploadStateFragment,
  type PartTarget,
  type UploadedPartEtag,
} from "@aq/graphql-client";
import type { MultipartUploadPlan, UploadRules, UploadTarget, VideoDetails, VideoStatus, VideoSummary } from "../videos";
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

/** One presigned PUT, or above the gateway's multipart threshold a plan of parts. */
export type CreatedUpload = { video: VideoSummary } & (
  { upload: UploadTarget; multipart: null } | { upload: null; multipart: MultipartUploadPlan }
);

export async function createUploadVideo(input: NewUpload): Promise<CreatedUpload> {
  const { title, ...upload } = input;
  const data = await gatewayRequest(CreateUploadDocument, { input: { title, upload } });
  const { video, upload: target, multipart } = data.createVideo;
  if (multipart) return { video, upload: null, multipart };
  if (!target) throw new Error(`the gateway created video ${video.id} without an upload target`);
  return { video, upload: target, multipart: null };
}

export async function completeVideoUpload(id: string, parts: UploadedPartEtag[] | null = null): Promise<VideoSummary> {
  return (await gatewayRequest(CompleteUploadDocument, { id, parts })).completeVideoUpload;
}

export async function signUploadParts(id: string, partNumbers: number[]): Promise<PartTarget[]> {
  return (await gatewayRequest(SignUploadPartsDocument, { id, partNumbers })).signUploadParts;
}

export async function resumeVideoUpload(id: string): Promise<MultipartUploadStateFragment> {
  return (await gatewayRequest(ResumeUploadDocument, { id })).resumeVideoUpload;
}

export async function retryVideo(id: string): Promise<VideoSummary> {
  return (await gatewayRequest(RetryVideoDocument, { id })).retryVideo;
}

export async function deleteVideo(id: string): Promise<boolean> {
  return (await gatewayRequest(DeleteVideoDocument, { id })).deleteVideo;
}

/** Step 1 of a caption track: where to PUT its WebVTT or SRT file. */
export async function addCaption(input: { videoId: string; language: string; sizeBytes: number }): Promise<UploadTarget> {
  return (await gatewayRequest(AddCaptionDocument, { input })).addCaption.upload;
}

/** Step 2: the gateway checks the file (CAPTION_INVALID names its first bad line) and lists the track. */
export async function completeCaptionUpload(videoId: string, language: string, label: string | null): Promise<void> {
  await gatewayRequest(CompleteCaptionUploadDocument, { videoId, language, label });
}

/** Takes a track out of the master's SUBTITLES group and deletes its files. */
export async function removeCaption(videoId: string, language: string): Promise<void> {
  await gatewayRequest(RemoveCaptionDocument, { videoId, language });
}
