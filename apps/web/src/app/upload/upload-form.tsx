"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useState, type DragEvent, type FormEvent } from "react";
import { CAPTION_LANGUAGE_PATTERN } from "@aq/contracts";
import { pendingUploads, type PendingUpload } from "@/lib/upload/pending-uploads";
import { readFileFacts, ruleProblems } from "@/lib/upload-check";
import type { UploadRules } from "@/lib/videos";
import { formatBytes } from "../_components/format";
import { startUpload, type UploadCaption } from "./upload-store";

type Check = { kind: "none" } | { kind: "checking" } | { kind: "ok"; note: string | null } | { kind: "problems"; problems: string[] };

/**
 * Choose or drop a file, check it against the deployment's rules in the browser, then create
 * the video and move to its page at once: the upload goes on there (upload-store.ts), and a
 * reload shows the video rather than an empty form. A caption file attached here is sent right
 * after createVideo: the server checks it and keeps it until the video is READY.
 */
export function UploadForm({ rules }: { rules: UploadRules }) {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [check, setCheck] = useState<Check>({ kind: "none" });
  const [dragging, setDragging] = useState(false);
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [captionRefused, setCaptionRefused] = useState<{ videoId: string; message: string } | null>(null);
  const [unfinished, setUnfinished] = useState<PendingUpload[]>([]);
  // localStorage exists only in the browser: read after the first render.
  useEffect(() => setUnfinished(pendingUploads()), []);

  async function choose(chosen: File | null) {
    setFile(chosen);
    setError(null);
    if (!chosen) return setCheck({ kind: "none" });
    setCheck({ kind: "checking" });
    const facts = await readFileFacts(chosen);
    const problems = ruleProblems(facts, rules);
    if (problems.length > 0) return setCheck({ kind: "problems", problems });
    const readable = facts.durationSeconds !== null && facts.width !== null;
    setCheck({
      kind: "ok",
      note: readable
        ? `${facts.width}×${facts.height}, ${Math.round(facts.durationSeconds!)} s, ${formatBytes(facts.sizeBytes)}: within the rules.`
        : `${formatBytes(facts.sizeBytes)}. This browser cannot read the video's details, so AQ checks them after the upload.`,
    });
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!file) return setError("Choose a video file first.");
    if (check.kind !== "ok") return;
    const data = new FormData(event.currentTarget);
    const title = String(data.get("title") ?? "").trim() || file.name;
    const caption = captionFrom(data);
    if (typeof caption === "string") return setError(caption);
    setSubmitting(true);
    const started = await startUpload(file, title, caption);
    if (!started.ok) {
      setSubmitting(false);
      return setError(started.message);
    }
    // The upload goes on meanwhile; the form stays disabled (submitting again would make a second video).
    if (started.captionProblem) return setCaptionRefused({ videoId: started.videoId, message: started.captionProblem });
    router.push(`/videos/${started.videoId}`);
  }

  const onDrop = (event: DragEvent<HTMLElement>) => {
    event.preventDefault();
    setDragging(false);
    const dropped = event.dataTransfer.files[0];
    if (dropped) void choose(dropped);
  };

  return (
    <form onSubmit={onSubmit} className="panel" aria-label="Upload">
      <label>
        Title <input name="title" type="text" maxLength={200} placeholder="Defaults to the file name" disabled={submitting} />
      </label>
      <div
        className="drop-zone"
        data-dragging={dragging}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <label htmlFor="video-file">Video file: choose one or drop it here</label>
        <input
          id="video-file"
          name="file"
          type="file"
          accept="video/*"
          disabled={submitting}
          data-testid="file-input"
          onChange={(event) => void choose(event.currentTarget.files?.[0] ?? null)}
        />
      </div>
      <div aria-live="polite" data-testid="file-check" data-check={check.kind}>
        {check.kind === "checking" && <p className="muted">Checking the file…</p>}
        {check.kind === "ok" && check.note && <p className="muted">{check.note}</p>}
        {check.kind === "problems" && (
          <div className="error-text" role="alert">
            <p style={{ margin: 0 }}>AQ would refuse this file:</p>
            <ul>
              {check.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
      <fieldset className="panel" disabled={submitting}>
        <legend>Captions (optional)</legend>
        <label>
          Caption file (WebVTT or SRT) <input name="caption" type="file" accept=".vtt,.srt,text/vtt" />
        </label>
        <label>
          Caption language (e.g. en, pt-BR) <input name="captionLanguage" type="text" maxLength={35} />
        </label>
        <label>
          Caption label <input name="captionLabel" type="text" maxLength={100} placeholder="Defaults to the language" />
        </label>
        <p className="muted">The caption file is sent with the video; players show it once the video is ready.</p>
      </fieldset>
      <div>
        <button type="submit" className="primary" disabled={submitting || check.kind !== "ok"}>
          {submitting ? "Creating the video…" : "Upload"}
        </button>
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      {captionRefused && (
        <p className="error-text" role="alert">
          The video is uploading, but its caption file was refused: {captionRefused.message}{" "}
          <Link href={`/videos/${captionRefused.videoId}`}>Open the video</Link> to add a corrected file.
        </p>
      )}
      {unfinished.length > 0 && (
        <div data-testid="unfinished-uploads">
          <p>Unfinished uploads: choose the same file again to resume where it stopped.</p>
          <ul>
            {unfinished.map((u) => (
              <li key={u.videoId}>
                {u.name} ({formatBytes(u.size)})
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}

/** The optional caption file of the form, or what is wrong with it. */
function captionFrom(data: FormData): UploadCaption | string | null {
  const file = data.get("caption");
  if (!(file instanceof File) || file.size === 0) return null;
  const language = String(data.get("captionLanguage") ?? "").trim();
  if (!CAPTION_LANGUAGE_PATTERN.test(language)) return "Give the caption file's language as a tag such as en, pt-BR or zh-Hant.";
  return { language, label: String(data.get("captionLabel") ?? "").trim(), file };
}
