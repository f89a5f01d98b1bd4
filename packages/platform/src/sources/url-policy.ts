import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
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

/**
 * Resolves a host and returns its addresses, refusing the host if any of them is outside the
 * policy (a name that resolves to one public and one private address is refused: the
 * connection could use either).
 */
export async function resolveAllowedAddresses(host: string, policy: AddressPolicy): Promise<Array<{ address: string; family: number }>> {
  const literal = isIP(host);
  let addresses: Array<{ address: string; family: number }>;
  if (literal) {
    addresses = [{ address: host, family: literal }];
  } else {
    try {
      addresses = await lookup(host, { all: true, verbatim: true });
    } catch (error) {
      throw new AqError("SOURCE_FETCH_FAILED", `the host ${host} could not be resolved`, undefined, { cause: error });
    }
  }
  const refused = addresses.find((a) => !isAddressAllowed(a.address, policy));
  if (refused || addresses.length === 0) {
    throw refuse(`the host ${host} resolves to a private, loopback or link-local address, which source URLs may not reach`);
  }
  return addresses;
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
