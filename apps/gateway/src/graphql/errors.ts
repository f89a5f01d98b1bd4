import { GraphQLError } from "graphql";
import type { ErrorCode } from "@aq/contracts";

/**
 * The one mapping from AQ's stable error codes to GraphQL's `extensions.code`. Resolvers throw
 * AqErrors; the error formatter (HTTP and WebSocket) adds this code and `aqCode`. Codes not
 * listed are failures of the service, not of the request: INTERNAL_SERVER_ERROR.
 */
const GRAPHQL_CODES: Partial<Record<ErrorCode, string>> = {
  NOT_FOUND: "NOT_FOUND",
  INVALID_INPUT: "BAD_USER_INPUT",
  INVALID_VIDEO_ID: "BAD_USER_INPUT",
  NOT_RETRYABLE: "BAD_USER_INPUT",
  SOURCE_NOT_FOUND: "BAD_USER_INPUT",
  SOURCE_TOO_LARGE: "BAD_USER_INPUT",
  SOURCE_URL_REFUSED: "BAD_USER_INPUT",
  UPLOAD_MISMATCH: "BAD_USER_INPUT",
  WEBHOOK_URL_REFUSED: "BAD_USER_INPUT",
  CAPTION_INVALID: "BAD_USER_INPUT",
  VIDEO_FAILED: "BAD_USER_INPUT",
  UPLOAD_INCOMPLETE: "BAD_USER_INPUT",
  CLEANUP_FAILED: "STORAGE_ERROR",
  // Neither the request's fault nor an unexpected failure: the client may ask again.
  PLAN_UNAVAILABLE: "SERVICE_UNAVAILABLE",
};

export const INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR";

export function graphqlCodeOf(code: ErrorCode): string {
  return GRAPHQL_CODES[code] ?? INTERNAL_SERVER_ERROR;
}

export function unauthenticated(): GraphQLError {
  return new GraphQLError("a valid API key is required: send Authorization: Bearer <key>", {
    extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
  });
}
