import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";

/**
 * An operation that has run for `limitMs` resolves no further field: each one after the
 * deadline fails at once with OPERATION_TIMEOUT, so a slow operation ends instead of starting
 * more database work (a statement already running is bounded by the pool's statement_timeout).
 */
export function executionDeadlinePlugin<Context extends object>(limitMs: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          const deadline = performance.now() + limitMs;
          return {
            willResolveField() {
              if (performance.now() > deadline) {
                throw new GraphQLError(
                  `the operation ran for more than ${limitMs / 1000} s and was stopped; ask for fewer items or fields`,
                  {
                    extensions: { code: "OPERATION_TIMEOUT" },
                  },
                );
              }
            },
          };
        },
      };
    },
  };
}
