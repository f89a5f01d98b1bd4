import { ENCODE_ATTEMPTS } from "@aq/contracts";
import type { OverallProgress } from "@aq/contracts";

/** One bar for the whole way to READY with the steps named under it. */
export function ProgressSteps({
  progress,
  attempt,
  detail,
}: {
  progress: OverallProgress;
  /** The encode attempt under way, shown while encoding. */
  attempt: number | null;
  detail?: string | null;
}) {
  const percent = Math.round(progress.fraction * 100);
  const failed = progress.steps.some(({ state }) => state === "failed");
  const step = progress.step;
  return (
    <div>
      <p style={{ margin: "0 0 0.25rem" }}>
        <strong>{failed ? `Stopped at ${step?.label.toLowerCase()}` : (step?.doing ?? "Done")}</strong>
        {attempt !== null && ` (attempt ${attempt} of ${ENCODE_ATTEMPTS})`} · {percent}%
        {detail && <span className="muted"> · {detail}</span>}
      </p>
      <progress className="overall-bar" max={100} value={percent} aria-label={`Overall progress, ${percent}%`} />
      <ol className="progress-steps" aria-label="Steps">
        {progress.steps.map(({ step, state }) => (
          <li key={step.stage} data-state={state}>
            {step.label}
            <span className="visually-hidden">: {state}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
