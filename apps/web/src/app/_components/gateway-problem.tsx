import type { GatewayFailure } from "@/lib/gateway/errors";

/** Shown instead of a page's data when the gateway refused or could not be reached. */
export function GatewayProblem({ failure }: { failure: GatewayFailure }) {
  return (
    <div role="alert" className="panel">
      <h2>The gateway did not answer as expected</h2>
      <p className="error-text">
        {failure.code}: {failure.message}
      </p>
      <p className="muted">Check AQ_GATEWAY_URL and AQ_API_KEY of this app (see apps/web/README.md).</p>
    </div>
  );
}
