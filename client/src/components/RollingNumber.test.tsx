import { render, screen } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RollingNumber } from './RollingNumber';

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

describe('RollingNumber', () => {
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('shows the first value at once, then rolls up to each new one and lands on it exactly', () => {
    vi.useFakeTimers({ toFake: ['performance', 'requestAnimationFrame', 'cancelAnimationFrame'] });
    const [value, setValue] = createSignal(100_00);
    render(() => <RollingNumber value={value()} format={yuan} testId="n" />);
    const shown = screen.getByTestId('n');
    expect(shown).toHaveTextContent('¥100.00');

    setValue(200_00);
    expect(shown).toHaveAttribute('data-value', '20000'); // exact at once, for tools and tests
    expect(shown).toHaveTextContent('¥100.00');
    vi.advanceTimersByTime(400);
    const halfway = Number(shown.textContent?.slice(1));
    expect(halfway).toBeGreaterThan(100);
    expect(halfway).toBeLessThan(200);
    vi.advanceTimersByTime(500);
    expect(shown).toHaveTextContent('¥200.00');
  });

  it('jumps straight to the value when asked not to animate', () => {
    const [value, setValue] = createSignal(1);
    render(() => <RollingNumber value={value()} format={String} durationMs={0} testId="n" />);
    setValue(42);
    expect(screen.getByTestId('n')).toHaveTextContent('42');
  });

  it('jumps straight to the value where there are no animation frames', () => {
    vi.stubGlobal('requestAnimationFrame', undefined);
    vi.stubGlobal('cancelAnimationFrame', undefined);
    const [value, setValue] = createSignal(1);
    render(() => <RollingNumber value={value()} format={String} testId="n" />);
    setValue(42);
    expect(screen.getByTestId('n')).toHaveTextContent('42');
  });
});
