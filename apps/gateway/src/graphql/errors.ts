import { GraphQLError } from "graphql";
import type { ErrorCode } from "@aq/contracts";
import { isAqError } from "@aq/contracts";

/** Input the client can fix; the message says what is wrong. */
export function badInput(message: string, aqCode?: ErrorCode): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_USER_INPUT", ...(aqCode ? { aqCode } : {}) } });
}

export function notFound(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "NOT_FOUND", aqCode: "NOT_FOUND" } });
}

export function unauthenticated(): GraphQLError {
  return new GraphQLError("a valid API key is required: send Authorization: Bearer <key>", {
    extensions: { code: "UNAUTHENTICATED", http: { status: 401 } },
  });
}

/** An AqError about the client's input (a refused URL, a size mismatch) as a BAD_USER_INPUT error; anything else is rethrown. */
export function rethrowAsBadInput(error: unknown): never {
  if (isAqError(error)) throw badInput(error.message, error.code);
  throw error;
}
