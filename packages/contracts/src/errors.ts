import type { ErrorCode } from "./error-codes.js";
import type { ErrorValue } from "./events.js";

/** An expected failure with a stable code and a message a person understands. */
export class AqError extends Error {
  override readonly name = "AqError";
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  toValue(): ErrorValue {
    return { code: this.code, message: this.message };
  }
}

export function isAqError(error: unknown): error is AqError {
  return error instanceof AqError;
}

/** The value stored on a video or returned by an API for any thrown error. */
export function toErrorValue(error: unknown): ErrorValue {
  if (isAqError(error)) return error.toValue();
  return { code: "INTERNAL", message: error instanceof Error ? error.message : String(error) };
}
