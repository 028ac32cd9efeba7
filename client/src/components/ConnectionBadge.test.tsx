import { render, screen } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import type { Freshness } from '../lib/freshness';
import { ConnectionBadge } from './ConnectionBadge';

describe('ConnectionBadge', () => {
  it('carries its state as colour class and word, and follows the state as it changes', () => {
    const [state, setState] = createSignal<Freshness>('connecting');
    const [label, setLabel] = createSignal('连接中');
    render(() => <ConnectionBadge state={state()} label={label()} />);
    const badge = screen.getByRole('status');
    expect(badge).toHaveAttribute('data-state', 'connecting');
    expect(badge).toHaveClass('badge-connecting');
    expect(badge).toHaveTextContent('连接中');

    for (const [next, word] of [['live', '实时'], ['reconnecting', '重连中'], ['stale', '数据延迟']] as const) {
      setState(next);
      setLabel(word);
      expect(badge).toHaveAttribute('data-state', next);
      expect(badge).toHaveClass(`badge-${next}`);
      expect(badge).toHaveTextContent(word);
    }
    expect(badge).not.toHaveClass('badge-connecting');
  });
});
