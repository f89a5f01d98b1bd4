import { createHash, timingSafeEqual } from "node:crypto";

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/**
 * Checks `Bearer <key>` against the configured API keys. Digests of equal length are compared
 * in constant time, so the comparison leaks neither a key's content nor its length. With no
 * keys configured every caller is accepted.
 */
export function apiKeyChecker(keys: readonly string[]): (authorization: string | undefined) => boolean {
  const accepted = keys.map(digest);
  return (authorization) => {
    if (accepted.length === 0) return true;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
    if (!match?.[1]) return false;
    const presented = digest(match[1]);
    let ok = false;
    for (const key of accepted) ok = timingSafeEqual(key, presented) || ok;
    return ok;
  };
}
