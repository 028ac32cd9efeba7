import { describe, expect, it } from 'vitest';
import { amountOf } from '../../lib/yuan';
import { campaignAt, campaignsAt, dayWindow, hourOf } from './spend-form';
import type { SpendCampaign } from './spend.documents';

describe('an amount typed in yuan', () => {
  it('becomes the exact Decimal, from its text and never through a float', () => {
    expect(amountOf('1250')).toBe('1250.00');
    expect(amountOf(' 1,250.5 ')).toBe('1250.50');
    expect(amountOf('¥830.05')).toBe('830.05');
    expect(amountOf('0.07')).toBe('0.07');
    expect(amountOf('007.30')).toBe('7.30');
    expect(amountOf('99999999999999.99')).toBe('99999999999999.99');
  });

  it('is refused when it is not above zero with at most two decimals', () => {
    for (const typed of ['', '0', '0.00', '-5', '1.005', '1e3', '十', '1.2.3', '.5']) expect(amountOf(typed), typed).toBeNull();
  });
});

describe('when and for which campaign', () => {
  const campaign = (id: string, shopIds: string[], startsAt: string, endsAt: string, status: SpendCampaign['status'] = 'ACTIVE'): SpendCampaign => ({ id, name: id, startsAt, endsAt, status, shops: shopIds.map((s) => ({ id: s })) });
  const campaigns = [
    campaign('double11', ['tmall', 'jd'], '2026-10-31T20:00:00+08:00', '2026-11-12T00:00:00+08:00'),
    campaign('encore', ['tmall'], '2026-11-12T00:00:00+08:00', '2026-11-14T00:00:00+08:00'),
    campaign('called-off', ['tmall'], '2026-11-01T00:00:00+08:00', '2026-11-30T00:00:00+08:00', 'CANCELLED'),
  ];

  it('dates an hour of a Shanghai day, and the day as its half-open window', () => {
    expect(hourOf('2026-11-11', 9)).toBe('2026-11-11T09:00:00+08:00');
    expect(dayWindow('2026-12-31')).toEqual({ from: '2026-12-31T00:00:00+08:00', to: '2027-01-01T00:00:00+08:00' });
  });

  it('counts an entry for the shop’s campaign live at its hour, by default', () => {
    expect(campaignAt(campaigns, 'tmall', hourOf('2026-11-11', 23))).toBe('double11');
    expect(campaignAt(campaigns, 'tmall', hourOf('2026-11-12', 0))).toBe('encore');
    expect(campaignAt(campaigns, 'jd', hourOf('2026-11-12', 0))).toBeNull();
    expect(campaignAt(campaigns, 'tmall', hourOf('2026-10-31', 19))).toBeNull();
  });

  it('offers only the shop’s campaigns running at the time, never a cancelled one: the server refuses spend for any other', () => {
    const ids = (at: string, shop = 'tmall') => campaignsAt(campaigns, shop, at).map((c) => c.id);
    expect(ids(hourOf('2026-11-11', 23))).toEqual(['double11']);
    // The window is half-open: its end belongs to the next campaign, its start to its own.
    expect(ids(hourOf('2026-11-12', 0))).toEqual(['encore']);
    expect(ids('2026-10-31T20:00:00+08:00')).toEqual(['double11']);
    // Warm-up spend before a campaign, and spend after it, counts for none.
    expect(ids(hourOf('2026-10-31', 19))).toEqual([]);
    expect(ids(hourOf('2026-11-14', 0))).toEqual([]);
    expect(ids(hourOf('2026-11-12', 0), 'jd')).toEqual([]);
  });
});
