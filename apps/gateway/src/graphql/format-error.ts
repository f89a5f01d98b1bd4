import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { isAqError } from "@aq/contracts";
import type { Logger } from "@aq/platform/log";
import { graphqlCodeOf, INTERNAL_SERVER_ERROR } from "./errors.js";

/**
 * Errors as clients see them, over HTTP (Apollo's formatError) and WebSocket alike. An AqError
 * about the request keeps its message and gains its GraphQL code (graphqlCodeOf) and its stable
 * code as `aqCode`. Anything else unexpected is logged in full and, in production, reaches the
 * client only as "internal error" with its aqCode, if any.
 */
export function errorFormatter(
  log: Logger,
  production: boolean,
): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const original = unwrapResolverError(error);
    const aqCode = isAqError(original) ? original.code : undefined;
    const code = aqCode ? graphqlCodeOf(aqCode) : formatted.extensions?.code;
    if (code !== INTERNAL_SERVER_ERROR) {
      return aqCode
        ? { ...formatted, message: (original as Error).message, extensions: { ...formatted.extensions, code, aqCode } }
        : formatted;
    }
    log.error({ err: original, path: formatted.path }, "graphql: unexpected error");
    if (!production) return { ...formatted, extensions: { ...formatted.extensions, code, ...(aqCode ? { aqCode } : {}) } };
    return {
      message: "internal error",
      locations: formatted.locations,
      path: formatted.path,
      extensions: { code, ...(aqCode ? { aqCode } : {}) },
    };
  };
}
