import type { Storage } from "./client.js";

/** The SDK error's name and message, without credentials should a server echo them. */
export async function describeSafely(storage: Storage, error: unknown): Promise<string> {
  let text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  try {
    const credentials = await storage.client.config.credentials();
    for (const secret of [credentials.secretAccessKey, credentials.sessionToken, credentials.accessKeyId]) {
      if (secret) text = text.split(secret).join("[redacted]");
    }
  } catch {
    text = "storage error (details withheld: credentials could not be resolved to redact them)";
  }
  return text;
}
