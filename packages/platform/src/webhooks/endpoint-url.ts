import { AqError } from "@aq/contracts";
import type { AddressPolicy } from "../sources/addresses.js";
import { resolveAllowedAddresses, urlHost } from "../sources/url-policy.js";

const MAX_URL_LENGTH = 2048;

function refuse(message: string): AqError {
  return new AqError("WEBHOOK_URL_REFUSED", message);
}

/**
 * Checks a webhook endpoint URL with the rules of source URLs (address policy after DNS
 * resolution, no credentials), at registration and again before every delivery: http(s) only,
 * and private, loopback and link-local addresses refused unless the policy allows them.
 */
export async function assertWebhookUrlAllowed(input: string, policy: AddressPolicy): Promise<URL> {
  if (input.length > MAX_URL_LENGTH) throw refuse(`a webhook URL is at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw refuse("the webhook URL is not a valid absolute URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw refuse(`a webhook URL must be http or https, not ${url.protocol}`);
  if (url.username || url.password) throw refuse("webhook URLs may not contain credentials; the signature authenticates AQ");
  await resolveAllowedAddresses(urlHost(url), policy, "webhook");
  return url;
}
