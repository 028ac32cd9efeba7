import { expect, it } from 'vitest';
import { DEMO_SHOPS } from './demo.catalog.js';
import { createRandom } from './demo.random.js';
import { buildReports } from './demo.reports.js';

const shops = DEMO_SHOPS.map((shop, i) => ({ ...shop, id: `00000000-0000-4000-8000-00000000000${i}` }));

it("stamps no report after the demo's clock: yesterday's, before 09:00, is written at start, not at 09:00 to come", () => {
  const now = new Date('2026-12-07T08:00:00+08:00');
  const { dailyReports } = buildReports(shops, new Map(), now, createRandom(1));
  const yesterday = dailyReports.filter((r) => r.date === '2026-12-06');
  expect(yesterday.length).toBeGreaterThan(0);
  for (const row of dailyReports) {
    expect(row.createdAt!.getTime()).toBeLessThanOrEqual(now.getTime());
    expect(row.updatedAt!.getTime()).toBeLessThanOrEqual(now.getTime());
  }
  expect(yesterday[0]!.updatedAt).toEqual(now);
  // The day before was written at 09:00 the morning after, as every other day.
  expect(dailyReports.find((r) => r.date === '2026-12-05')!.updatedAt).toEqual(new Date('2026-12-06T09:00:00+08:00'));
});
