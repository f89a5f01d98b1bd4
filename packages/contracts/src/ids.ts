import { z } from "zod";

/**
 * Video ids become storage keys, folder names and NATS subject tokens, so they are limited
 * to characters that are safe in all three (no dots, slashes or wildcards).
 */
export const VIDEO_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const videoIdSchema = z.string().regex(VIDEO_ID_PATTERN, "a video id is 1-64 letters, digits, '-' or '_'");

/** The global WebCrypto rather than node:crypto, so contracts also load in the Workers runtime (edge worker). */
export function newVideoId(): string {
  return crypto.randomUUID();
}

export function isVideoId(value: string): boolean {
  return VIDEO_ID_PATTERN.test(value);
}
