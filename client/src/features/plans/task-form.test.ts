import { describe, expect, it } from 'vitest';
import { createTaskInput, emptyTaskForm } from './task-form';

const TYPED = { ...emptyTaskForm(), title: ' 直播间搭建 ', owner: ' 赵敏 ', startsOn: '2026-11-01', endsOn: '2026-11-20' };

describe('a plan task typed in the console', () => {
  it('is sent with its days, its budget in yuan exactly as typed and its person-days as text', () => {
    expect(createTaskInput('p1', TYPED)).toEqual({ input: { planId: 'p1', title: '直播间搭建', owner: '赵敏', startsOn: '2026-11-01', endsOn: '2026-11-20', status: 'NOT_STARTED' } });
    expect(createTaskInput('p1', { ...TYPED, budget: '¥20,000.5', personDays: ' 2.5 ', status: 'IN_PROGRESS' })).toMatchObject({ input: { budget: '20000.50', personDays: '2.5', status: 'IN_PROGRESS' } });
    expect(createTaskInput('p1', { ...TYPED, budget: '0' })).toMatchObject({ input: { budget: '0.00' } });
  });

  it('is refused on the page while something it needs is missing or unreadable', () => {
    expect(createTaskInput('p1', { ...TYPED, title: '' })).toEqual({ problem: 'title' });
    expect(createTaskInput('p1', { ...TYPED, owner: ' ' })).toEqual({ problem: 'owner' });
    expect(createTaskInput('p1', { ...TYPED, endsOn: '' })).toEqual({ problem: 'dates' });
    expect(createTaskInput('p1', { ...TYPED, endsOn: '2026-10-31' })).toEqual({ problem: 'dates' });
    expect(createTaskInput('p1', { ...TYPED, budget: '1.234' })).toEqual({ problem: 'budget' });
    expect(createTaskInput('p1', { ...TYPED, budget: '-5' })).toEqual({ problem: 'budget' });
    expect(createTaskInput('p1', { ...TYPED, personDays: '2.25' })).toEqual({ problem: 'personDays' });
  });

  it('asks a delayed task for its reason and catch-up plan, both at once when both are missing', () => {
    const delayed = { ...TYPED, status: 'DELAYED' as const };
    expect(createTaskInput('p1', delayed)).toEqual({ problem: 'delay' });
    expect(createTaskInput('p1', { ...delayed, delayReason: '场地推迟' })).toEqual({ problem: 'catchUpPlan' });
    expect(createTaskInput('p1', { ...delayed, catchUpPlan: '加派人手' })).toEqual({ problem: 'delayReason' });
    expect(createTaskInput('p1', { ...delayed, delayReason: ' 场地推迟 ', catchUpPlan: ' 加派人手 ' })).toMatchObject({ input: { status: 'DELAYED', delayReason: '场地推迟', catchUpPlan: '加派人手' } });
    // Typed, then the status moved off DELAYED: the task is not delayed and no reason is sent.
    expect(createTaskInput('p1', { ...TYPED, delayReason: '场地推迟' })).toEqual({ input: { planId: 'p1', title: '直播间搭建', owner: '赵敏', startsOn: '2026-11-01', endsOn: '2026-11-20', status: 'NOT_STARTED' } });
  });
});
