"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { addCaptionAction, completeCaptionAction } from "../../actions";
import { putFile } from "../../upload/put-file";

/** The video's caption tracks, and a form to attach a WebVTT or SRT file for a language (addCaption, PUT, completeCaptionUpload). */
export function CaptionsPanel({ videoId, captions }: { videoId: string; captions: { language: string; label: string }[] }) {
  const router = useRouter();
  const [state, setState] = useState<{ kind: "idle" | "sending" } | { kind: "failed"; message: string }>({ kind: "idle" });

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const file = data.get("caption");
    const language = String(data.get("language") ?? "").trim();
    if (!(file instanceof File) || file.size === 0 || !language)
      return setState({ kind: "failed", message: "Choose a caption file and give its language." });
    setState({ kind: "sending" });
    const target = await addCaptionAction(videoId, language, file.size);
    if (!target.ok) return setState({ kind: "failed", message: target.error.message });
    try {
      await putFile(target.value, file, () => {}, new AbortController().signal);
    } catch (error) {
      return setState({ kind: "failed", message: (error as Error).message });
    }
    const completed = await completeCaptionAction(videoId, language, String(data.get("label") ?? ""));
    if (!completed.ok) return setState({ kind: "failed", message: completed.error.message });
    form.reset();
    setState({ kind: "idle" });
    router.refresh();
  }

  const sending = state.kind === "sending";
  return (
    <div>
      {captions.length > 0 ? (
        <ul data-testid="captions">
          {captions.map((track) => (
            <li key={track.language}>
              {track.label} <span className="muted">({track.language})</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No captions yet.</p>
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
