import { createHash, timingSafeEqual } from "node:crypto";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Who a caller is, as far as limits go: the number of the key it presented, never the key. */
export type CallerIdentity = string;

/**
 * Checks `Bearer <key>` against the configured API keys and answers which key matched (null:
 * refused). Digests of equal length are compared in constant time, against every key, so the
 * comparison leaks neither a key's content nor its length nor its position. With no keys
 * configured (development) every caller is accepted as "open".
 */
export function apiKeyIdentifier(keys: readonly string[]): (authorization: string | undefined) => CallerIdentity | null {
  const accepted = keys.map(digest);
  return (authorization) => {
    if (accepted.length === 0) return "open";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match?.[1]) return null;
    const presented = digest(match[1]);
    let found = -1;
    accepted.forEach((key, index) => {
      if (timingSafeEqual(key, presented)) found = index;
    });
    return found < 0 ? null : `key#${found + 1}`;
  };
}
