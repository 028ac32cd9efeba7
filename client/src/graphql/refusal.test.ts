import { CombinedError } from '@urql/core';
import { describe, expect, it } from 'vitest';
import { errorIn, refusalIn, refusalOf } from './refusal';

const badWindow = new CombinedError({
  graphQLErrors: [{ message: '"from" must be before "to"', extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_WINDOW', messageZh: '开始时间必须早于结束时间' } }],
});

describe('a refusal in the viewer’s language', () => {
  it('says a payload’s userError in Chinese on a Chinese screen and in English on an English one', () => {
    const refusal = refusalOf(undefined, { message: 'the GMV target must be above zero', messageZh: 'GMV 目标必须大于 0' });
    expect(refusalIn(refusal, 'zh-CN')).toBe('GMV 目标必须大于 0');
    expect(refusalIn(refusal, 'en')).toBe('the GMV target must be above zero');
  });

  it('says an expected failure outside a payload by its extensions.messageZh', () => {
    expect(errorIn(badWindow, 'zh-CN')).toBe('开始时间必须早于结束时间');
    expect(errorIn(badWindow, 'en')).toBe('[GraphQL] "from" must be before "to"');
  });

  it('falls back to the English where the server gave no Chinese (a masked fault, the network)', () => {
    const down = new CombinedError({ networkError: new Error('Failed to fetch') });
    expect(errorIn(down, 'zh-CN')).toBe('[Network] Failed to fetch');
    expect(refusalIn(refusalOf(undefined, { message: 'gone' }), 'zh-CN')).toBe('gone');
  });
});
