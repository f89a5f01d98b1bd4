import type { VideoDetails } from "@/lib/videos";

/** Why a video stopped, in plain words first, then the precise message, and what to do next. */
export function ErrorBox({ error, logUrl }: { error: NonNullable<VideoDetails["error"]>; logUrl?: string | null }) {
  return (
    <div className="error-box" role="alert" data-testid="video-error" data-code={error.code}>
      <p className="error-text">
        <strong>{error.summary}</strong>
      </p>
      <p>
        {error.nextStep}
        {!error.retryable && " Retrying would not help."}
      </p>
      <p className="muted">
        Details: {error.message} (<code>{error.code}</code>)
        {logUrl && (
          <>
            {" "}
            · <a href={logUrl}>encoder log</a>
          </>
        )}
      </p>
    </div>
  );
}
