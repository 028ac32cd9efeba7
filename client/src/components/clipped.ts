import { createSignal, onCleanup, onMount, type Accessor } from 'solid-js';

/** Where an item of a list sits in its panel's body, in layout px (offsetTop, offsetHeight). */
export interface ItemBox {
  top: number;
  height: number;
}

/**
 * How many of a list's items (in display order) a body of `height` px cannot show whole: the first that
 * runs past the foot and every one after it. An item is shown whole or not at all.
 */
export function countClipped(items: readonly ItemBox[], height: number): number {
  const first = items.findIndex((item) => item.top + item.height > height);
  return first === -1 ? 0 : items.length - first;
}

/** Marks an item the panel cannot show whole: styled hidden, so no half card sits at the panel's foot. */
export const CLIPPED_ATTRIBUTE = 'data-clipped';

/**
 * Watches the items (`selector`, inside `body`) of a big-screen panel that cannot scroll, and says how many
 * it cannot show. The panels' lists are ordered by what the room must see first (alerts by severity,
 * milestones missing a plan first), so what gives way is the least urgent; the count tells the room the
 * rest exists. It looks again only when the body or an item changes size or items come and go, never on
 * the ticks that only change text, and once per animation frame at most.
 */
export function createClippedCount(body: () => HTMLElement | undefined, selector: string): Accessor<number> {
  const [hidden, setHidden] = createSignal(0);
  onMount(() => {
    const root = body();
    // jsdom (the component tests) has no layout to measure.
    if (!root || typeof ResizeObserver === 'undefined') return;
    let frame = 0;
    const sizes = new ResizeObserver(() => schedule());
    const observed = new Set<Element>();
    const measure = () => {
      frame = 0;
      const items = [...root.querySelectorAll<HTMLElement>(selector)];
      for (const item of items) {
        if (!observed.has(item)) {
          observed.add(item);
          sizes.observe(item);
        }
      }
      for (const item of observed) {
        if (!item.isConnected) {
          observed.delete(item);
          sizes.unobserve(item);
        }
      }
      const boxes = items.map((item) => ({ top: offsetWithin(item, root), height: item.offsetHeight }));
      const count = countClipped(boxes, root.clientHeight);
      items.forEach((item, i) => item.toggleAttribute(CLIPPED_ATTRIBUTE, i >= items.length - count));
      setHidden(count);
    };
    const schedule = () => {
      if (frame === 0) frame = requestAnimationFrame(measure);
    };
    const added = new MutationObserver(schedule);
    sizes.observe(root);
    added.observe(root, { childList: true, subtree: true });
    schedule();
    onCleanup(() => {
      cancelAnimationFrame(frame);
      sizes.disconnect();
      added.disconnect();
    });
  });
  return hidden;
}

/** The item's top within `root`, summed over the offset parents between them (a table's rows have their own). */
function offsetWithin(item: HTMLElement, root: HTMLElement): number {
  let top = 0;
  let at: HTMLElement | null = item;
  while (at && at !== root) {
    top += at.offsetTop;
    const parent: Element | null = at.offsetParent;
    at = parent instanceof HTMLElement && root.contains(parent) ? parent : null;
  }
  return top;
}
