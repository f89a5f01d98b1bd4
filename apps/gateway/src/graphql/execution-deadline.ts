import { MapperKind, mapSchema } from "@graphql-tools/utils";
import { defaultFieldResolver, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { COSTLY_FIELDS } from "./limits.js";

/**
 * The schema with a time limit on each query and mutation, the same over HTTP and WebSocket (it
 * lives in the resolvers, not in one server's plugins). An operation that has run for `limitMs`
 * resolves no further field: each one after the deadline fails at once with OPERATION_TIMEOUT,
 * so a slow operation ends instead of starting more database work (a statement already running
 * is bounded by the pool's statement_timeout). A mutation's own field is what it was asked to do
 * (assembling a multi-GiB upload may take longer), and so is a costly query field (planVideo
 * waits for a probe service, up to its own PLAN_TIMEOUT_SECONDS): the deadline applies to the
 * fields resolved after it, counted from when it ends. Subscriptions run as long as they are
 * open, so their events are not timed.
 *
 * The clock is per operation: both servers make one context object per operation, and the clock
 * starts when its first field resolves.
 */
export function withExecutionDeadline(schema: GraphQLSchema, limitMs: number): GraphQLSchema {
  const deadlines = new WeakMap<object, number>();
  const restart = (context: object) => deadlines.set(context, performance.now() + limitMs);
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const resolve: GraphQLFieldResolver<unknown, object> = field.resolve ?? defaultFieldResolver;
      const costly = COSTLY_FIELDS.has(`${typeName}.${fieldName}`);
      return {
        ...field,
        resolve: (source, args, context: object, info) => {
          const kind = info.operation.operation;
          if (kind === "subscription") return resolve(source, args, context, info);
          if ((kind === "mutation" || costly) && info.path.prev === undefined) {
            return Promise.resolve(resolve(source, args, context, info)).finally(() => restart(context));
          }
          if (!deadlines.has(context)) restart(context);
          if (performance.now() > deadlines.get(context)!) {
            throw new GraphQLError(`the operation ran for more than ${limitMs / 1000} s and was stopped; ask for fewer items or fields`, {
              extensions: { code: "OPERATION_TIMEOUT" },
            });
          }
          return resolve(source, args, context, info);
        },
      };
    },
  });
}
