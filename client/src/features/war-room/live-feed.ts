import { createSubscription } from '@urql/solid';
import type { AnyVariables, DocumentInput } from '@urql/core';
import type { Accessor } from 'solid-js';

export interface LiveFeed<Data> {
  data: Accessor<Data | undefined>;
  /** performance.now() when the newest message arrived; null before the first. */
  receivedAt: Accessor<number | null>;
  /** Messages the server numbered but we never saw (a visible gap, healed by the next full state). */
  missed: Accessor<number>;
  error: Accessor<string | undefined>;
}

interface Stamped<Data> {
  data: Data;
  receivedAt: number;
  sequence: number | null;
  missed: number;
}

/**
 * A live subscription whose every message is the full state, stamped with its arrival time. After a
 * reconnect the server starts a fresh topic, so a lower sequence is a resync, not a gap.
 */
export function createLiveFeed<Data, Variables extends AnyVariables>(
  query: DocumentInput<Data, Variables>,
  variables: Accessor<Variables>,
  sequenceOf: (data: Data) => number,
): LiveFeed<Data> {
  const [state] = createSubscription<Data, Stamped<Data>, Variables>({ query, variables }, (previous, data) => {
    const sequence = sequenceOf(data);
    const jump = previous?.sequence != null && sequence > previous.sequence + 1 ? sequence - previous.sequence - 1 : 0;
    return { data, receivedAt: performance.now(), sequence, missed: (previous?.missed ?? 0) + jump };
  });
  return {
    data: () => state.data?.data,
    receivedAt: () => state.data?.receivedAt ?? null,
    missed: () => state.data?.missed ?? 0,
    error: () => state.error?.message,
  };
}
