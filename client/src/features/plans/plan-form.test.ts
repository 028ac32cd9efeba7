import { describe, expect, it } from 'vitest';
import { createPlanInput, emptyPlanForm } from './plan-form';

const TYPED = { ...emptyPlanForm(), name: ' Q4 双11 运营计划 ', owner: ' 李娜 ', periodStart: '2026-10-01', periodEnd: '2026-12-31', goal: ' GMV +30% ', shopIds: ['a'] };

describe('an operations plan typed in the console', () => {
  it('is sent with its period as calendar days, the strategy only when given', () => {
    expect(createPlanInput(TYPED)).toEqual({ input: { name: 'Q4 双11 运营计划', owner: '李娜', periodStart: '2026-10-01', periodEnd: '2026-12-31', goal: 'GMV +30%', shopIds: ['a'] } });
    expect(createPlanInput({ ...TYPED, strategy: ' 直播+达人种草 ' })).toMatchObject({ input: { strategy: '直播+达人种草' } });
    // One day is a period.
    expect(createPlanInput({ ...TYPED, periodEnd: '2026-10-01' })).toMatchObject({ input: { periodEnd: '2026-10-01' } });
  });

  it('is refused on the page while something it needs is missing', () => {
    expect(createPlanInput({ ...TYPED, name: ' ' })).toEqual({ problem: 'name' });
    expect(createPlanInput({ ...TYPED, owner: '' })).toEqual({ problem: 'owner' });
    expect(createPlanInput({ ...TYPED, periodStart: '' })).toEqual({ problem: 'period' });
    expect(createPlanInput({ ...TYPED, periodEnd: '2026-09-30' })).toEqual({ problem: 'period' });
    expect(createPlanInput({ ...TYPED, goal: ' ' })).toEqual({ problem: 'goal' });
    expect(createPlanInput({ ...TYPED, shopIds: [] })).toEqual({ problem: 'shops' });
  });
});
