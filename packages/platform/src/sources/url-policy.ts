import { lookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
import { AqError } from "@aq/contracts";
import { isAddressAllowed, type AddressPolicy } from "./addresses.js";

export type SourceUrl = { kind: "http"; url: URL } | { kind: "s3"; url: URL; bucket: string; key: string };

const MAX_URL_LENGTH = 2048;

function refuse(message: string): AqError {
  return new AqError("SOURCE_URL_REFUSED", message);
}

/** Host of a URL as an address or name, without the brackets of an IPv6 literal. */
export function urlHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/** What a refused or unresolvable address is reported as, by who asks: a source URL or a webhook endpoint. */
export type UrlPurpose = "source" | "webhook";
const PURPOSES = {
  source: { noun: "source URLs", refused: "SOURCE_URL_REFUSED", unresolved: "SOURCE_FETCH_FAILED" },
  webhook: { noun: "webhook URLs", refused: "WEBHOOK_URL_REFUSED", unresolved: "WEBHOOK_URL_REFUSED" },
} as const;

/**
 * Resolves a host and returns its addresses, refusing the host if any of them is outside the
 * policy (a name that resolves to one public and one private address is refused: the
 * connection could use either).
 */
export async function resolveAllowedAddresses(
  host: string,
  policy: AddressPolicy,
  purpose: UrlPurpose = "source",
): Promise<Array<{ address: string; family: number }>> {
  const { noun, refused: refusedCode, unresolved } = PURPOSES[purpose];
  const literal = isIP(host);
  let addresses: Array<{ address: string; family: number }>;
  if (literal) {
    addresses = [{ address: host, family: literal }];
  } else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (error) {
      throw new AqError(unresolved, `the host ${host} could not be resolved`, undefined, { cause: error });
    }
  }
  const refused = addresses.find((a) => !isAddressAllowed(a.address, policy));
  if (refused || addresses.length === 0) {
    throw new AqError(refusedCode, `the host ${host} resolves to a private, loopback or link-local address, which ${noun} may not reach`);
  }
  return addresses;
}

/**
 * A DNS lookup for the socket itself that re-applies the address policy, so a name that
 * re-resolves to a private address between the check and the connection (DNS rebinding) is
 * still refused.
 */
export function policyLookup(policy: AddressPolicy, purpose: UrlPurpose = "source"): LookupFunction {
  return (hostname, options, callback) => {
    resolveAllowedAddresses(hostname, policy, purpose).then(
      (addresses) => {
        const wanted = options.family === 4 || options.family === 6 ? addresses.filter((a) => a.family === options.family) : addresses;
        if (wanted.length === 0) {
          callback(Object.assign(new Error(`no IPv${options.family} address for ${hostname}`), { code: "ENOTFOUND" }), "", 0);
        } else if (options.all) {
          (callback as unknown as (err: null, addresses: Array<{ address: string; family: number }>) => void)(null, wanted);
        } else {
          callback(null, wanted[0]!.address, wanted[0]!.family);
        }
      },
      (error: unknown) => callback(error as NodeJS.ErrnoException, "", 0),
    );
  };
}

/**
 * Checks a source URL before anything fetches it: http(s) to public addresses (after DNS
 * resolution), or s3://bucket/key. Credentials in the URL are refused so that they never end up
 * in the database or the logs.
 */
export async function assertSourceUrlAllowed(input: string, policy: AddressPolicy = {}): Promise<SourceUrl> {
  if (input.length > MAX_URL_LENGTH) throw refuse(`a source URL is at most ${MAX_URL_LENGTH} characters`);
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw refuse("the source URL is not a valid absolute URL");
  }
  if (url.username || url.password) throw refuse("source URLs may not contain credentials");
  if (url.protocol === "s3:") {
    const bucket = url.hostname;
    let key: string;
    try {
      key = decodeURIComponent(url.pathname.replace(/^\//, ""));
    } catch {
      throw refuse("the s3:// source URL has an invalid percent-encoding");
    }
    if (!bucket || !key || key.endsWith("/")) throw refuse("an s3:// source URL must name a bucket and an object key: s3://bucket/key");
    return { kind: "s3", url, bucket, key };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw refuse(`the ${url.protocol.replace(/:$/, "")}: scheme is not allowed for source URLs; use http, https or s3`);
  }
  await resolveAllowedAddresses(urlHost(url), policy);
  return { kind: "http", url };
}
