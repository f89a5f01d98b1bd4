"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { forgetCaption, queuedCaption, type QueuedCaption } from "@/lib/upload/queued-captions";
import type { VideoStatus } from "@/lib/videos";
import { attachCaption } from "./attach-caption";

type State =
  { kind: "none" } | { kind: "waiting" | "adding"; caption: QueuedCaption } | { kind: "failed"; caption: QueuedCaption; message: string };

/**
 * The caption file attached on the upload form: said to be waiting until the video is READY,
 * then added (addCaption, PUT, completeCaptionUpload) and taken off the queue, whether it was
 * accepted or not (a refused file is added again with the form below, after fixing it).
 */
export function QueuedCaptionNotice({ videoId, status }: { videoId: string; status: VideoStatus }) {
  const router = useRouter();
  const [state, setState] = useState<State>({ kind: "none" });
  const started = useRef(false);

  useEffect(() => {
    // localStorage exists only in the browser: read after the first render.
    const caption = queuedCaption(videoId);
    if (!caption) return setState({ kind: "none" });
    if (status === "DELETED") {
      forgetCaption(videoId);
      return setState({ kind: "none" });
    }
    if (status !== "READY") return setState({ kind: "waiting", caption });
    if (started.current) return;
    started.current = true;
    setState({ kind: "adding", caption });
    const file = new File([caption.text], caption.name, { type: "text/plain" });
    void attachCaption(videoId, { language: caption.language, label: caption.label, file }).then((result) => {
      forgetCaption(videoId);
      if (!result.ok) return setState({ kind: "failed", caption, message: result.message });
      setState({ kind: "none" });
      router.refresh();
    });
  }, [videoId, status, router]);

  if (state.kind === "none") return null;
  const what = `The ${state.caption.label || state.caption.language} captions (${state.caption.name})`;
  return (
    <div data-testid="queued-caption" data-state={state.kind}>
      {state.kind === "waiting" && <p className="muted">{what} attached at upload are added once the video is ready.</p>}
      {state.kind === "adding" && <p className="muted">Adding {what.charAt(0).toLowerCase() + what.slice(1)}…</p>}
      {state.kind === "failed" && (
        <p className="error-text" role="alert">
          {what} attached at upload could not be added: {state.message}
        </p>
      )}
    </div>
  );
}
