import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { canSeeShop, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import type { Channel, TrafficSource } from '../../db/enums.js';
import { jsonRecords, pipelined, rows } from '../../db/rows.js';
import { DomainError } from '../../errors.js';
import { said } from '../../lib/issue-words.js';
import { globalId, itemIssues, NOT_EMPTY, parseInput, storableString, type ItemIssue } from '../../lib/validate.js';
import type { AnnounceCounted } from '../../realtime/pubsub.js';
import { RollupBatch } from '../metrics/rollup.writer.js';
import { loadShops } from '../shop/shop.service.js';
import { MAX_SPEND_ENTRIES, type SpendError } from './marketing.service.js';
import { instantFromPostgres } from '../../db/instant.js';

/** Which recorded entry: the shop and the producer's id, as recordMarketingSpend took them. */
export interface SpendEntryKeyInput {
  shopId: string;
  id: string;
}

export interface VoidSpendResult {
  /** Entries this call voided: their amounts are out of Metrics.spend from now on. */
  voided: number;
  /** Entries voided before (or named twice in the call): nothing changed for them. */
  alreadyVoided: number;
  userErrors: SpendError[];
}

const KeySchema = z.object({
  shopId: globalId('Shop'),
  id: storableString().trim().min(1, NOT_EMPTY).max(128),
});
const ReasonSchema = z.object({
  reason: storableString()
    .trim()
    .min(1, said('say why the entries are void (it is kept with them)', '请说明作废这些记录的原因（原因会随记录保存）'))
    .max(500, said('the reason must be at most 500 characters', '作废原因最多 500 个字符')),
});

interface Key {
  index: number;
  shopId: string;
  entryId: string;
}

/** A stored entry as the void reads it, under its row lock. */
interface LockedEntry {
  id: string;
  shop_id: string;
  entry_id: string;
  spent_at: Date | string;
  channel: Channel;
  source: TrafficSource;
  campaign_id: string | null;
  amount_fen: number | string;
  voided_at: Date | string | null;
}

/**
 * Voids recorded spend entries (a figure typed with an extra zero, an ad report sent for the wrong shop):
 * each entry's row is kept, marked void with who, when and why, and its amount is taken back out of the
 * minute, hour and day rollups it was counted in, in ONE transaction, so Metrics.spend, ROI and the
 * ROI alert read as if it had never been recorded. The right figure is then recorded under a new id;
 * the voided id stays taken (a replay of it changes nothing, as for any recorded entry). Each key is
 * checked on its own (FORBIDDEN outside the caller's grant, NOT_FOUND when the shop has no such entry);
 * voiding twice is not an error and changes nothing the second time. Once committed, a call that voided
 * something is announced so that every instance's live ROI recomputes.
 */
export async function voidSpend(
  db: DbOrTx,
  viewer: Viewer,
  inputs: readonly SpendEntryKeyInput[],
  reasonInput: string,
  now: Date,
  announce: AnnounceCounted | null,
): Promise<VoidSpendResult> {
  if (inputs.length > MAX_SPEND_ENTRIES) {
    throw new DomainError(
      'INVALID_INPUT',
      { en: `void at most ${MAX_SPEND_ENTRIES} spend entries per call (got ${inputs.length})`, zh: `每次最多作废 ${MAX_SPEND_ENTRIES} 条花费记录（本次 ${inputs.length} 条）` },
      ['input', 'entries'],
    );
  }
  const { reason } = parseInput(ReasonSchema, { reason: reasonInput });

  const userErrors: SpendError[] = [];
  const reject = (index: number, issues: ItemIssue[]) => {
    for (const issue of issues) {
      userErrors.push({ index, entryId: inputs[index]?.id ?? null, field: ['input', 'entries', String(index), ...issue.path], message: issue.message, messageZh: issue.messageZh, code: issue.code });
    }
  };

  const parsed: Key[] = [];
  inputs.forEach((input, index) => {
    const result = KeySchema.safeParse(input);
    if (!result.success) reject(index, itemIssues(result.error));
    else parsed.push({ index, shopId: result.data.shopId, entryId: result.data.id });
  });
  const found = new Set((await loadShops(db, viewer, [...new Set(parsed.map((k) => k.shopId))])).map((s) => s.id));
  const keys: Key[] = [];
  for (const key of parsed) {
    // Outside the grant is FORBIDDEN whether or not the shop exists: no existence leak.
    if (!canSeeShop(viewer, key.shopId)) reject(key.index, [{ path: ['shopId'], message: 'your credential does not cover this shop', messageZh: '你的凭证未覆盖此店铺', code: 'FORBIDDEN' }]);
    else if (!found.has(key.shopId)) reject(key.index, [{ path: ['shopId'], message: 'shop not found', messageZh: '店铺不存在', code: 'NOT_FOUND' }]);
    else keys.push(key);
  }

  const unique = new Map<string, Key>();
  let repeated = 0;
  for (const key of keys) {
    const id = `${key.shopId}|${key.entryId}`;
    if (unique.has(id)) repeated++;
    else unique.set(id, key);
  }

  const outcome = unique.size === 0 ? { voided: 0, alreadyVoided: 0, missing: [] } : await db.transaction((tx) => markVoid(tx, [...unique.values()], viewer, reason, now));
  if (outcome.voided > 0) announce?.(outcome.voided, now);
  for (const key of outcome.missing) reject(key.index, [{ path: ['id'], message: `the shop has no spend entry ${key.entryId}`, messageZh: `该店铺没有花费记录 ${key.entryId}`, code: 'NOT_FOUND' }]);
  userErrors.sort((a, b) => a.index - b.index);
  return { voided: outcome.voided, alreadyVoided: outcome.alreadyVoided + repeated, userErrors };
}

/**
 * Locks the named entries in key order (as recordSpend inserts them, so the two cannot deadlock), then
 * marks the live ones void and takes their amounts out of the rollups in one more round trip. Under the
 * lock a row's void is the latest committed one: of two calls voiding the same entry at once, one voids
 * it and the other finds it voided; its amount is taken out once.
 */
async function markVoid(tx: Tx, keys: Key[], viewer: Viewer, reason: string, now: Date) {
  const locked = await rows<LockedEntry>(
    tx,
    sql`select m.id, m.shop_id, m.entry_id, m.spent_at, m.channel, m.source, m.campaign_id, m.amount_fen, m.voided_at
        from marketing_spend m
        join jsonb_to_recordset(${jsonRecords(keys.map((k) => ({ shop: k.shopId, id: k.entryId })))}::jsonb) as k(shop uuid, id text)
          on m.shop_id = k.shop and m.entry_id = k.id
        order by m.shop_id, m.entry_id
        for update of m`,
  );
  const stored = new Set(locked.map((r) => `${r.shop_id}|${r.entry_id}`));
  const live = locked.filter((r) => r.voided_at === null);
  if (live.length > 0) {
    const rollups = new RollupBatch();
    for (const r of live) {
      rollups.add(instantFromPostgres(r.spent_at), { shopId: r.shop_id, channel: r.channel, source: r.source, campaignId: r.campaign_id }, { spendFen: -Number(r.amount_fen) });
    }
    await pipelined(tx, [
      sql`update marketing_spend set voided_at = ${now.toISOString()}::timestamptz, voided_by = ${viewer.displayName}, void_reason = ${reason}
          where id = any(${sql.param(live.map((r) => r.id))}::uuid[])`,
      ...rollups.statements(),
    ]);
  }
  return {
    voided: live.length,
    alreadyVoided: locked.length - live.length,
    missing: keys.filter((k) => !stored.has(`${k.shopId}|${k.entryId}`)),
  };
}
