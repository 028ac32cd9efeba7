import { createSubscription } from '@urql/solid';
import type { AnyVariables, DocumentInput } from '@urql/core';
import type { Accessor } from 'solid-js';

export interface LiveFeed<Data> {
  data: Accessor<Data | undefined>;
  /** performance.now() when the newest message arrived; null before the first. */
  receivedAt: Accessor<number | null>;
  error: Accessor<string | undefined>;
}

interface Stamped<Data> {
  data: Data;
  receivedAt: number;
}

/**
 * A live subscription stamped with each message's arrival time. Every message is the full state, so
 * a missed one (a jump in `sequence`) needs no repair: the next message replaces it.
 */
export function createLiveFeed<Data, Variables extends AnyVariables>(query: DocumentInput<Data, Variables>, variables: Accessor<Variables>): LiveFeed<Data> {
  const [state] = createSubscription<Data, Stamped<Data>, Variables>({ query, variables }, (_previous, data) => ({ data, receivedAt: performance.now() }));
  return {
    data: () => state.data?.data,
    receivedAt: () => state.data?.receivedAt ?? null,
    error: () => state.error?.message,
  };
}
