"use client";

import { useSyncExternalStore } from "react";
import { completeUploadAction, createUploadAction } from "../actions";
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

/**
 * createVideo, then (without waiting) the PUT to the presigned URL and completeVideoUpload.
 * Resolves with the video id as soon as the video exists, so the caller can move to its page.
 */
export async function startUpload(file: File, title: string): Promise<{ ok: true; videoId: string } | { ok: false; message: string }> {
  const created = await createUploadAction({
    title,
    filename: file.name,
    contentType: file.type || "application/octet-stream",
    sizeBytes: file.size,
  });
  if (!created.ok) return { ok: false, message: created.error.message };
  const { video, upload } = created.value;
  const videoId = video.id;
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
  return { ok: true, videoId };
}

/** This tab's upload of a video, or null when this tab is not sending it (e.g. after a reload). */
export function useUpload(videoId: string): UploadState | null {
  return useSyncExternalStore(
    subscribe,
    () => uploads.get(videoId) ?? null,
    () => null,
  );
}
