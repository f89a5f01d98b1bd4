import { createHmac } from "node:crypto";

/**
 * The signature header of a delivery (WEBHOOK_HEADERS.signature): `t=<unix seconds>,v1=<hex>`,
 * the HMAC-SHA256 of "<t>.<body>" keyed with the endpoint secret. verify-signature.ts checks it.
 */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const signature = createHmac("sha256", secret).update(`${timestampSeconds}.${body}`, "utf8").digest("hex");
  return `t=${timestampSeconds},v1=${signature}`;
}
