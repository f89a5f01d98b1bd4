import { formatBytes } from "../app/_components/format";
import type { UploadRules } from "./videos";

/** What the browser could read of a chosen file; null fields when it cannot decode the container. */
export interface FileFacts {
  sizeBytes: number;
  durationSeconds: number | null;
  width: number | null;
  height: number | null;
}

/** "5 s", "12 min", "6 h": a length as a rule states it. */
export function formatLength(seconds: number): string {
  if (seconds >= 7200) return `${Math.round((seconds / 3600) * 10) / 10} h`;
  return seconds >= 120 ? `${Math.round(seconds / 60)} min` : `${Math.round(seconds * 10) / 10} s`;
}

/** Each rule of the deployment a file breaks, as a sentence; empty when it may be uploaded. */
export function ruleProblems(file: FileFacts, rules: UploadRules): string[] {
  const problems: string[] = [];
  if (file.sizeBytes > rules.maxUploadBytes)
    problems.push(`This file is ${formatBytes(file.sizeBytes)}; the largest upload is ${formatBytes(rules.maxUploadBytes)}.`);
  const { durationSeconds: seconds, width, height } = file;
  if (seconds !== null && seconds <= rules.minDurationSeconds)
    problems.push(`This video is ${formatLength(seconds)} long; it must be longer than ${formatLength(rules.minDurationSeconds)}.`);
  if (seconds !== null && seconds > rules.maxDurationSeconds)
    problems.push(`This video is ${formatLength(seconds)} long; the longest accepted is ${formatLength(rules.maxDurationSeconds)}.`);
  if (width && height && Math.min(width, height) < rules.minShortSide)
    problems.push(`This video is ${width}×${height}; its short side must be at least ${rules.minShortSide} px.`);
  if (width && height && Math.max(width, height) > rules.maxLongSide)
    problems.push(`This video is ${width}×${height}; its long side may be at most ${rules.maxLongSide} px.`);
  return problems;
}

/** Reads duration and picture size from the file's metadata in a detached <video>, where the browser can. */
export function readFileFacts(file: File, timeoutMs = 10_000): Promise<FileFacts> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(file);
    const video = document.createElement("video");
    const finish = (facts: Omit<FileFacts, "sizeBytes">) => {
      clearTimeout(timer);
      video.removeAttribute("src");
      video.load();
      URL.revokeObjectURL(url);
      resolve({ sizeBytes: file.size, ...facts });
    };
    const unknown = { durationSeconds: null, width: null, height: null };
    const timer = setTimeout(() => finish(unknown), timeoutMs);
    video.preload = "metadata";
    video.muted = true;
    video.onloadedmetadata = () =>
      finish({
        durationSeconds: Number.isFinite(video.duration) ? video.duration : null,
        width: video.videoWidth || null,
        height: video.videoHeight || null,
      });
    video.onerror = () => finish(unknown);
    video.src = url;
  });
}
