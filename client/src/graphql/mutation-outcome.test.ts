import { describe, expect, it } from 'vitest';
import { mutationOutcome } from './mutation-outcome';
import { refusalIn } from './refusal';

describe('a mutation’s outcome', () => {
  it('says every problem the server reported at once, in either language, not only the first', () => {
    const outcome = mutationOutcome(
      undefined,
      {
        userErrors: [
          { code: 'DELAY_REASON_REQUIRED', message: 'a delayed task needs a reason', messageZh: '延期任务需要填写延期原因' },
          { code: 'DELAY_REASON_REQUIRED', message: 'a delayed task needs a catch-up plan', messageZh: '延期任务需要填写追赶计划' },
        ],
      },
      null,
    );
    expect(outcome).toMatchObject({ ok: false, code: 'DELAY_REASON_REQUIRED' });
    if (outcome.ok) throw new Error('refused');
    expect(refusalIn(outcome, 'zh-CN')).toBe('延期任务需要填写延期原因；延期任务需要填写追赶计划');
    expect(refusalIn(outcome, 'en')).toBe('a delayed task needs a reason; a delayed task needs a catch-up plan');
  });

  it('keeps one problem as it is, and a saved value as saved', () => {
    const one = mutationOutcome(undefined, { userErrors: [{ code: 'CONFLICT', message: 'taken', messageZh: '已被占用' }] }, null);
    if (one.ok) throw new Error('refused');
    expect(refusalIn(one, 'zh-CN')).toBe('已被占用');
    expect(mutationOutcome(undefined, { userErrors: [] }, { id: '1' })).toEqual({ ok: true, value: { id: '1' } });
  });
});
