"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState, type FormEvent } from "react";
import type { VideoDetails } from "@/lib/videos";
import { removeCaptionAction } from "../../actions";
import { attachCaption } from "../../upload/attach-caption";

/** How often a READY video's page looks again while the uploader publishes the captions kept for READY. */
const PUBLISHING_REFRESH_MS = 2000;

/**
 * The video's caption tracks, each with a Remove button (removeCaption, after a confirmation),
 * the tracks the server keeps until the video is READY (pendingCaptions), and a form to attach a
 * WebVTT or SRT file for a language (addCaption, PUT, completeCaptionUpload), before READY too.
 */
export function CaptionsPanel({
  videoId,
  ready,
  captions,
  pending,
}: {
  videoId: string;
  ready: boolean;
  captions: VideoDetails["captions"];
  pending: VideoDetails["pendingCaptions"];
}) {
  const router = useRouter();
  const [state, setState] = useState<{ kind: "idle" | "sending" } | { kind: "failed"; message: string }>({ kind: "idle" });
  // The uploader publishes pending tracks right after it marks the video READY: look again until they are.
  const publishing = ready && pending.some((track) => track.error === null);
  useEffect(() => {
    if (!publishing) return;
    const timer = setInterval(() => router.refresh(), PUBLISHING_REFRESH_MS);
    return () => clearInterval(timer);
  }, [publishing, router]);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const file = data.get("caption");
    const language = String(data.get("language") ?? "").trim();
    if (!(file instanceof File) || file.size === 0 || !language)
      return setState({ kind: "failed", message: "Choose a caption file and give its language." });
    setState({ kind: "sending" });
    const attached = await attachCaption(videoId, { language, label: String(data.get("label") ?? ""), file });
    if (!attached.ok) return setState({ kind: "failed", message: attached.message });
    form.reset();
    setState({ kind: "idle" });
    router.refresh();
  }

  async function remove(track: Track) {
    if (!window.confirm(`Remove the ${track.label} captions (${track.language}) from this video?`)) return;
    setState({ kind: "sending" });
    const removed = await removeCaptionAction(videoId, track.language);
    if (!removed.ok) return setState({ kind: "failed", message: removed.error.message });
    setState({ kind: "idle" });
    router.refresh();
  }

  const sending = state.kind === "sending";
  return (
    <div>
      {captions.length > 0 ? (
        <ul data-testid="captions">
          {captions.map((track) => (
            <li key={track.language} className="caption-track">
              <span>
                {track.label} <span className="muted">({track.language})</span>
              </span>
              <RemoveButton track={track} disabled={sending} onRemove={remove} />
            </li>
          ))}
        </ul>
      ) : (
        pending.length === 0 && <p className="muted">No captions yet.</p>
      )}
      {pending.length > 0 && (
        <ul data-testid="pending-captions">
          {pending.map((track) => (
            <li key={track.language} className="caption-track" data-state={track.error ? "failed" : "waiting"}>
              <span>
                {track.label} <span className="muted">({track.language})</span>{" "}
                {track.error ? (
                  <span className="error-text">could not be published: {track.error.message} Add the file again.</span>
                ) : (
                  <span className="muted">{ready ? "publishing…" : "published when the video is ready"}</span>
                )}
              </span>
              <RemoveButton track={track} disabled={sending} onRemove={remove} />
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={onSubmit} className="panel" aria-label="Add captions">
        <label>
          Caption file (WebVTT or SRT) <input name="caption" type="file" accept=".vtt,.srt,text/vtt" disabled={sending} />
        </label>
        <label>
          Language (e.g. en, pt-BR) <input name="language" type="text" maxLength={35} required disabled={sending} />
        </label>
        <label>
          Label <input name="label" type="text" maxLength={100} placeholder="Defaults to the language" disabled={sending} />
        </label>
        <div>
          <button type="submit" disabled={sending}>
            {sending ? "Adding…" : "Add captions"}
          </button>
        </div>
        {state.kind === "failed" && (
          <p className="error-text" role="alert">
            {state.message}
          </p>
        )}
      </form>
    </div>
  );
}

type Track = { language: string; label: string };

/** Remove, for a published or a pending track alike. */
function RemoveButton({ track, disabled, onRemove }: { track: Track; disabled: boolean; onRemove: (track: Track) => Promise<void> }) {
  return (
    <button
      type="button"
      className="danger"
      disabled={disabled}
      aria-label={`Remove ${track.label} captions`}
      onClick={() => void onRemove(track)}
    >
      Remove
    </button>
  );
}
