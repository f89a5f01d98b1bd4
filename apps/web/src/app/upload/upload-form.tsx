"use client";

import Link from "next/link";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { isTerminal } from "@/lib/videos";
import { completeUploadAction, createUploadAction } from "../actions";
import { StatusBadge } from "../_components/status-badge";
import { formatBytes, formatEta } from "../_components/format";
import { putFile } from "./put-file";
import { useVideoProgress } from "./use-video-progress";

type Phase =
  | { kind: "idle" }
  | { kind: "creating" }
  | { kind: "uploading"; sent: number; total: number }
  | { kind: "completing" }
  | { kind: "processing"; videoId: string }
  | { kind: "failed"; message: string };

/** createVideo, PUT to the presigned URL, completeVideoUpload, then the live pipeline view. */
export function UploadForm() {
  const [phase, setPhase] = useState<Phase>({ kind: "idle" });
  const [videoId, setVideoId] = useState<string | null>(null);
  const abortRef = useRef<AbortController | null>(null);
  useEffect(() => () => abortRef.current?.abort(), []);

  const busy = phase.kind === "creating" || phase.kind === "uploading" || phase.kind === "completing";

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) {
      setPhase({ kind: "failed", message: "Choose a video file first." });
      return;
    }
    const title = String(form.get("title") ?? "").trim() || file.name;
    const abort = new AbortController();
    abortRef.current = abort;
    setVideoId(null);

    setPhase({ kind: "creating" });
    const created = await createUploadAction({
      title,
      filename: file.name,
      contentType: file.type || "application/octet-stream",
      sizeBytes: file.size,
    });
    if (!created.ok) return setPhase({ kind: "failed", message: `${created.error.code}: ${created.error.message}` });
    const { video, upload } = created.value;
    setVideoId(video.id);

    setPhase({ kind: "uploading", sent: 0, total: file.size });
    try {
      await putFile(upload, file, (sent) => setPhase({ kind: "uploading", sent, total: file.size }), abort.signal);
    } catch (error) {
      return setPhase({ kind: "failed", message: (error as Error).message });
    }

    setPhase({ kind: "completing" });
    const completed = await completeUploadAction(video.id);
    if (!completed.ok) return setPhase({ kind: "failed", message: `${completed.error.code}: ${completed.error.message}` });
    setPhase({ kind: "processing", videoId: video.id });
  }

  return (
    <div className="panel">
      <form onSubmit={onSubmit} className="panel">
        <label>
          Title <input name="title" type="text" maxLength={200} placeholder="Defaults to the file name" disabled={busy} />
        </label>
        <label>
          Video file <input name="file" type="file" accept="video/*" required disabled={busy} data-testid="file-input" />
        </label>
        <button type="submit" disabled={busy}>
          Upload
        </button>
      </form>

      {phase.kind === "creating" && <p>Creating the video…</p>}
      {phase.kind === "uploading" && (
        <div data-testid="upload-progress">
          <p>
            Uploading {formatBytes(phase.sent)} of {formatBytes(phase.total)}
          </p>
          <progress max={phase.total} value={phase.sent} />
        </div>
      )}
      {phase.kind === "completing" && <p>Upload done; starting the pipeline…</p>}
      {phase.kind === "failed" && (
        <p className="error-text" role="alert">
          {phase.message}
        </p>
      )}
      {phase.kind === "processing" && <PipelineView videoId={phase.videoId} />}
      {videoId && phase.kind !== "processing" && <p className="muted">Video id: {videoId}</p>}
    </div>
  );
}

function PipelineView({ videoId }: { videoId: string }) {
  const { progress, failure, ended } = useVideoProgress(videoId);
  const status = progress?.status;
  const eta = progress && status && !isTerminal(status) ? formatEta(progress.etaSeconds) : null;

  return (
    <section aria-label="Pipeline" data-testid="pipeline" data-video-id={videoId} data-status={status ?? ""}>
      <h2>Pipeline</h2>
      <p className="muted">Video id: {videoId}</p>
      {!progress && !failure && <p>Waiting for the first progress event…</p>}
      {progress && (
        <>
          <p>
            <StatusBadge status={progress.status} /> stage <strong>{progress.stage}</strong>, {Math.round(progress.percent)}%
            {eta && <span className="muted"> · {eta}</span>}
            {progress.fps !== null && progress.status === "ENCODING" && (
              <span className="muted">
                {" "}
                · {Math.round(progress.fps)} fps{progress.speed !== null && `, ${progress.speed.toFixed(1)}x`}
              </span>
            )}
          </p>
          <progress max={100} value={progress.percent} />
          {progress.error && (
            <p className="error-text" role="alert">
              <code>{progress.error.code}</code> {progress.error.message}
            </p>
          )}
          {progress.status === "READY" && (
            <p>
              Ready. <Link href={`/videos/${videoId}`}>Play it</Link>
            </p>
          )}
        </>
      )}
      {failure && (
        <p className="error-text" role="alert">
          Progress unavailable: {failure.code}: {failure.message}
        </p>
      )}
      {ended && progress && progress.status !== "READY" && (
        <p>
          Finished as {progress.status.toLowerCase()}. See the <Link href="/">library</Link>.
        </p>
      )}
    </section>
  );
}
