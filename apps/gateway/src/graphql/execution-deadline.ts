import type { ApolloServerPlugin } from "@apollo/server";
import { GraphQLError } from "graphql";
import { COSTLY_FIELDS } from "./limits.js";

/**
 * An operation that has run for `limitMs` resolves no further field: each one after the
 * deadline fails at once with OPERATION_TIMEOUT, so a slow operation ends instead of starting
 * more database work (a statement already running is bounded by the pool's statement_timeout).
 * A mutation's own field is what it was asked to do (assembling a multi-GiB upload may take
 * longer), and so is a costly query field (planVideo waits for a probe service, up to its own
 * PLAN_TIMEOUT_SECONDS): the deadline applies to the fields resolved after it, counted from when
 * it ends.
 */
export function executionDeadlinePlugin<Context extends object>(limitMs: number): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart() {
          let deadline = performance.now() + limitMs;
          return {
            willResolveField({ info }) {
              const asked = info.operation.operation === "mutation" || COSTLY_FIELDS.has(`${info.parentType.name}.${info.fieldName}`);
              if (asked && info.path.prev === undefined) {
                return () => {
                  deadline = performance.now() + limitMs;
                };
              }
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
