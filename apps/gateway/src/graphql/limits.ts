import {
  GraphQLError,
  Kind,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type ASTVisitor,
  type FieldNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";

export interface OperationLimits {
  /** Deepest field nesting, e.g. `{ video { history { at } } }` is 3. */
  maxDepth: number;
  /** Fields selected in total, counting a fragment each time it is spread (aliases multiply work). */
  maxFields: number;
  /** Fields as they will be resolved: what a list field selects counts once per item it can return. */
  maxCost: number;
  /** The largest `first` a paginated field accepts; a `first` passed as a variable counts as this. */
  maxPageSize: number;
}

/**
 * The most tokens the parser reads before giving up, so that a document's size costs nothing
 * beyond this; the largest operation the web app sends has under 200.
 */
export const MAX_TOKENS = 5000;

/**
 * Fields an operation may resolve, counting what a list selects once per item: the web app's
 * library page of 100 videos costs about 3,100.
 */
export const MAX_COST = 5000;

/** Items assumed for a list field without `first`; a video's history is about this long. */
const LIST_SIZE_ESTIMATE = 10;
const LIST_SIZES: Readonly<Record<string, number>> = {
  // Counted by the connection's `first`.
  "VideoConnection.edges": 1,
  "WebhookDeliveryConnection.edges": 1,
  // Most deliveries succeed at the first or second try; only a failing endpoint's run longer.
  "WebhookDelivery.attempts": 3,
  // The ladder has at most five rungs (240p-720p, and 1080p when enabled).
  "Video.renditions": 5,
  "VideoPlan.renditions": 5,
};

/**
 * Fields whose work is far beyond a database read (planVideo downloads and probes a source on a
 * probe service): one of them per operation, so aliases cannot multiply it; like a mutation's
 * field, the execution deadline counts from when it ends (execution-deadline.ts).
 */
export const COSTLY_FIELDS: ReadonlySet<string> = new Set(["Query.planVideo"]);

interface Measure {
  /** Levels of fields below the selection set's owner. */
  depth: number;
  fields: number;
  cost: number;
  /** Selections of COSTLY_FIELDS. */
  costly: number;
}

const NOTHING: Measure = { depth: 0, fields: 0, cost: 0, costly: 0 };

/**
 * The operation's limits (the parser's token limit bounds the document itself). Each named
 * fragment is measured once and its measure reused at every spread, so the rule takes time in
 * proportion to the document however often fragments spread one another. Introspection
 * (__schema, __type) is not counted: it is off in production; __typename is.
 */
export function operationLimitsRule(limits: OperationLimits): (context: ValidationContext) => ASTVisitor {
  return (context) => {
    const schema = context.getSchema();
    const fragmentMeasures = new Map<string, Measure>();
    const measuring = new Set<string>();

    function pageSize(node: FieldNode, field: GraphQLField<unknown, unknown>): number | null {
      const argument = field.args.find((arg) => arg.name === "first");
      if (!argument) return null;
      const given = node.arguments?.find((arg) => arg.name.value === "first")?.value;
      if (given?.kind === Kind.INT) return Number(given.value);
      // A variable's value is not known yet (the result of this rule is cached per document).
      if (given?.kind === Kind.VARIABLE) return limits.maxPageSize;
      return typeof argument.defaultValue === "number" ? argument.defaultValue : limits.maxPageSize;
    }

    /** How many times what a field selects is resolved for one resolution of the field. */
    function multiplier(parent: GraphQLCompositeType, node: FieldNode, field: GraphQLField<unknown, unknown>): number {
      const first = pageSize(node, field);
      if (first !== null) return Math.max(first, 0);
      if (!isListType(getNullableType(field.type))) return 1;
      return LIST_SIZES[`${parent.name}.${field.name}`] ?? LIST_SIZE_ESTIMATE;
    }

    function fieldMeasure(parent: GraphQLCompositeType | null, node: FieldNode): Measure {
      const name = node.name.value;
      if (name === "__typename") return { depth: 1, fields: 1, cost: 1, costly: 0 };
      if (name.startsWith("__")) return NOTHING;
      const field = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
      const costly = parent && COSTLY_FIELDS.has(`${parent.name}.${name}`) ? 1 : 0;
      if (!field || !node.selectionSet) return { depth: 1, fields: 1, cost: 1, costly };
      const type = getNamedType(field.type);
      const inner = measure(node.selectionSet, isCompositeType(type) ? type : null);
      return {
        depth: inner.depth + 1,
        fields: inner.fields + 1,
        cost: 1 + multiplier(parent!, node, field) * inner.cost,
        costly: costly + inner.costly,
      };
    }

    function fragmentMeasure(name: string): Measure {
      const known = fragmentMeasures.get(name);
      if (known) return known;
      const fragment = context.getFragment(name);
      // Unknown fragments and cycles are reported by the standard rules.
      if (!fragment || measuring.has(name)) return NOTHING;
      measuring.add(name);
      const type = schema.getType(fragment.typeCondition.name.value);
      const result = measure(fragment.selectionSet, type && isCompositeType(type) ? type : null);
      measuring.delete(name);
      fragmentMeasures.set(name, result);
      return result;
    }

    function measure(selectionSet: SelectionSetNode, parent: GraphQLCompositeType | null): Measure {
      const total = { ...NOTHING };
      for (const selection of selectionSet.selections) {
        let inner: Measure;
        if (selection.kind === Kind.FIELD) {
          inner = fieldMeasure(parent, selection);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
          inner = measure(selection.selectionSet, type && isCompositeType(type) ? type : null);
        } else {
          inner = fragmentMeasure(selection.name.value);
        }
        total.depth = Math.max(total.depth, inner.depth);
        total.fields += inner.fields;
        total.cost += inner.cost;
        total.costly += inner.costly;
      }
      return total;
    }

    function rootType(node: OperationDefinitionNode): GraphQLCompositeType | null {
      return (
        (node.operation === "query"
          ? schema.getQueryType()
          : node.operation === "mutation"
            ? schema.getMutationType()
            : schema.getSubscriptionType()) ?? null
      );
    }

    return {
      OperationDefinition(node) {
        const { depth, fields, cost, costly } = measure(node.selectionSet, rootType(node));
        const report = (message: string) => context.reportError(new GraphQLError(message, { nodes: [node] }));
        if (depth > limits.maxDepth) report(`the query is ${depth} levels deep; the limit is ${limits.maxDepth}`);
        if (fields > limits.maxFields) report(`the query selects ${fields} fields; the limit is ${limits.maxFields}`);
        if (cost > limits.maxCost) {
          report(
            `the query would resolve about ${cost} fields (each list counted by its first, or as ${LIST_SIZE_ESTIMATE} items); the limit is ${limits.maxCost}: ask for fewer items or fields`,
          );
        }
        if (costly > 1) report(`the query asks for ${[...COSTLY_FIELDS].join(", ")} ${costly} times; it may be asked once per operation`);
        // The operation has been measured: nothing below it needs visiting again.
        return false;
      },
    };
  };
}
