import { AqError } from "@aq/contracts";

export interface PlaybackKey {
  /** Public id carried in every token so that verifiers pick the right secret. */
  id: string;
  secret: string;
}

/** The first key signs; every key verifies, so a new key can be rolled out before the old one is retired. */
export interface PlaybackKeyring {
  signingKey: PlaybackKey;
  keys: ReadonlyMap<string, PlaybackKey>;
}

export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const MIN_SECRET_LENGTH = 32;

/**
 * Reads `kid:secret[,kid:secret...]` (the form of the PLAYBACK_SIGNING_KEYS variable).
 * Errors name the key id, never the secret.
 */
export function parsePlaybackKeys(spec: string): PlaybackKeyring {
  const entries = spec
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new AqError("INVALID_CONFIG", "playback signing keys: at least one kid:secret is required");
  const keys = new Map<string, PlaybackKey>();
  entries.forEach((entry, index) => {
    const colon = entry.indexOf(":");
    const id = colon < 0 ? "" : entry.slice(0, colon);
    const secret = colon < 0 ? "" : entry.slice(colon + 1);
    if (!KEY_ID_PATTERN.test(id)) {
      throw new AqError(
        "INVALID_CONFIG",
        `playback signing key #${index + 1}: expected kid:secret with a kid of 1-32 letters, digits, '-' or '_'`,
      );
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new AqError("INVALID_CONFIG", `playback signing key "${id}": the secret must be at least ${MIN_SECRET_LENGTH} characters`);
    }
    if (keys.has(id)) throw new AqError("INVALID_CONFIG", `playback signing key "${id}" is listed twice`);
    keys.set(id, { id, secret });
  });
  const signingKey = keys.values().next().value as PlaybackKey;
  return { signingKey, keys };
}
