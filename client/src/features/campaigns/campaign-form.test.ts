import { describe, expect, it } from 'vitest';
import { shanghaiInstant, shanghaiLocal } from '../../lib/shanghai-day';
import { createCampaignInput, emptyCampaignForm, formOfCampaign, updateCampaignInput } from './campaign-form';
import type { CampaignRow } from './campaigns.documents';

/** The console's clock in these tests: before every window they type. */
const NOW = Date.parse('2026-11-05T10:00:00+08:00');

const ROW: CampaignRow = {
  id: 'Q2FtcGFpZ246MQ==',
  name: '双12年终盛典',
  theme: '满300减50',
  status: 'UPCOMING',
  startsAt: '2026-12-11T12:00:00.000Z',
  endsAt: '2026-12-12T16:00:00.000Z',
  gmvTarget: '5000000.00',
  conversionTarget: 0.03,
  partial: false,
  shopTargets: null,
  shops: [{ id: 'a', name: '天猫店' }],
  progress: { gmv: '0.00', achievementRate: 0, pace: null },
};

describe('a campaign typed in the console', () => {
  it('reads its times as Beijing time whatever the browser’s zone, both ways', () => {
    expect(shanghaiInstant('2026-12-12T00:00')).toBe('2026-12-12T00:00:00+08:00');
    expect(shanghaiLocal('2026-12-11T16:00:00.000Z')).toBe('2026-12-12T00:00');
    expect(formOfCampaign(ROW)).toMatchObject({ startsAt: '2026-12-11T20:00', endsAt: '2026-12-13T00:00', gmvTarget: '5000000.00' });
  });

  it('is sent whole when created, and refused on the page when incomplete', () => {
    const form = { ...emptyCampaignForm(), name: ' 双12 ', shopIds: ['a'], startsAt: '2026-12-12T00:00', endsAt: '2026-12-13T00:00', gmvTarget: '5,000,000' };
    expect(createCampaignInput(form, NOW)).toEqual({
      input: { name: '双12', shopIds: ['a'], startsAt: '2026-12-12T00:00:00+08:00', endsAt: '2026-12-13T00:00:00+08:00', gmvTarget: '5000000.00', conversionTarget: 0.03 },
    });
    expect(createCampaignInput({ ...form, name: ' ' }, NOW)).toEqual({ problem: 'name' });
    expect(createCampaignInput({ ...form, shopIds: [] }, NOW)).toEqual({ problem: 'shops' });
    expect(createCampaignInput({ ...form, endsAt: '2026-12-12T00:00' }, NOW)).toEqual({ problem: 'window' });
    expect(createCampaignInput({ ...form, startsAt: '' }, NOW)).toEqual({ problem: 'window' });
    expect(createCampaignInput({ ...form, gmvTarget: '0' }, NOW)).toEqual({ problem: 'target' });
    // An end already past by the console's clock: asked to confirm, then sent.
    const later = Date.parse('2026-12-20T00:00:00+08:00');
    expect(createCampaignInput(form, later)).toEqual({ problem: 'past' });
    expect(createCampaignInput({ ...form, pastConfirmed: true }, later)).toMatchObject({ input: { name: '双12' } });
  });

  it('takes the target conversion in percent to a hundredth, empty for none, and refuses anything else on the page', () => {
    const form = { ...emptyCampaignForm(), name: '双12', shopIds: ['a'], startsAt: '2026-12-12T00:00', endsAt: '2026-12-13T00:00', gmvTarget: '5000000' };
    const sent = (conversionTarget: string) => {
      const made = createCampaignInput({ ...form, conversionTarget }, NOW);
      return 'input' in made ? made.input.conversionTarget : made.problem;
    };
    expect(emptyCampaignForm().conversionTarget).toBe('3'); // the manuals' ≥ 3 %
    expect(sent('3.25')).toBe(0.0325);
    expect(sent(' 8% ')).toBe(0.08);
    expect(sent('100')).toBe(1);
    expect(sent('')).toBeNull();
    for (const bad of ['0', '0.001', '3.255', '101', '-1', 'abc', '3,5']) expect(sent(bad)).toBe('conversion');
    expect(formOfCampaign({ ...ROW, conversionTarget: 0.0325 }).conversionTarget).toBe('3.25');
    expect(formOfCampaign({ ...ROW, conversionTarget: null }).conversionTarget).toBe('');
  });

  it('sends only what an edit changed; the same target written differently is no change', () => {
    const form = formOfCampaign(ROW);
    expect(updateCampaignInput(ROW, { ...form, gmvTarget: '5000000' })).toBeNull();
    expect(updateCampaignInput(ROW, { ...form, gmvTarget: '6,000,000', theme: '' })).toEqual({ input: { id: ROW.id, gmvTarget: '6000000.00', theme: null } });
    expect(updateCampaignInput(ROW, { ...form, endsAt: '2026-12-13T02:00', shopIds: ['a', 'b'] })).toEqual({
      input: { id: ROW.id, shopIds: ['a', 'b'], endsAt: '2026-12-13T02:00:00+08:00' },
    });
    expect(updateCampaignInput(ROW, { ...form, conversionTarget: '3.00' })).toBeNull();
    expect(updateCampaignInput(ROW, { ...form, conversionTarget: '4.5' })).toEqual({ input: { id: ROW.id, conversionTarget: 0.045 } });
    expect(updateCampaignInput(ROW, { ...form, conversionTarget: '' })).toEqual({ input: { id: ROW.id, conversionTarget: null } });
  });

  it('sends the split again whenever the shops or the target move, and null when it is taken off', () => {
    const split: CampaignRow = { ...ROW, shops: [{ id: 'a', name: '天猫店' }, { id: 'b', name: '京东店' }], shopTargets: [{ shop: { id: 'a' }, gmvTarget: '3000000.00' }, { shop: { id: 'b' }, gmvTarget: '2000000.00' }] };
    const form = formOfCampaign(split);
    expect(form.shopTargets).toEqual({ a: '3000000.00', b: '2000000.00' });
    expect(updateCampaignInput(split, { ...form, shopTargets: { a: '3,000,000', b: '2000000' } })).toBeNull();
    expect(updateCampaignInput(split, { ...form, gmvTarget: '6000000', shopTargets: { a: '3000000', b: '3000000' } })).toEqual({
      input: { id: split.id, gmvTarget: '6000000.00', shopTargets: [{ shopId: 'a', gmvTarget: '3000000.00' }, { shopId: 'b', gmvTarget: '3000000.00' }] },
    });
    expect(updateCampaignInput(split, { ...form, gmvTarget: '6000000' })).toEqual({ problem: 'split' });
    expect(updateCampaignInput(split, { ...form, shopTargets: null })).toEqual({ input: { id: split.id, shopTargets: null } });
    expect(updateCampaignInput(split, { ...form, shopTargets: { a: '4999999', b: '1' } })).toEqual({
      input: { id: split.id, shopTargets: [{ shopId: 'a', gmvTarget: '4999999.00' }, { shopId: 'b', gmvTarget: '1.00' }] },
    });
    // A part of nothing is refused on the page, as the server refuses it.
    expect(updateCampaignInput(split, { ...form, shopTargets: { a: '5000000', b: '0' } })).toEqual({ problem: 'split' });
  });
});
