import { describe, expect, it } from 'vitest';
import { createMilestoneInput, emptyMilestoneForm } from './milestone-form';

const TYPED = { ...emptyMilestoneForm(), name: ' 会场页上线 ', owner: ' 李设计 ', dueAt: '2026-11-08T18:00', completionStandard: ' 3 秒内打开 ' };

describe('a milestone typed in the console', () => {
  it('is sent with its due time read as Beijing time, and nothing left blank', () => {
    expect(createMilestoneInput('c1', TYPED)).toEqual({
      input: { campaignId: 'c1', name: '会场页上线', owner: '李设计', dueAt: '2026-11-08T18:00:00+08:00', completionStandard: '3 秒内打开' },
    });
    expect(createMilestoneInput('c1', { ...TYPED, riskLevel: 'MEDIUM', responsePlan: ' 备用 CDN ', actualSituation: ' 设计稿已定 ' })).toEqual({
      input: { campaignId: 'c1', name: '会场页上线', owner: '李设计', dueAt: '2026-11-08T18:00:00+08:00', completionStandard: '3 秒内打开', riskLevel: 'MEDIUM', responsePlan: '备用 CDN', actualSituation: '设计稿已定' },
    });
  });

  it('is refused on the page while its name, owner, due time or completion standard is missing', () => {
    expect(createMilestoneInput('c1', { ...TYPED, name: ' ' })).toEqual({ problem: 'name' });
    expect(createMilestoneInput('c1', { ...TYPED, owner: '' })).toEqual({ problem: 'owner' });
    expect(createMilestoneInput('c1', { ...TYPED, dueAt: '' })).toEqual({ problem: 'due' });
    expect(createMilestoneInput('c1', { ...TYPED, completionStandard: '  ' })).toEqual({ problem: 'standard' });
  });

  it('takes a HIGH risk with or without its response plan (the server starts its 24 hours)', () => {
    const high = createMilestoneInput('c1', { ...TYPED, riskLevel: 'HIGH', responsePlan: '  ' });
    expect(high).toMatchObject({ input: { riskLevel: 'HIGH' } });
    expect('input' in high && 'responsePlan' in high.input).toBe(false);
    expect(createMilestoneInput('c1', { ...TYPED, riskLevel: 'HIGH', responsePlan: '扩容两倍' })).toMatchObject({ input: { riskLevel: 'HIGH', responsePlan: '扩容两倍' } });
    expect(createMilestoneInput('c1', { ...TYPED, riskLevel: 'MEDIUM' })).toMatchObject({ input: { riskLevel: 'MEDIUM' } });
  });
});
