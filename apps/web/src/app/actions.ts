"use server";

import { GatewayError, type GatewayFailure } from "@/lib/gateway/errors";
import type { MultipartUploadStateFragment, PartTarget, UploadedPartEtag } from "@aq/graphql-client";
import {
  addCaption,
  completeCaptionUpload,
  completeVideoUpload,
  createUploadVideo,
  deleteVideo,
  removeCaption,
  resumeVideoUpload,
  retryVideo,
  signUploadParts,
  type CreatedUpload,
  type NewUpload,
} from "@/lib/gateway/videos";
import type { UploadTarget, VideoSummary } from "@/lib/videos";

/**
 * The mutations the browser needs, run on this server with its API key. Failures come back as
 * values: Next replaces the message of an error thrown from a server action in production.
 */
export type ActionResult<T> = { ok: true; value: T } | { ok: false; error: GatewayFailure };

async function run<T>(action: () => Promise<T>): Promise<ActionResult<T>> {
  try {
    return { ok: true, value: await action() };
  } catch (error) {
    if (error instanceof GatewayError) return { ok: false, error: error.toFailure() };
    throw error;
  }
}

/** Server actions are public endpoints: the arguments are checked, whatever the caller's types said. */
function videoId(id: unknown): string {
  if (typeof id !== "string" || id.length === 0 || id.length > 64)
    throw new GatewayError({ code: "BAD_USER_INPUT", message: "a video id is required" });
  return id;
}

export async function createUploadAction(input: NewUpload): Promise<ActionResult<CreatedUpload>> {
  return run(() => {
    const { title, filename, contentType, sizeBytes } = input ?? {};
    if (typeof filename !== "string" || typeof contentType !== "string" || typeof sizeBytes !== "number") {
      throw new GatewayError({ code: "BAD_USER_INPUT", message: "filename, contentType and sizeBytes are required" });
    }
    return createUploadVideo({ title: typeof title === "string" && title.trim() ? title.trim() : null, filename, contentType, sizeBytes });
  });
}

export async function completeUploadAction(id: string, parts: UploadedPartEtag[] | null = null): Promise<ActionResult<VideoSummary>> {
  return run(() => {
    // The gateway checks each part against the bucket; here only the shape, whatever the caller's types said.
    if (parts !== null && (!Array.isArray(parts) || parts.some((p) => typeof p?.partNumber !== "number" || typeof p?.etag !== "string")))
      throw new GatewayError({ code: "BAD_USER_INPUT", message: "parts must be a list of { partNumber, etag }" });
    return completeVideoUpload(videoId(id), parts);
  });
}

export async function signUploadPartsAction(id: string, partNumbers: number[]): Promise<ActionResult<PartTarget[]>> {
  return run(() => {
    if (!Array.isArray(partNumbers) || partNumbers.some((n) => typeof n !== "number"))
      throw new GatewayError({ code: "BAD_USER_INPUT", message: "partNumbers must be a list of numbers" });
    return signUploadParts(videoId(id), partNumbers);
  });
}

export async function resumeUploadAction(id: string): Promise<ActionResult<MultipartUploadStateFragment>> {
  return run(() => resumeVideoUpload(videoId(id)));
}

export async function retryVideoAction(id: string): Promise<ActionResult<VideoSummary>> {
  return run(() => retryVideo(videoId(id)));
}

export async function deleteVideoAction(id: string): Promise<ActionResult<boolean>> {
  return run(() => deleteVideo(videoId(id)));
}

function text(value: unknown, name: string): string {
  if (typeof value !== "string" || value.length > 200) throw new GatewayError({ code: "BAD_USER_INPUT", message: `${name} is required` });
  return value;
}

export async function addCaptionAction(id: string, language: string, sizeBytes: number): Promise<ActionResult<UploadTarget>> {
  return run(() => {
    if (typeof sizeBytes !== "number") throw new GatewayError({ code: "BAD_USER_INPUT", message: "sizeBytes is required" });
    return addCaption({ videoId: videoId(id), language: text(language, "language"), sizeBytes });
  });
}

export async function completeCaptionAction(id: string, language: string, label: string): Promise<ActionResult<null>> {
  return run(async () => {
    const given = text(label, "label").trim();
    await completeCaptionUpload(videoId(id), text(language, "language"), given || null);
    return null;
  });
}

export async function removeCaptionAction(id: string, language: string): Promise<ActionResult<null>> {
  return run(async () => {
    await removeCaption(videoId(id), text(language, "language"));
    return null;
  });
}
