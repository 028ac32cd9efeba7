/**
 * The built war-room screen (client/dist, served by the server at `/`) in Debian's Chromium against
 * a real server process with the demo data, once per backend (embedded PGlite, real PostgreSQL).
 * Traffic comes from the simulator CLI in its own process, so a test can pause ingestion by stopping it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, WarRoomPage } from './support/browser.js';
import {
  ARTIFACTS,
  budgetLine,
  FIRST_LIVE_NUMBERS_BUDGET_MS,
  JS_GZIP_BUDGET_BYTES,
  kb,
  requireClientDist,
  shippedJs,
} from './support/client-dist.js';
import { decimalToFen, fenToDecimal, formatCount, formatYuanCompact, formatYuanExact, shanghaiDay } from './support/money.js';
import {
  activeCampaign,
  clearOfShanghaiMidnight,
  e2eBackends,
  kioskLink,
  metricsOver,
  startDemoStack,
  startSimulator,
  type Campaign,
  type DemoStack,
  type Simulator,
} from './support/stack.js';

// Not a skip: without a build every test below would exercise a missing page.
requireClientDist();

const SIMULATOR_RATE = 50;

describe('war room budgets', () => {
  it('ships at most 200 KB of JavaScript (gzip)', () => {
    const files = shippedJs();
    const total = files.reduce((sum, f) => sum + f.gzipBytes, 0);
    for (const f of files) console.log(`[budget]   ${f.file} ${kb(f.bytes)} raw, ${kb(f.gzipBytes)} gzip`);
    console.log(budgetLine('js-gzip', kb(total), kb(JS_GZIP_BUDGET_BYTES)));
    expect(total).toBeLessThanOrEqual(JS_GZIP_BUDGET_BYTES);
  });
});

for (const backend of e2eBackends()) {
  describe(`war room in Chromium [${backend}]`, () => {
    let stack: DemoStack | undefined;
    let browser: Browser | undefined;
    let simulator: Simulator | undefined;
    let room: WarRoomPage | undefined;
    let campaign: Campaign;

    const server = () => {
      if (!stack) throw new Error('stack not started');
      return stack;
    };
    const warRoom = async () => (room ??= await WarRoomPage.open(browser!, kioskLink(server().url)));
    /** The live campaign's GMV over its whole window, from the `metrics` query over HTTP. */
    const campaignGmv = async () => (await metricsOver(server().url, campaign.id, campaign.startsAt, campaign.endsAt)).gmv;

    beforeAll(async () => {
      await clearOfShanghaiMidnight();
      // Both at once; whichever starts is kept for afterAll even when the other fails.
      const [started, launched] = await Promise.allSettled([startDemoStack(backend), launchChromium()]);
      stack = started.status === 'fulfilled' ? started.value : undefined;
      browser = launched.status === 'fulfilled' ? launched.value : undefined;
      if (started.status === 'rejected') throw started.reason;
      if (launched.status === 'rejected') throw launched.reason;
      const demo = started.value;
      await demo.historyLoaded();
      campaign = await activeCampaign(demo.url);
      expect(campaign.name).toBe('双11全球狂欢节');
      simulator = startSimulator(demo.url, campaign.id, SIMULATOR_RATE);
      await simulator.started();
    }, 600_000); // may first wait out Shanghai midnight (see clearOfShanghaiMidnight)

    afterAll(async () => {
      const died = stack?.unexpectedExit();
      if (died) console.error(`[e2e] ${died}`);
      // Each step on its own: one failing must not leave the others running.
      await room?.close().catch(() => {});
      await browser?.close().catch(() => {});
      await simulator?.stop().catch(() => {});
      await stack?.dispose();
    });

    it('opens in Chinese, goes live, and the hero GMV rises while orders come in', async () => {
      const page = await warRoom();
      const first = await page.firstLive();
      console.log(
        budgetLine(`first-live-numbers [${backend}]`, `${Math.round(first.frameMs)} ms`, `${FIRST_LIVE_NUMBERS_BUDGET_MS} ms`) +
          ` — in the DOM at ${Math.round(first.domMs)} ms, first contentful paint ${first.fcpMs === null ? '—' : `${Math.round(first.fcpMs)} ms`}, showed ${first.text}`,
      );

      const live = await page.until('the badge to say live', (s) => s.badge === 'live');
      expect(live.lang).toBe('zh-CN');
      expect(live.badgeText).toBe('实时');
      expect(await page.page.getByText('活动累计成交额 GMV').isVisible()).toBe(true);
      expect(await page.page.getByTestId('kpi-strip').textContent()).toContain('买家数');
      expect(live.heroExact).toMatch(/^¥\d{1,3}(,\d{3})*\.\d{2}$/);

      // Layout shift while the numbers move (Chromium's layout-shift entries, from now on): the screen
      // must not jump as figures change width. A number, not a time: Google's "good" CLS is < 0.1.
      await page.page.evaluate(
        `window.__shift = 0; new PerformanceObserver((list) => { for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shift += e.value; }).observe({ type: 'layout-shift' })`,
      );
      const before = live.heroFen!;
      expect(before).toBeGreaterThan(0);
      const after = await page.until('the hero GMV to rise above its first reading', (s) => (s.heroFen ?? 0) > before, 60_000);
      expect(after.heroFen).toBeGreaterThan(before);
      expect(after.badge).toBe('live');
      // The exact figure follows the same value as the rolling one.
      expect(decimalToFen(after.heroExact!.replace(/[¥,]/g, ''))).toBeGreaterThan(before);
      const shift = Number(await page.page.evaluate('window.__shift'));
      console.log(`[e2e] layout shift while the figures moved [${backend}]: ${shift.toFixed(4)}`);
      expect(shift).toBeLessThan(0.01);
    });

    it('fits the wall: 1920×1080 as designed, 4K scaled up, ultrawide letterboxed', async () => {
      mkdirSync(ARTIFACTS, { recursive: true });
      const suffix = backend === 'pglite' ? '' : `-${backend}`;
      const shots = [
        { width: 1920, height: 1080, file: `war-room-1920x1080${suffix}.png`, canvas: { x: 0, y: 0, width: 1920, height: 1080 } },
        { width: 3840, height: 2160, file: `war-room-4k${suffix}.png`, canvas: { x: 0, y: 0, width: 3840, height: 2160 } },
        { width: 2560, height: 1080, file: null, canvas: { x: 320, y: 0, width: 1920, height: 1080 } },
      ];
      for (const shot of shots) {
        const page = await WarRoomPage.open(browser!, kioskLink(server().url), { width: shot.width, height: shot.height });
        try {
          // Live, and the rolling number has come to rest on the exact value (for the picture).
          await page.until('live figures', (s) => s.badge === 'live' && (s.heroFen ?? 0) > 0 && s.heroText === formatYuanCompact(fenToDecimal(s.heroFen!)));
          const box = await page.page.getByTestId('canvas').boundingBox();
          expect(box, `canvas at ${shot.width}×${shot.height}`).not.toBeNull();
          for (const key of ['x', 'y', 'width', 'height'] as const) {
            expect(Math.abs(box![key] - shot.canvas[key]), `canvas ${key} at ${shot.width}×${shot.height}: ${JSON.stringify(box)}`).toBeLessThanOrEqual(1);
          }
          if (shot.file) {
            const file = path.join(ARTIFACTS, shot.file);
            await page.page.screenshot({ path: file });
            const png = readFileSync(file);
            expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([shot.width, shot.height]);
            console.log(`[e2e] screenshot ${path.relative(process.cwd(), file)} ${shot.width}×${shot.height}`);
          }
        } finally {
          await page.close();
        }
      }
    });

    it('with ingestion paused, shows exactly the GMV the metrics query returns', async () => {
      const page = await warRoom();
      await simulator!.stop();
      // Nothing else writes now (--no-simulate, history done): the API's answer is final.
      const gmv = await campaignGmv();
      const today = shanghaiDay();
      const todays = await metricsOver(server().url, campaign.id, today.from, today.to);

      const settled = await page.until(
        `the hero to show ${formatYuanExact(gmv)}`,
        (s) => s.heroFen === decimalToFen(gmv) && s.heroExact === formatYuanExact(gmv) && s.heroText === formatYuanCompact(gmv),
      );
      expect(settled.heroFen).toBe(decimalToFen(gmv));
      expect(settled.heroExact).toBe(formatYuanExact(gmv));
      // The big number has finished rolling and reads the same amount in 万/亿.
      expect(settled.heroText).toBe(formatYuanCompact(gmv));
      expect(settled.badge).toBe('live');

      // Today's paying buyers (the KPI strip's 买家数) against the same query over the Asia/Shanghai day.
      const kpis = await page.until(`买家数 to show ${formatCount(todays.buyers)}`, (s) => s.buyers === formatCount(todays.buyers));
      expect(kpis.buyers).toBe(formatCount(todays.buyers));

      // Still equal after two more ticks and a full rolling animation: nothing drifts once ingestion stops.
      await page.page.waitForTimeout(2 * 1_000 + 800);
      const later = await page.state();
      expect(await campaignGmv()).toBe(gmv);
      expect([later.heroFen, later.heroExact, later.heroText, later.buyers]).toEqual([
        decimalToFen(gmv),
        formatYuanExact(gmv),
        formatYuanCompact(gmv),
        formatCount(todays.buyers),
      ]);
    });

    it('rides out a server restart without a reload: reconnecting banner, then live again', async () => {
      const page = await warRoom();
      await simulator!.stop(); // already stopped when the tests run in order; figures must hold still

      const live = await page.until('live', (s) => s.badge === 'live');
      await page.page.evaluate('window.__e2eMarker = 1');
      const loads = page.loads;
      const navigations = page.navigations;

      await server().stopServer();
      const down = await page.until('the badge to say reconnecting', (s) => s.badge === 'reconnecting', 15_000);
      expect(down.badgeText).toBe('重连中');
      expect(down.banner).toContain('正在重连');
      expect(await page.page.getByTestId('delayed-banner').isVisible()).toBe(true);
      // The last figures stay readable while the server is away.
      expect(down.heroFen).toBe(live.heroFen);

      await server().startServer();
      const gmv = await campaignGmv();
      const back = await page.until(
        'live again with the figures the restarted server reports',
        (s) => s.badge === 'live' && s.banner === null && s.heroFen === decimalToFen(gmv) && s.heroExact === formatYuanExact(gmv),
        30_000,
      );
      expect(back.heroFen).toBe(live.heroFen); // same data, nothing lost or doubled across the restart
      expect(await page.page.getByTestId('delayed-banner').count()).toBe(0);

      expect(await page.page.evaluate('window.__e2eMarker')).toBe(1);
      expect(page.loads).toBe(loads);
      expect(page.navigations).toBe(navigations);
      expect(await page.page.evaluate(`performance.getEntriesByType('navigation').length`)).toBe(1);
      expect(page.pageErrors).toEqual([]);

      // And the numbers move again on the same page once orders flow to the restarted server.
      simulator = startSimulator(server().url, campaign.id, SIMULATOR_RATE);
      await simulator.started();
      const moving = await page.until('the hero GMV to rise after the restart', (s) => (s.heroFen ?? 0) > back.heroFen!, 60_000);
      expect(moving.badge).toBe('live');
      expect(page.loads).toBe(loads);
    });
  });
}
