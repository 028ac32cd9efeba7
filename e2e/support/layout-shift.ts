/**
 * Chromium's layout-shift entries from the moment `startLayoutShiftObserver` runs, split into the live
 * alert feed panel (whose items and count are meant to arrive, change and leave) and everything else.
 * A shift belongs to the feed when it happened inside the feed panel's box: judging by ancestry once
 * counted an alert that had just left (already detached) and the feed's count as shifts of the screen.
 */
const OBSERVER = `(() => {
  window.__shift = { screen: 0, feed: 0, screenSources: [] };
  const elementOf = (node) => (node && node.nodeType === Node.TEXT_NODE ? node.parentElement : node);
  // By place, not by ancestry: an alert that has left is already detached when its entry arrives.
  const within = (r, box) => r.x >= box.x - 1 && r.y >= box.y - 1 && r.x + r.width <= box.right + 1 && r.y + r.height <= box.bottom + 1;
  const gone = (r) => r.width === 0 && r.height === 0;
  const inFeed = (s) => {
    const feed = document.querySelector('[data-testid="alerts-feed"]');
    if (!feed) return false;
    const box = feed.getBoundingClientRect();
    return within(s.previousRect, box) && (gone(s.currentRect) || within(s.currentRect, box));
  };
  const rect = (r) => [r.x, r.y, r.width, r.height].map(Math.round).join(',');
  const describe = (s) => {
    const el = elementOf(s.node);
    if (!el || !el.closest) return String(s.node && s.node.nodeName);
    const panel = el.closest('[data-testid]');
    const text = (el.textContent || '').trim().slice(0, 30);
    return el.nodeName.toLowerCase() + (panel ? ' in ' + panel.getAttribute('data-testid') : '') + ' "' + text + '" ' + rect(s.previousRect) + ' → ' + rect(s.currentRect);
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.hadRecentInput) continue;
      if (e.sources.length > 0 && e.sources.every(inFeed)) { window.__shift.feed += e.value; continue; }
      window.__shift.screen += e.value;
      window.__shift.screenSources.push(e.value.toFixed(4) + ': ' + e.sources.map(describe).join('; '));
    }
  }).observe({ type: 'layout-shift' });
})()`;

export interface LayoutShift {
  screen: number;
  feed: number;
  /** One line per shift outside the feed: its value and what moved, from where to where. */
  screenSources: string[];
}

interface Evaluates {
  evaluate(script: string): Promise<unknown>;
}

export async function startLayoutShiftObserver(page: Evaluates): Promise<void> {
  await page.evaluate(OBSERVER);
}

export async function layoutShiftSoFar(page: Evaluates): Promise<LayoutShift> {
  return (await page.evaluate('window.__shift')) as LayoutShift;
}
