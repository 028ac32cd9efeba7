import { z } from 'zod';

/**
 * zod words its refusals in English: the schema's own message where one is given, zod's otherwise.
 * The Chinese of each comes from here, so a refusal reads whole in the console's language.
 *
 * A schema's fixed message is given with `said(en, zh)`, which records the pair once, when the schema
 * is built. A message made per input (it quotes the input) goes in the issue's `params.zh` instead:
 * recording it would grow the table with every request.
 */
const CHINESE_OF = new Map<string, string>();

/** A schema's fixed English message, with its Chinese recorded for `zhOfIssue`. Returns the English. */
export function said(en: string, zh: string): string {
  CHINESE_OF.set(en, zh);
  return en;
}

const TYPE_NAMES: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  boolean: '布尔值',
  array: '列表',
  object: '对象',
  bigint: '整数',
  date: '日期',
};

const FORMAT_NAMES: Record<string, string> = {
  email: '邮箱地址',
  url: '网址',
  uuid: 'UUID',
  datetime: 'ISO 8601 时间',
  date: '日期（YYYY-MM-DD）',
};

const typeName = (expected: string): string => TYPE_NAMES[expected] ?? expected;

/** The Chinese of one zod issue: its `params.zh`, the recorded pair of its message, or zod's kind of issue worded here. */
export function zhOfIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom') {
    const zh = (issue.params as { zh?: unknown } | undefined)?.zh;
    if (typeof zh === 'string') return zh;
  }
  return CHINESE_OF.get(issue.message) ?? zhOfKind(issue);
}

/** zod's own English for an issue, to tell it from a message the schema gave. */
const zodEnglish = z.locales.en().localeError;

/**
 * The English of one zod issue: the schema's own message, else zod's size checks worded as the API's
 * other refusals are ("must be at most 128 characters", not "Too big: expected string to have <=128
 * characters"). zod's other kinds keep its words, which read plainly enough.
 */
export function enOfIssue(issue: z.core.$ZodIssue): string {
  if (issue.code !== 'too_big' && issue.code !== 'too_small') return issue.message;
  const own = zodEnglish(issue as unknown as Parameters<typeof zodEnglish>[0]);
  if ((typeof own === 'string' ? own : own?.message) !== issue.message) return issue.message;
  const bound = Number(issue.code === 'too_big' ? issue.maximum : issue.minimum);
  const grouped = bound.toLocaleString('en-US');
  if (issue.origin === 'string') {
    if (issue.code === 'too_small' && bound <= 1) return 'must not be empty';
    return `must be ${issue.code === 'too_big' ? 'at most' : 'at least'} ${grouped} characters`;
  }
  if (issue.origin === 'array' || issue.origin === 'set') return `must have ${issue.code === 'too_big' ? 'at most' : 'at least'} ${grouped} items`;
  if (issue.code === 'too_big') return issue.inclusive ? `must be at most ${grouped}` : `must be less than ${grouped}`;
  return issue.inclusive ? `must be at least ${grouped}` : `must be greater than ${grouped}`;
}

function zhOfKind(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return min <= 1 ? '不能为空' : `至少 ${min} 个字符`;
      if (issue.origin === 'array' || issue.origin === 'set') return `至少 ${min} 项`;
      return issue.inclusive ? `不能小于 ${min}` : `必须大于 ${min}`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return `最多 ${max} 个字符`;
      if (issue.origin === 'array' || issue.origin === 'set') return `最多 ${max} 项`;
      return issue.inclusive ? `不能大于 ${max}` : `必须小于 ${max}`;
    }
    case 'invalid_type':
      return issue.expected === 'int' ? '必须是整数' : `应为${typeName(issue.expected)}`;
    case 'invalid_value':
      return issue.values.length === 1 ? `应为 ${String(issue.values[0])}` : `应为以下之一：${issue.values.map(String).join('、')}`;
    case 'invalid_format': {
      const name = FORMAT_NAMES[issue.format];
      return name ? `不是有效的${name}` : '格式不对';
    }
    case 'not_multiple_of':
      return `必须是 ${String(issue.divisor)} 的倍数`;
    case 'unrecognized_keys':
      return `含有不认识的字段：${issue.keys.join('、')}`;
    case 'invalid_union':
      return '不符合任何一种允许的形式';
    case 'invalid_key':
    case 'invalid_element':
      return '含有无效的项';
    case 'custom':
      // A custom issue without its Chinese: a schema that forgot `params.zh`. Say the English rather than nothing.
      return issue.message;
  }
}
