import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { enOfIssue, said, zhOfIssue } from './issue-words.js';

const zhOf = (schema: z.ZodType, value: unknown): string[] => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected a refusal');
  return result.error.issues.map(zhOfIssue);
};

describe('the English of a zod refusal', () => {
  const enOf = (schema: z.ZodType, value: unknown): string[] => {
    const result = schema.safeParse(value);
    if (result.success) throw new Error('expected a refusal');
    return result.error.issues.map(enOfIssue);
  };

  it('words zod’s size checks as the API’s other refusals, not as "Too big: expected string to have <=128 characters"', () => {
    expect(enOf(z.string().max(128), 'x'.repeat(129))).toEqual(['must be at most 128 characters']);
    expect(enOf(z.number().int().max(100_000_000), 100_000_001)).toEqual(['must be at most 100,000,000']);
    expect(enOf(z.number().lt(10), 10)).toEqual(['must be less than 10']);
    expect(enOf(z.number().min(0), -1)).toEqual(['must be at least 0']);
    expect(enOf(z.number().positive(), 0)).toEqual(['must be greater than 0']);
    expect(enOf(z.string().trim().min(1), '  ')).toEqual(['must not be empty']);
    expect(enOf(z.string().min(12), 'short')).toEqual(['must be at least 12 characters']);
    expect(enOf(z.array(z.string()).max(2), ['a', 'b', 'c'])).toEqual(['must have at most 2 items']);
  });

  it('keeps a message the schema gave', () => {
    expect(enOf(z.string().max(3, 'a code has at most 3 letters'), 'abcd')).toEqual(['a code has at most 3 letters']);
    expect(enOf(z.string().max(3, said('a code has at most 3 letters', '代码最多 3 个字母')), 'abcd')).toEqual(['a code has at most 3 letters']);
  });
});

describe('the Chinese of a zod refusal', () => {
  it('words zod’s own checks with their bounds', () => {
    expect(zhOf(z.string().trim().min(1), '  ')).toEqual(['不能为空']);
    expect(zhOf(z.string().min(12), 'short')).toEqual(['至少 12 个字符']);
    expect(zhOf(z.string().max(3), 'abcd')).toEqual(['最多 3 个字符']);
    expect(zhOf(z.number().min(0), -1)).toEqual(['不能小于 0']);
    expect(zhOf(z.number().positive(), 0)).toEqual(['必须大于 0']);
    expect(zhOf(z.number().max(10), 11)).toEqual(['不能大于 10']);
    expect(zhOf(z.array(z.string()).min(1), [])).toEqual(['至少 1 项']);
    expect(zhOf(z.array(z.string()).max(2), ['a', 'b', 'c'])).toEqual(['最多 2 项']);
    expect(zhOf(z.number().int(), 1.5)).toEqual(['必须是整数']);
    expect(zhOf(z.string(), 5)).toEqual(['应为文本']);
    expect(zhOf(z.enum(['READ', 'MANAGE']), 'ADMIN')).toEqual(['应为以下之一：READ、MANAGE']);
    expect(zhOf(z.string().email(), 'nobody')).toEqual(['不是有效的邮箱地址']);
    expect(zhOf(z.string().regex(/^\d{4}-\d{2}$/), '2026')).toEqual(['格式不对']);
    expect(zhOf(z.object({ a: z.string() }).strict(), { a: 'x', b: 1 })).toEqual(['含有不认识的字段：b']);
  });

  it('takes a fixed message’s Chinese from said(), whatever kind of check it is on', () => {
    const plan = z.array(z.string()).min(1, said('a plan covers at least one shop', '计划至少覆盖一个店铺'));
    const month = z.string().refine((s) => /^\d{4}-\d{2}$/.test(s), said('must be a month YYYY-MM', '应为月份 YYYY-MM'));
    expect(zhOf(plan, [])).toEqual(['计划至少覆盖一个店铺']);
    expect(zhOf(month, '2026')).toEqual(['应为月份 YYYY-MM']);
    expect(plan.safeParse([]).error?.issues[0]?.message).toBe('a plan covers at least one shop');
  });

  it('takes a per-input message’s Chinese from the issue’s params, and says the English where a schema gave none', () => {
    const sku = z.string().superRefine((code, ctx) => {
      ctx.addIssue({ code: 'custom', message: `SKU code ${code} is repeated`, params: { code: 'CONFLICT', zh: `SKU 编码 ${code} 重复` } });
    });
    expect(zhOf(sku, 'A-1')).toEqual(['SKU 编码 A-1 重复']);
    const forgot = z.string().superRefine((_, ctx) => ctx.addIssue({ code: 'custom', message: 'no Chinese written' }));
    expect(zhOf(forgot, 'x')).toEqual(['no Chinese written']);
  });
});
