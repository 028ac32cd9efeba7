/**
 * Does the screen fit? Looked at as a reader would: every visible piece of text is boxed (one box per
 * line, Range.getClientRects; SVG text by its element) and the page is told off for
 *  - two texts of different elements drawn over each other (more than 1 px both ways);
 *  - text leaving the panel that holds it (the nearest `[data-panel]`; outside any panel, the viewport
 *    sideways), or cut sideways without an ellipsis, or cut with an ellipsis but no `title` to read it;
 *  - a horizontal scroll bar (the document wider than the viewport).
 * Deliberate cuts are allowed: an ellipsis with a title (only what it shows counts), and rows cut at the
 * foot of a list inside its panel (the alert feed: the count says how many there are).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';

export interface Box {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface TextBox {
  text: string;
  element: string;
  box: Box;
}

export interface FitReport {
  /** Text boxes looked at (drawn, non-empty): a report over none would prove nothing. */
  texts: number;
  overlaps: { a: TextBox; b: TextBox }[];
  spills: (TextBox & { panel: string; panelBox: Box | null })[];
  cut: (TextBox & { why: string })[];
  horizontalScroll: { scrollWidth: number; innerWidth: number } | null;
}

const IN_PAGE = readFileSync(path.join(import.meta.dirname, 'fit-check.page.js'), 'utf8');

/** The report for the page as it is drawn now. */
export async function checkFit(page: Page): Promise<FitReport> {
  return (await page.evaluate(IN_PAGE)) as FitReport;
}

const at = (b: Box) => `[${Math.round(b.left)},${Math.round(b.top)} → ${Math.round(b.right)},${Math.round(b.bottom)}]`;
const quote = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}…` : text);

/** One line per problem, in words and boxes (viewport pixels); empty when the page fits. */
export function fitProblems(report: FitReport): string[] {
  return [
    ...report.overlaps.map((o) => `overlap: ${quote(o.a.text)} ${o.a.element} ${at(o.a.box)} and ${quote(o.b.text)} ${o.b.element} ${at(o.b.box)}`),
    ...report.spills.map((s) => `outside its panel: ${quote(s.text)} ${s.element} ${at(s.box)} leaves ${s.panel}${s.panelBox ? ` ${at(s.panelBox)}` : ''}`),
    ...report.cut.map((c) => `cut: ${quote(c.text)} ${c.element} ${at(c.box)} ${c.why}`),
    ...(report.horizontalScroll ? [`scrolls sideways: document ${report.horizontalScroll.scrollWidth} px wide in a ${report.horizontalScroll.innerWidth} px viewport`] : []),
  ];
}

/** Every box a report blames, once. */
function offendingBoxes(report: FitReport): Box[] {
  const boxes = [...report.overlaps.flatMap((o) => [o.a.box, o.b.box]), ...report.spills.map((s) => s.box), ...report.cut.map((c) => c.box)];
  const seen = new Set<string>();
  return boxes.filter((b) => {
    const key = at(b);
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/**
 * Saves a screenshot of the whole page with the offending boxes outlined in magenta (drawn on top,
 * in page coordinates, so a scrolled laptop page shows them where they are), then removes the outlines.
 */
export async function screenshotWithOutlines(page: Page, report: FitReport, file: string): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const boxes = JSON.stringify(offendingBoxes(report));
  await page.evaluate(`(() => {
    for (const b of ${boxes}) {
      const d = document.createElement('div');
      d.setAttribute('data-fit-outline', '');
      Object.assign(d.style, { position: 'absolute', zIndex: '2147483647', pointerEvents: 'none', boxSizing: 'border-box',
        left: (b.left + scrollX - 2) + 'px', top: (b.top + scrollY - 2) + 'px', width: (b.right - b.left + 4) + 'px', height: (b.bottom - b.top + 4) + 'px',
        outline: '3px solid #ff00ff', background: 'rgba(255,0,255,0.15)' });
      document.body.appendChild(d);
    }
  })()`);
  try {
    await page.screenshot({ path: file, fullPage: true });
  } finally {
    await page.evaluate(`document.querySelectorAll('[data-fit-outline]').forEach((d) => d.remove())`);
  }
}
