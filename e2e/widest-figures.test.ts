/**
 * The fit check's top-10 padding (support/widest-figures.ts) answers every field the wall's document
 * asks of a top product. A padded row missing one threw inside the wall's live view, which then stayed at
 * 连接中; the padding is used only in the first minutes after Shanghai midnight, so the fit check failed
 * only there (CI of stop 60). This test reads the document itself, so a field added to it later fails here
 * at once, at any hour.
 */
import { Kind, type DocumentNode, type SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { TodayMetricsSubscription } from '../client/src/features/war-room/war-room.documents.js';
import { widestFigures } from './support/widest-figures.js';

/** The selection set of the first field called `name`, anywhere in the document. */
function selectionOf(document: DocumentNode, name: string): SelectionSetNode {
  const search = (set: SelectionSetNode | undefined): SelectionSetNode | undefined => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind !== Kind.FIELD) continue;
      if (selection.name.value === name && selection.selectionSet) return selection.selectionSet;
      const found = search(selection.selectionSet);
      if (found) return found;
    }
    return undefined;
  };
  for (const definition of document.definitions) {
    const found = definition.kind === Kind.OPERATION_DEFINITION ? search(definition.selectionSet) : undefined;
    if (found) return found;
  }
  throw new Error(`no field ${name} in the document`);
}

/** The paths (a.b.c, by response key) the selection asks for that `value` does not answer. */
function missing(set: SelectionSetNode, value: Record<string, unknown>, prefix = ''): string[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind !== Kind.FIELD) return [`${prefix}(fragment)`];
    const key = selection.alias?.value ?? selection.name.value;
    const answer = value[key];
    if (answer === undefined) return [`${prefix}${key}`];
    if (selection.selectionSet && answer !== null) return missing(selection.selectionSet, answer as Record<string, unknown>, `${prefix}${key}.`);
    return [];
  });
}

describe('the fit check pads the top 10 with rows the wall can draw', () => {
  it('answers every field the wall asks of a top product, on every padded row', () => {
    const selection = selectionOf(TodayMetricsSubscription as unknown as DocumentNode, 'topProducts');
    const padded = (widestFigures({ topProducts: [] }) as { topProducts: Record<string, unknown>[] }).topProducts;
    expect(padded).toHaveLength(10);
    for (const row of padded) expect(missing(selection, row)).toEqual([]);
  });

  it('finds a field the padding lacks (the check can fail)', () => {
    const selection = selectionOf(TodayMetricsSubscription as unknown as DocumentNode, 'topProducts');
    expect(missing(selection, { gmv: '0', unitsSold: 0, product: { id: 'p', name: '-' }, sku: null })).toEqual(['product.shop']);
  });
});
