import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** The fields named `name` directly in a selection set, through inline fragments and fragment spreads. */
function fieldsNamed(set: SelectionSetNode | undefined, name: string, info: GraphQLResolveInfo, into: FieldNode[]): FieldNode[] {
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value === name) into.push(selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      fieldsNamed(selection.selectionSet, name, info, into);
    } else {
      fieldsNamed(info.fragments[selection.name.value]?.selectionSet, name, info, into);
    }
  }
  return into;
}

/**
 * Whether the field being resolved selects `path` below it (e.g. edges → node → items), under any alias
 * and through fragments; @skip/@include are not evaluated (a skipped field counts as selected). For
 * fetching ahead only: the answer changes what is read at once, never what may be read.
 */
export function selects(info: GraphQLResolveInfo, path: readonly string[]): boolean {
  let level: readonly FieldNode[] = info.fieldNodes;
  for (const name of path) {
    level = level.flatMap((field) => fieldsNamed(field.selectionSet, name, info, []));
    if (level.length === 0) return false;
  }
  return true;
}
