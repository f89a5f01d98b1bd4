import { isVideoId } from "@aq/contracts";
import { fromBase64Url, toBase64Url } from "./base64url.js";
import { KEY_ID_PATTERN, type PlaybackKey, type PlaybackKeyring } from "./keys.js";

/**
 * A playback token is `<kid>.<base64url(HMAC-SHA256(secret, message))>` where the message binds
 * the video id and the expiry (unix seconds). It travels in the URL path, so every relative URI
 * in the playlists inherits it. WebCrypto keeps this identical in Node and Cloudflare Workers.
 */
const DOMAIN = "aq-playback-v1";
const encoder = new TextEncoder();
/** Derived rather than named: Node's type definitions and the Workers' declare it differently. */
type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;
const cryptoKeys = new WeakMap<PlaybackKey, Promise<HmacKey>>();

function cryptoKeyFor(key: PlaybackKey): Promise<HmacKey> {
  let pending = cryptoKeys.get(key);
  if (!pending) {
    pending = crypto.subtle.importKey("raw", encoder.encode(key.secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    cryptoKeys.set(key, pending);
  }
  return pending;
}

function message(videoId: string, expiry: number): Uint8Array {
  return encoder.encode(`${DOMAIN}\n${videoId}\n${expiry}`);
}

export async function signPlaybackToken(keyring: PlaybackKeyring, videoId: string, expiry: number): Promise<string> {
  if (!isVideoId(videoId)) throw new TypeError(`not a video id: ${JSON.stringify(videoId)}`);
  if (!Number.isSafeInteger(expiry) || expiry <= 0) throw new TypeError(`expiry must be positive unix seconds, got ${expiry}`);
  const key = keyring.signingKey;
  const mac = await crypto.subtle.sign("HMAC", await cryptoKeyFor(key), message(videoId, expiry));
  return `${key.id}.${toBase64Url(new Uint8Array(mac))}`;
}

export type TokenCheck = { ok: true; keyId: string } | { ok: false; reason: "malformed" | "unknown_key" | "bad_signature" | "expired" };

/**
 * Checks a token for a video and expiry. The signature is checked before the expiry so that
 * a forged token is reported as forged whatever expiry it claims.
 */
export async function verifyPlaybackToken(
  keyring: PlaybackKeyring,
  videoId: string,
  expiry: number,
  token: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): Promise<TokenCheck> {
  const dot = token.indexOf(".");
  if (dot < 0 || !isVideoId(videoId) || !Number.isSafeInteger(expiry) || expiry <= 0) return { ok: false, reason: "malformed" };
  const keyId = token.slice(0, dot);
  const mac = fromBase64Url(token.slice(dot + 1));
  if (!KEY_ID_PATTERN.test(keyId) || !mac || mac.length !== 32) return { ok: false, reason: "malformed" };
  const key = keyring.keys.get(keyId);
  if (!key) return { ok: false, reason: "unknown_key" };
  const valid = await crypto.subtle.verify("HMAC", await cryptoKeyFor(key), mac, message(videoId, expiry));
  if (!valid) return { ok: false, reason: "bad_signature" };
  if (expiry <= nowSeconds) return { ok: false, reason: "expired" };
  return { ok: true, keyId };
}
