import { describe, expect, it } from 'vitest';
import { countClipped } from './clipped';

/** Cards of `height` px with 8 px between them, as the wall's lists lay them out. */
const cards = (...heights: number[]) => {
  let top = 0;
  return heights.map((height) => {
    const box = { top, height };
    top += height + 8;
    return box;
  });
};

describe('countClipped: what a panel that cannot scroll does not show', () => {
  it('hides nothing when every item fits whole', () => {
    expect(countClipped(cards(70, 70, 70), 226)).toBe(0); // the last ends at 226 exactly
    expect(countClipped([], 300)).toBe(0);
  });

  it('counts an item cut at the foot as not shown, never as a half card', () => {
    // The wall's 关键节点 at 1920×1080: one card whole, the next cut after its title row.
    expect(countClipped(cards(120, 96, 96, 96, 96, 96, 96), 190)).toBe(6);
    expect(countClipped(cards(70, 70, 70), 225)).toBe(1);
  });

  it('hides the rest once one does not fit, in the list’s own order (most urgent first)', () => {
    expect(countClipped(cards(300, 40, 40), 200)).toBe(3);
  });
});
