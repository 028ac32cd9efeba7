import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { DomainError, type Words } from '../errors.js';
import { shanghaiDateTime } from '../lib/time.js';

/**
 * The `updatedAt` a write stamps on a row whose `updatedAt` doubles as its version: the value an editor
 * loaded and sends back as `expectedUpdatedAt`, compared with `=` in the write's WHERE. Now, but never
 * less than 1 ms after the previous stamp: two writes within one millisecond (a coarse or frozen clock,
 * two instances whose clocks disagree) would otherwise leave the version as it was, and an editor who
 * loaded it before the first write would pass the check of the second and overwrite it unseen.
 *
 * The column must be `instant()` (timestamptz(3)): the stored value then has exactly JavaScript's
 * millisecond precision, so what the API returns compares equal when it is sent back.
 */
export function nextUpdatedAt(column: PgColumn, now: Date): SQL {
  return sql`greatest(${now.toISOString()}::timestamptz, ${column} + interval '1 millisecond')`;
}

/**
 * Why a write checked against `expectedUpdatedAt` wrote nothing, in the words of submitRectification's
 * CONFLICT: who wrote the record last (when known) and when, or that it was never written. `changed` and
 * `never` name the record in English: "the lessons were changed", "no lessons have been written yet";
 * `zh` names it in Chinese, as the noun the Chinese sentence is built around: "经验教训", "2026-11-11 搜索的备注".
 */
export function staleVersion(
  stored: { by: string | null; at: Date } | undefined,
  expected: Date,
  words: { changed: string; never: string; zh: string },
): DomainError {
  const message: Words = stored
    ? {
        en: `${words.changed}${stored.by ? ` by ${stored.by}` : ''} at ${shanghaiDateTime(stored.at)} (Asia/Shanghai), after the version you loaded; yours were not saved: reload, merge and save again`,
        zh: `${words.zh}已被修改（${stored.by ? `修改人：${stored.by}，` : ''}修改时间：${shanghaiDateTime(stored.at)} 北京时间），晚于你加载的版本；你的修改未保存：请刷新、合并后重新保存`,
      }
    : {
        en: `${words.never}, so there is no version of ${shanghaiDateTime(expected)} (Asia/Shanghai); yours were not saved: reload and save again`,
        zh: `${words.zh}从未保存过，因此不存在 ${shanghaiDateTime(expected)}（北京时间）的版本；你的修改未保存：请刷新后重新保存`,
      };
  return new DomainError('CONFLICT', message, ['input', 'expectedUpdatedAt']);
}
