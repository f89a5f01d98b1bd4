import type { Metadata } from "next";
import { GatewayError } from "@/lib/gateway/errors";
import { uploadRules } from "@/lib/gateway/videos";
import type { UploadRules } from "@/lib/videos";
import { formatLength } from "@/lib/upload-check";
import { formatBytes } from "../_components/format";
import { GatewayProblem } from "../_components/gateway-problem";
import { UploadForm } from "./upload-form";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Upload" };

export default async function UploadPage() {
  let rules: UploadRules;
  try {
    // The deployment's own limits, so the page never states rules the service does not apply.
    rules = await uploadRules();
  } catch (error) {
    if (error instanceof GatewayError) return <GatewayProblem failure={error.toFailure()} />;
    throw error;
  }
  return (
    <>
      <h1>Upload a video</h1>
      <section aria-labelledby="rules-heading" className="panel">
        <h2 id="rules-heading">What AQ accepts</h2>
        <ul className="rules" data-testid="upload-rules">
          <li>
            Longer than {formatLength(rules.minDurationSeconds)}, and at most {formatLength(rules.maxDurationSeconds)} long.
          </li>
          <li>
            At least {rules.minShortSide} pixels on the short side ({rules.minShortSide}p), at most {rules.maxLongSide} on the long side.
          </li>
          <li>Up to {formatBytes(rules.maxUploadBytes)}.</li>
          <li>{rules.containers.join(", ")} files.</li>
        </ul>
        <p className="muted">The file goes straight to storage through a presigned URL; this app never holds it.</p>
      </section>
      <UploadForm rules={rules} />
    </>
  );
}
