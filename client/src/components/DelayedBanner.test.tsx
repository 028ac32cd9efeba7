import { render, screen } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { DelayedBanner } from './DelayedBanner';

describe('DelayedBanner', () => {
  it('announces its message as an alert only while visible', () => {
    const [visible, setVisible] = createSignal(false);
    render(() => <DelayedBanner visible={visible()} message="数据延迟：当前数字截至 12:00:29" />);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    setVisible(true);
    expect(screen.getByRole('alert')).toHaveTextContent('数据延迟：当前数字截至 12:00:29');
    setVisible(false);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
