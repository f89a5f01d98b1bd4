import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationContext } from "graphql";

export interface OperationLimits {
  /** Deepest field nesting, e.g. `{ video { history { at } } }` is 3. */
  maxDepth: number;
  /** Fields selected in total, counting a fragment each time it is spread (aliases multiply work). */
  maxFields: number;
}

interface Measure {
  depth: number;
  fields: number;
}

/**
 * A validation rule bounding what one operation can ask for, so that a crafted query cannot
 * tie up the database or the server. Introspection fields are not counted (introspection is
 * off in production); fragment cycles are left to the standard NoFragmentCycles rule.
 */
export function operationLimitsRule(limits: OperationLimits): (context: ValidationContext) => ASTVisitor {
  return (context) => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const definition of context.getDocument().definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    }

    function measure(selectionSet: SelectionSetNode, depth: number, spread: ReadonlySet<string>): Measure {
      const total: Measure = { depth, fields: 0 };
      for (const selection of selectionSet.selections) {
        let inner: Measure;
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value.startsWith("__")) continue;
          inner = selection.selectionSet ? measure(selection.selectionSet, depth + 1, spread) : { depth: depth + 1, fields: 0 };
          inner.fields += 1;
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          inner = measure(selection.selectionSet, depth, spread);
        } else {
          const name = selection.name.value;
          const fragment = fragments.get(name);
          if (!fragment || spread.has(name)) continue;
          inner = measure(fragment.selectionSet, depth, new Set([...spread, name]));
        }
        total.depth = Math.max(total.depth, inner.depth);
        total.fields += inner.fields;
        if (total.fields > limits.maxFields) break;
      }
      return total;
    }

    return {
      OperationDefinition(node) {
        const { depth, fields } = measure(node.selectionSet, 0, new Set());
        if (depth > limits.maxDepth) {
          context.reportError(new GraphQLError(`the query is ${depth} levels deep; the limit is ${limits.maxDepth}`, { nodes: [node] }));
        }
        if (fields > limits.maxFields) {
          context.reportError(new GraphQLError(`the query selects more than ${limits.maxFields} fields; the limit is ${limits.maxFields}`, { nodes: [node] }));
        }
      },
    };
  };
}
