// How a receiver checks an AQ webhook. This file imports nothing but node:crypto so it can be
// copied as is into an application (a Next.js route handler, an Express app); docs/webhooks.md.
import { createHmac, timingSafeEqual } from "node:crypto";

export interface VerifyWebhookOptions {
  /** The endpoint's secret (whsec_...), as createWebhookEndpoint returned it. */
  secret: string;
  /** The raw request body, exactly as received (not re-serialized JSON). */
  body: string;
  /** The `aq-signature` header. */
  header: string | null | undefined;
  /** Oldest accepted signing time, in seconds before now: refuses a captured delivery replayed later. Default 300. */
  toleranceSeconds?: number;
  /** Now, in milliseconds (tests). */
  now?: number;
}

/** True when the header signs this body with this secret, recently enough. */
export function verifyWebhookSignature(options: VerifyWebhookOptions): boolean {
  const parts = (options.header ?? "").split(",").map((part) => part.trim().split("="));
  const timestamp = Number(parts.find(([name]) => name === "t")?.[1]);
  const signatures = parts.filter(([name, value]) => name === "v1" && value).map(([, value]) => value!);
  if (!Number.isInteger(timestamp) || signatures.length === 0) return false;
  const ageSeconds = (options.now ?? Date.now()) / 1000 - timestamp;
  if (Math.abs(ageSeconds) > (options.toleranceSeconds ?? 300)) return false;
  const expected = createHmac("sha256", options.secret).update(`${timestamp}.${options.body}`, "utf8").digest();
  // The header may carry several v1 values (Stripe's form, used while rotating a secret); any may match.
  return signatures.some((hex) => {
    const given = Buffer.from(hex, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
