import { unwrapResolverError } from "@apollo/server/errors";
import type { GraphQLFormattedError } from "graphql";
import { isAqError } from "@aq/contracts";
import type { Logger } from "@aq/platform/log";

/**
 * Typed AqErrors keep their message and gain their stable code as `aqCode`. Unexpected errors
 * are logged in full and, in production, reach the client only as "internal error".
 */
export function errorFormatter(log: Logger, production: boolean): (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError {
  return (formatted, error) => {
    const original = unwrapResolverError(error);
    if (isAqError(original)) {
      return { ...formatted, message: original.message, extensions: { ...formatted.extensions, aqCode: original.code } };
    }
    if (formatted.extensions?.code !== "INTERNAL_SERVER_ERROR") return formatted;
    log.error({ err: original, path: formatted.path }, "graphql: unexpected error");
    if (!production) return formatted;
    return { message: "internal error", locations: formatted.locations, path: formatted.path, extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}
