"use client";

import { useSyncExternalStore } from "react";
import { pendingUploadFor } from "@/lib/upload/pending-uploads";
import { uploadFromActions, type UploadActions } from "@/lib/upload/upload-large-file";
import { completeUploadAction, createUploadAction, resumeUploadAction, signUploadPartsAction } from "../actions";
import { attachCaption } from "./attach-caption";
import { putFile } from "./put-file";

/** A direct upload this tab is sending: kept outside any page, so moving to the video's page does not stop it. */
export type UploadState =
  | { phase: "uploading"; sent: number; total: number }
  | { phase: "completing"; total: number }
  | { phase: "done"; total: number }
  | { phase: "failed"; message: string };

const uploads = new Map<string, UploadState>();
const listeners = new Set<() => void>();

function set(videoId: string, state: UploadState): void {
  uploads.set(videoId, state);
  for (const listener of listeners) listener();
  syncLeaveWarning();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function busy(): boolean {
  return [...uploads.values()].some((state) => state.phase === "uploading" || state.phase === "completing");
}

/** Leaving the page (reload, closing the tab, another site) would abort the PUT: the browser asks first. */
function warnBeforeLeaving(event: BeforeUnloadEvent): void {
  event.preventDefault();
  // Older browsers show the dialog only when returnValue is set.
  event.returnValue = "";
}

let warning = false;
function syncLeaveWarning(): void {
  if (busy() === warning) return;
  warning = !warning;
  if (warning) window.addEventListener("beforeunload", warnBeforeLeaving);
  else window.removeEventListener("beforeunload", warnBeforeLeaving);
}

const UPLOAD_ACTIONS: UploadActions = { resume: resumeUploadAction, sign: signUploadPartsAction, complete: completeUploadAction };

/** A large file's parts, in parallel and resumable (lib/upload); its progress counts the parts already in the bucket. */
function sendParts(videoId: string, file: File, expiresAt: string): void {
  set(videoId, { phase: "uploading", sent: 0, total: file.size });
  uploadFromActions({
    actions: UPLOAD_ACTIONS,
    videoId,
    file,
    expiresAt,
    onProgress: (progress) => set(videoId, { phase: "uploading", sent: progress.uploadedBytes, total: progress.totalBytes }),
  }).then(
    () => set(videoId, { phase: "done", total: file.size }),
    (error: unknown) => {
      const resumable = pendingUploadFor(file) !== null;
      set(videoId, { phase: "failed", message: `${(error as Error).message}${resumable ? " Choose the same file again to resume." : ""}` });
    },
  );
}

/** A caption file chosen with the video: attached as soon as the video exists. */
export interface UploadCaption {
  language: string;
  label: string;
  file: File;
}

export type UploadStarted = { ok: true; videoId: string; captionProblem: string | null } | { ok: false; message: string };

/**
 * createVideo, then the caption file if one was chosen (the server keeps it until the video is
 * READY), then (without waiting) the PUT to the presigned URL and completeVideoUpload, or for a
 * file above the gateway's multipart threshold its parts. A file whose multipart upload this
 * browser started and did not finish (after a reload, a closed tab) resumes that video. Resolves
 * as soon as the video exists and the caption is attached or refused (captionProblem says why),
 * so the caller can move to its page.
 */
export async function startUpload(file: File, title: string, caption: UploadCaption | null): Promise<UploadStarted> {
  const pending = pendingUploadFor(file);
  const attach = async (videoId: string) => {
    if (!caption) return null;
    const attached = await attachCaption(videoId, caption);
    return attached.ok ? null : attached.message;
  };
  if (pending) {
    const captionProblem = await attach(pending.videoId);
    sendParts(pending.videoId, file, pending.expiresAt);
    return { ok: true, videoId: pending.videoId, captionProblem };
  }
  const created = await createUploadAction({
    title,
    filename: file.name,
    contentType: file.type || "application/octet-stream",
    sizeBytes: file.size,
  });
  if (!created.ok) return { ok: false, message: created.error.message };
  const { video, upload, multipart } = created.value;
  const videoId = video.id;
  const captionProblem = await attach(videoId);
  if (multipart) {
    sendParts(videoId, file, multipart.expiresAt);
    return { ok: true, videoId, captionProblem };
  }
  set(videoId, { phase: "uploading", sent: 0, total: file.size });
  void (async () => {
    try {
      await putFile(upload, file, (sent) => set(videoId, { phase: "uploading", sent, total: file.size }), new AbortController().signal);
    } catch (error) {
      return set(videoId, { phase: "failed", message: (error as Error).message });
    }
    set(videoId, { phase: "completing", total: file.size });
    const completed = await completeUploadAction(videoId);
    set(videoId, completed.ok ? { phase: "done", total: file.size } : { phase: "failed", message: completed.error.message });
  })();
  return { ok: true, videoId, captionProblem };
}

/** This tab's upload of a video, or null when this tab is not sending it (e.g. after a reload). */
export function useUpload(videoId: string): UploadState | null {
  return useSyncExternalStore(
    subscribe,
    () => uploads.get(videoId) ?? null,
    () => null,
  );
}
