/**
 * The war room fits in every language and size (issue 14): zh-CN and English at 3840×2160, 1920×1080,
 * 1366×768 and 390×844, with the demo's figures and with every figure forced to its widest
 * (support/widest-figures.ts rewrites the GraphQL answers in the browser). No two texts drawn over each
 * other, no text out of its panel or cut without a way to read it, no sideways scrolling
 * (support/fit-check.ts). Every combination is saved to e2e/artifacts/fit/ (`<lang>-<size>.png`, and
 * `…-widest.png`); a failure also saves `e2e/artifacts/fit-failed-<label>.png` with the offending boxes outlined.
 *
 * One PGlite server for the whole file: this is a check of layout, which does not depend on the
 * backend (the figures come from the same GraphQL answers either way, and the widest runs rewrite them
 * anyway); war-room.e2e.test.ts covers the data path on both backends.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, requireClientDist } from './support/client-dist.js';
import { checkFit, fitProblems, screenshotWithOutlines } from './support/fit-check.js';
import { startDemoStack, startStackAndChromium, until, type DemoStack } from './support/stack.js';
import { TEST_ADMIN_KEY } from '../server/test/server-process.js';
import { LONG_TEXT, serveWidestFigures } from './support/widest-figures.js';

requireClientDist();

const FIT = path.join(ARTIFACTS, 'fit');
const LANGS = ['zh-CN', 'en'] as const;
const SIZES = [
  { width: 3840, height: 2160 },
  { width: 1920, height: 1080 },
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
] as const;

/** Everything the screen loads has been drawn, and nothing is still moving (rolling numbers, bars). */
async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }).document;
    const has = (selector: string) => /\d/.test(doc.querySelector(selector)?.textContent ?? '');
    return (
      has('[data-testid="hero-gmv-exact"]') &&
      has('[data-testid="kpi-buyers"] .kpi-value') &&
      // In the first minutes after Shanghai midnight the day has no paid order yet: the list says so.
      (has('[data-testid="top-products"] tbody tr') || doc.querySelector('[data-testid="top-products-empty"]') !== null) &&
      doc.querySelector('[data-testid="alerts-feed"] :is(.alerts, .empty)') !== null &&
      doc.querySelector('[data-testid="milestone-board"] :is(.milestones, .empty)') !== null
    );
  }, undefined, { timeout: 30_000 });
  // Finite animations (the hero rolling to its figure, bars and ring easing) come to rest; the pulsing
  // badge and the HIGH-risk alarm repeat forever and move no text. Then two reads of the text agree.
  let last = '';
  await until('the screen to stop moving', 15_000, async () => {
    const now = (await page.evaluate(`(() => {
      const moving = document.getAnimations().filter((a) => a.effect && a.effect.getComputedTiming().iterations !== Infinity && a.playState === 'running');
      return moving.length + '|' + document.body.innerText;
    })()`)) as string;
    const still = now.startsWith('0|') && now === last;
    last = now;
    return still;
  }, 300);
}

describe('the war room fits in every language and size', () => {
  let stack: DemoStack | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    ({ stack, browser } = await startStackAndChromium(() => startDemoStack('pglite')));
  }, 600_000); // may first wait out Shanghai midnight (see clearOfShanghaiMidnight)

  afterAll(async () => {
    await browser?.close().catch(() => {});
    await stack?.dispose();
  });

  it('reports text drawn over text, text out of its panel, untitled cuts and sideways scrolling', async () => {
    const page = await browser!.newPage({ viewport: { width: 800, height: 600 } });
    try {
      await page.setContent(`<body style="margin:0;font:20px sans-serif">
        <section data-panel style="position:absolute;left:10px;top:10px;width:200px;height:100px;overflow:hidden">
          <div style="white-space:nowrap">¥99,999,999,999.99 runs out of this panel</div>
          <div style="white-space:nowrap;overflow:hidden;text-overflow:ellipsis;width:120px">cut with no title to read it</div>
          <div title="cut on purpose, readable" style="white-space:nowrap;overflow:hidden;text-overflow:ellipsis;width:120px">cut on purpose, readable</div>
        </section>
        <div style="position:absolute;left:300px;top:20px;font-size:40px">¥122,230.50</div>
        <div style="position:absolute;left:380px;top:25px;font-size:40px">81.5%</div>
        <div style="position:absolute;left:0;top:300px;width:1200px">wider than the viewport</div>
      </body>`);
      const report = await checkFit(page);
      const problems = fitProblems(report);
      expect(problems.some((p) => p.startsWith('overlap: "¥122,230.50"') && p.includes('"81.5%"'))).toBe(true);
      expect(problems.some((p) => p.startsWith('outside its panel: "¥99,999,999,999.99 runs out of this panel"'))).toBe(true);
      expect(problems.some((p) => p.startsWith('cut: "cut with no title to read it"'))).toBe(true);
      expect(problems.some((p) => p.includes('cut on purpose'))).toBe(false);
      expect(report.horizontalScroll).toEqual({ scrollWidth: 1200, innerWidth: 800 });
      expect(problems).toHaveLength(4);
    } finally {
      await page.close();
    }
  });

  for (const figures of ['demo', 'widest'] as const) {
    for (const lang of LANGS) {
      for (const size of SIZES) {
        const label = `${lang}-${size.width}x${size.height}${figures === 'widest' ? '-widest' : ''}`;
        it(`${lang} at ${size.width}×${size.height} with the ${figures === 'demo' ? "demo's figures" : 'widest figures'}`, async () => {
          const page = await browser!.newPage({ viewport: { width: size.width, height: size.height } });
          try {
            if (figures === 'widest') await serveWidestFigures(page);
            await page.goto(`${stack!.url}/?lang=${lang}#key=${TEST_ADMIN_KEY}`, { waitUntil: 'load' });
            await settled(page);
            expect(await page.evaluate('document.documentElement.lang')).toBe(lang);
            if (figures === 'widest') {
              expect(await page.evaluate('document.body.innerText')).toContain(LONG_TEXT.slice(0, 8));
              // A full top 10 of the longest names, also when the demo has sold nothing yet today.
              expect(await page.evaluate('document.querySelectorAll(\'[data-testid="top-products"] tbody tr\').length')).toBe(10);
            }
            const report = await checkFit(page);
            await page.screenshot({ path: path.join(FIT, `${label}.png`), fullPage: size.width < 1600 });
            const problems = fitProblems(report);
            if (problems.length > 0) await screenshotWithOutlines(page, report, path.join(ARTIFACTS, `fit-failed-${label}.png`));
            expect(report.texts).toBeGreaterThan(50);
            expect(problems, `${label}: see e2e/artifacts/fit-failed-${label}.png`).toEqual([]);
          } finally {
            // A rewritten answer still in flight when the page closes must not fail the run afterwards.
            await page.unrouteAll({ behavior: 'ignoreErrors' });
            await page.close();
          }
        });
      }
    }
  }
});
