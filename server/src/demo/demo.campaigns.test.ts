import { describe, expect, it } from 'vitest';
import { buildCampaigns, LIVE_CAMPAIGN_NAME } from './demo.campaigns.js';

const sh = (local: string) => new Date(`${local}+08:00`);
let n = 0;
const newId = () => `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`;

describe('the demo\'s campaigns, placed from the day it starts', () => {
  it.each([
    { starts: '2026-12-06T09:00:00', upcoming: ['2026-12-26T00:00:00', '2027-01-07T00:00:00'], ended618: '2026' },
    { starts: '2026-11-11T20:00:00', upcoming: ['2026-12-01T00:00:00', '2026-12-13T00:00:00'], ended618: '2026' },
    { starts: '2026-06-20T10:00:00', upcoming: ['2026-07-10T00:00:00', '2026-07-22T00:00:00'], ended618: '2025' },
  ])('started $starts: one live to tonight, the last 618 ended, and 双12 coming up to plan for', ({ starts, upcoming, ended618 }) => {
    const now = sh(starts);
    const { live, ended, rows } = buildCampaigns([newId()], now, newId);
    expect(live.name).toBe(LIVE_CAMPAIGN_NAME);
    expect(live.startsAt < now && now < live.endsAt).toBe(true);
    expect(live.endsAt).toEqual(new Date(sh(`${starts.slice(0, 10)}T00:00:00`).getTime() + 86_400_000));
    expect(ended.startsAt).toEqual(sh(`${ended618}-06-01T00:00:00`));
    const next = rows.find((c) => c.name === '双12年终盛典')!;
    // 19 days after the live one ends, as 12.1 follows 11.12, for twelve days; never a year away.
    expect([next.startsAt, next.endsAt]).toEqual([sh(upcoming[0]!), sh(upcoming[1]!)]);
    expect(next.startsAt > now).toBe(true);
  });

  it('splits every campaign’s target over its shops, adding up exactly, so each shop’s staff see their part', () => {
    const shops = ['tm', 'jd', 'dy', 'pdd'];
    const { rows } = buildCampaigns(shops, new Date('2026-11-05T10:00:00+08:00'), () => crypto.randomUUID(), ['TMALL', 'JD', 'DOUYIN', 'PINDUODUO']);
    for (const row of rows) {
      const split = row.shopTargetsFen!;
      expect(Object.keys(split).sort()).toEqual([...shops].sort());
      expect(Object.values(split).reduce((a, b) => a + b, 0)).toBe(row.gmvTargetFen);
    }
    // The 618's own shares: Tmall leads it, Pinduoduo least.
    const the618 = rows.find((r) => r.name === '618年中大促')!.shopTargetsFen!;
    expect(the618.tm! > the618.dy! && the618.dy! > the618.jd! && the618.jd! > the618.pdd!).toBe(true);
  });
});
