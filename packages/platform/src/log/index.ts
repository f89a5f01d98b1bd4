import { pino, type Logger } from "pino";

export type { Logger };

/** Structured JSON logs; secrets are redacted wherever they might be logged by accident. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? "info"): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    redact: {
      paths: ["*.secretAccessKey", "*.S3_SECRET_ACCESS_KEY", "*.password", "*.authorization", "*.apiKey", "*.token"],
      censor: "[redacted]",
    },
  });
}
