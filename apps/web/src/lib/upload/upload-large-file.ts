import {
  uploadInParts,
  type MultipartProgress,
  type MultipartUploadApi,
  type MultipartUploadStateFragment,
  type PartTarget,
  type UploadedPartEtag,
} from "@aq/graphql-client";
import { forgetUpload, rememberUpload } from "./pending-uploads";

/** A server action's answer (see app/actions.ts): the browser never holds the API key. */
export type ActionAnswer<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } };

export class UploadActionError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "UploadActionError";
  }
}

async function unwrap<T>(answer: Promise<ActionAnswer<T>>): Promise<T> {
  const result = await answer;
  if (!result.ok) throw new UploadActionError(result.error.code, `${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** The gateway calls of a multipart upload, made through this app's server actions. */
export interface UploadActions {
  resume(id: string): Promise<ActionAnswer<MultipartUploadStateFragment>>;
  sign(id: string, partNumbers: number[]): Promise<ActionAnswer<PartTarget[]>>;
  complete(id: string, parts: UploadedPartEtag[] | null): Promise<ActionAnswer<unknown>>;
}

/**
 * Uploads a file's parts in parallel (or resumes them: the bucket says which it holds), with
 * progress, remembering the upload in localStorage until it is complete so that a reload can
 * resume it. Throws with a message to show; the entry stays for a later resume.
 */
export async function uploadFromActions(options: {
  actions: UploadActions;
  videoId: string;
  file: File;
  expiresAt: string;
  signal?: AbortSignal;
  onProgress(progress: MultipartProgress): void;
}): Promise<void> {
  const { actions, videoId, file } = options;
  rememberUpload({ videoId, name: file.name, size: file.size, lastModified: file.lastModified, expiresAt: options.expiresAt });
  const api: MultipartUploadApi = {
    resume: (id) => unwrap(actions.resume(id)),
    signParts: (id, numbers) => unwrap(actions.sign(id, numbers)),
    complete: (id, parts) => unwrap(actions.complete(id, parts)),
  };
  try {
    await uploadInParts({ api, videoId, file, signal: options.signal, onProgress: options.onProgress });
  } catch (error) {
    // An upload the gateway no longer has (aborted, expired, deleted) cannot be resumed.
    if (
      error instanceof UploadActionError &&
      (error.code === "NOT_FOUND" || error.code === "INVALID_INPUT" || error.code === "SOURCE_NOT_FOUND")
    )
      forgetUpload(videoId);
    throw error;
  }
  forgetUpload(videoId);
}
