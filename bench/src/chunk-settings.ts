import { z } from "zod";
import { encoderServiceEnv } from "@aq/config";

const chunkSettingsSchema = z.object({
  CHUNK_MIN_SOURCE_SECONDS: encoderServiceEnv.CHUNK_MIN_SOURCE_SECONDS,
  CHUNK_SECONDS: encoderServiceEnv.CHUNK_SECONDS,
  CHUNK_FIRST_SEGMENTS: encoderServiceEnv.CHUNK_FIRST_SEGMENTS,
});

/** The CHUNK_* settings the encoders run with, read as the encoder reads them (its own schema). */
export function chunkSettings(overrides: Record<string, string>): Record<string, number> {
  return chunkSettingsSchema.parse({ ...process.env, ...overrides });
}
