import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Viewer } from '../../auth/viewer.js';
import type { DbOrTx, Tx } from '../../db/client.js';
import { CHANNELS, TRAFFIC_SOURCES, type Channel, type TrafficSource } from '../../db/enums.js';
import { jsonRecords, rows } from '../../db/rows.js';
import { DomainError } from '../../errors.js';
import { globalId, itemIssues, moneyInput, NOT_EMPTY, storableString, type ItemIssue } from '../../lib/validate.js';
import { fenToYuanGrouped } from '../../lib/money.js';
import type { AnnounceCounted } from '../../realtime/pubsub.js';
import { attributionIssues, spendWindowIssues, type AttributionLookups } from '../campaign/attribution.js';
import { campaignsForAttribution } from '../campaign/campaign.service.js';
import { RollupBatch } from '../metrics/rollup.writer.js';
import { loadShops } from '../shop/shop.service.js';
import { MINUTE_MS } from '../../lib/time.js';

export const MAX_SPEND_ENTRIES = 5_000;
/** An ad report's clock a few minutes fast is normal; spend dated later than that is a producer bug. */
const FUTURE_SLACK_MS = 5 * MINUTE_MS;

/** One spend entry as a producer sends it (after GraphQL scalar parsing). */
export interface SpendEntryInput {
  id: string;
  shopId: string;
  spentAt: Date;
  channel?: Channel | null;
  source: TrafficSource;
  campaignId?: string | null;
  amount: string;
}

export interface SpendError {
  index: number;
  entryId: string | null;
  field: string[];
  message: string;
  /** The same refusal in Chinese (`message(locale: ZH_CN)`). */
  messageZh: string;
  code: string;
}

export interface RecordSpendResult {
  /** New entries stored and rolled up. */
  accepted: number;
  /** Replays of entries already stored (or repeated in the call) with the same content: they changed nothing. */
  duplicates: number;
  userErrors: SpendError[];
}

/** An entry that passed every check: ids decoded, channel resolved, money in fen. */
interface ValidEntry {
  index: number;
  entryId: string;
  shopId: string;
  spentAt: Date;
  channel: Channel;
  source: TrafficSource;
  campaignId: string | null;
  amountFen: number;
  hash: string;
}


/**
 * One entry is one shop's spend on one source at one moment (an ad platform's hourly report): ¥100,000,000
 * is beyond any such entry, and keeps the sums of a day's entries far inside what adds up exactly. An entry
 * past it is a runaway figure (extra digits, a wrong column), which could not be taken back once stored.
 */
export const MAX_SPEND_ENTRY_FEN = 10_000_000_000;
const MAX_SPEND_ENTRY = `¥${fenToYuanGrouped(MAX_SPEND_ENTRY_FEN)}`;

const EntrySchema = z.object({
  id: storableString().trim().min(1, NOT_EMPTY).max(128),
  shopId: globalId('Shop'),
  spentAt: z.date(),
  channel: z.enum(CHANNELS).nullish(),
  source: z.enum(TRAFFIC_SOURCES),
  campaignId: globalId('Campaign').nullish(),
  amount: moneyInput
    .refine((fen) => fen > 0, { message: 'spend must be above zero', params: { code: 'INVALID_AMOUNT', zh: '投放花费必须大于零' } })
    .refine((fen) => fen <= MAX_SPEND_ENTRY_FEN, {
      message: `at most ${MAX_SPEND_ENTRY} per entry`,
      params: { code: 'INVALID_AMOUNT', zh: `每条花费记录最多 ${MAX_SPEND_ENTRY}` },
    }),
});

type ParsedEntry = Omit<ValidEntry, 'channel' | 'hash'> & { channel: Channel | null };

function parseEntry(input: SpendEntryInput, index: number, now: Date): { entry: ParsedEntry } | { issues: ItemIssue[] } {
  const result = EntrySchema.safeParse(input);
  if (!result.success) {
    return { issues: itemIssues(result.error) };
  }
  const e = result.data;
  if (e.spentAt.getTime() > now.getTime() + FUTURE_SLACK_MS) {
    return {
      issues: [
        { path: ['spentAt'], message: 'spentAt is in the future: record spend once it is spent', messageZh: 'spentAt 是未来时间：花费发生后再记录', code: 'INVALID_INPUT' },
      ],
    };
  }
  return {
    entry: {
      index,
      entryId: e.id,
      shopId: e.shopId,
      spentAt: e.spentAt,
      channel: e.channel ?? null,
      source: e.source,
      campaignId: e.campaignId ?? null,
      amountFen: e.amount,
    },
  };
}

/** What the hash covers: the entry after defaults, so "channel omitted" and "channel = the shop's platform" are one entry. */
function payloadHash(e: Omit<ValidEntry, 'hash' | 'index'>): string {
  const canonical = JSON.stringify({
    spentAt: e.spentAt.toISOString(),
    channel: e.channel,
    source: e.source,
    campaignId: e.campaignId,
    amountFen: e.amountFen,
  });
  return createHash('sha1').update(canonical).digest('hex');
}

/** Shop, channel and campaign checks (the campaign's window included) for the whole call at once: one query for shops, one for campaigns. */
async function validateAgainstCatalog(db: DbOrTx, viewer: Viewer, entries: ParsedEntry[]) {
  const shopIds = [...new Set(entries.map((e) => e.shopId))];
  const campaignIds = [...new Set(entries.flatMap((e) => (e.campaignId ? [e.campaignId] : [])))];
  const [shopRows, campaignRows] = await Promise.all([loadShops(db, viewer, shopIds), campaignsForAttribution(db, viewer, campaignIds)]);
  const lookups: AttributionLookups = {
    platformOf: new Map(shopRows.map((s) => [s.id, s.platform])),
    shopsOfCampaign: new Map(campaignRows.map((c) => [c.id, new Set(c.shopIds)])),
  };
  const campaignOf = new Map(campaignRows.map((c) => [c.id, c]));

  const valid: ValidEntry[] = [];
  const rejected: { index: number; issues: ItemIssue[] }[] = [];
  for (const entry of entries) {
    const issues = attributionIssues(viewer, entry, lookups);
    const campaign = entry.campaignId ? campaignOf.get(entry.campaignId) : undefined;
    // One refusal per field: a campaign already refused (not found, not the shop's) is not also dated.
    if (campaign && !issues.some((i) => i.path[0] === 'campaignId')) issues.push(...spendWindowIssues(entry.spentAt, campaign));
    const platform = lookups.platformOf.get(entry.shopId);
    if (issues.length > 0 || !platform) {
      rejected.push({ index: entry.index, issues });
      continue;
    }
    const resolved = { ...entry, channel: platform };
    valid.push({ ...resolved, hash: payloadHash(resolved) });
  }
  return { valid, rejected };
}

/**
 * Records marketing spend entries (直通车, 引力魔方, 千川 …). Each entry is checked on its own: a bad
 * one is reported by index and the rest still land. The new entries and their rollup into
 * metric_rollups.spend_fen (minute, hour and Asia/Shanghai day, by shop × channel × source ×
 * campaign) are written in ONE transaction, so once this resolves they are durable and counted; an
 * entry id already stored for the shop counts as a duplicate when its content is the same (nothing
 * changes) and is a CONFLICT when it differs. Once committed, entries that counted are announced so that
 * every instance's live ROI recomputes; a caller passing its own transaction passes `announce: null` and
 * tells nobody before that transaction commits.
 */
export async function recordSpend(db: DbOrTx, viewer: Viewer, inputs: readonly SpendEntryInput[], now: Date, announce: AnnounceCounted | null): Promise<RecordSpendResult> {
  if (inputs.length > MAX_SPEND_ENTRIES) {
    throw new DomainError(
      'INVALID_INPUT',
      { en: `send at most ${MAX_SPEND_ENTRIES} spend entries per call (got ${inputs.length})`, zh: `每次最多发送 ${MAX_SPEND_ENTRIES} 条花费记录（本次 ${inputs.length} 条）` },
      ['input', 'entries'],
    );
  }
  const userErrors: SpendError[] = [];
  const reject = (index: number, issues: ItemIssue[]) => {
    for (const issue of issues) {
      userErrors.push({ index, entryId: inputs[index]?.id ?? null, field: ['input', 'entries', String(index), ...issue.path], message: issue.message, messageZh: issue.messageZh, code: issue.code });
    }
  };

  const parsed: ParsedEntry[] = [];
  inputs.forEach((input, index) => {
    const result = parseEntry(input, index, now);
    if ('issues' in result) reject(index, result.issues);
    else parsed.push(result.entry);
  });
  const { valid, rejected } = await validateAgainstCatalog(db, viewer, parsed);
  for (const r of rejected) reject(r.index, r.issues);

  const { unique, repeated, conflicts } = firstOccurrences(valid);
  for (const c of conflicts) reject(c.index, [c.issue]);

  const outcome = unique.length === 0 ? { accepted: 0, duplicates: 0, rejected: [] } : await db.transaction((tx) => store(tx, unique, now));
  if (outcome.accepted > 0) announce?.(outcome.accepted, now);
  for (const r of outcome.rejected) reject(r.index, r.issues);
  userErrors.sort((a, b) => a.index - b.index);
  return { accepted: outcome.accepted, duplicates: outcome.duplicates + repeated, userErrors };
}

/** The same (shop, id) twice in one call: the second is a replay if identical, else a conflict. */
function firstOccurrences(entries: ValidEntry[]) {
  const seen = new Map<string, string>();
  const unique: ValidEntry[] = [];
  const conflicts: { index: number; issue: ItemIssue }[] = [];
  let repeated = 0;
  for (const e of entries) {
    const key = `${e.shopId}|${e.entryId}`;
    const earlier = seen.get(key);
    if (earlier === undefined) {
      seen.set(key, e.hash);
      unique.push(e);
    } else if (earlier === e.hash) repeated++;
    else conflicts.push({ index: e.index, issue: { path: ['id'], message: `entry id ${e.entryId} appears twice in this call with different content`, messageZh: `花费记录 id ${e.entryId} 在本次调用中出现两次且内容不同`, code: 'CONFLICT' } });
  }
  return { unique, repeated, conflicts };
}

/**
 * Inserts in key order (concurrent calls lock keys in the same order); ON CONFLICT DO NOTHING turns
 * replays into no-ops, and only the rows actually inserted are rolled up. Keys not inserted are
 * classified by their stored hash: a replay, or an id reused for a different entry.
 */
async function store(tx: Tx, entries: ValidEntry[], now: Date) {
  const sorted = [...entries].sort((a, b) => (a.shopId + a.entryId < b.shopId + b.entryId ? -1 : 1));
  const inserted = await rows<{ shop_id: string; entry_id: string }>(
    tx,
    sql`insert into marketing_spend (shop_id, entry_id, spent_at, channel, source, campaign_id, amount_fen, payload_hash, recorded_at)
        select shop, id, at, ch::channel, src::traffic_source, camp, fen, hash, ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${jsonRecords(
          sorted.map((e) => ({ shop: e.shopId, id: e.entryId, at: e.spentAt.toISOString(), ch: e.channel, src: e.source, camp: e.campaignId, fen: e.amountFen, hash: e.hash })),
        )}::jsonb) as r(shop uuid, id text, at timestamptz, ch text, src text, camp uuid, fen bigint, hash text)
        on conflict (shop_id, entry_id) do nothing
        returning shop_id, entry_id`,
  );
  const insertedKeys = new Set(inserted.map((r) => `${r.shop_id}|${r.entry_id}`));
  const fresh = sorted.filter((e) => insertedKeys.has(`${e.shopId}|${e.entryId}`));
  const replayed = sorted.filter((e) => !insertedKeys.has(`${e.shopId}|${e.entryId}`));

  const rollups = new RollupBatch();
  for (const e of fresh) {
    rollups.add(e.spentAt, { shopId: e.shopId, channel: e.channel, source: e.source, campaignId: e.campaignId }, { spendFen: e.amountFen });
  }
  await rollups.write(tx);

  let duplicates = 0;
  const rejected: { index: number; issues: ItemIssue[] }[] = [];
  if (replayed.length > 0) {
    const stored = await rows<{ shop_id: string; entry_id: string; payload_hash: string }>(
      tx,
      sql`select m.shop_id, m.entry_id, m.payload_hash from marketing_spend m
          join jsonb_to_recordset(${jsonRecords(replayed.map((e) => ({ shop: e.shopId, id: e.entryId })))}::jsonb) as k(shop uuid, id text)
          on m.shop_id = k.shop and m.entry_id = k.id`,
    );
    const hashOf = new Map(stored.map((r) => [`${r.shop_id}|${r.entry_id}`, r.payload_hash]));
    for (const e of replayed) {
      if (hashOf.get(`${e.shopId}|${e.entryId}`) === e.hash) duplicates++;
      else {
        rejected.push({
          index: e.index,
          issues: [{ path: ['id'], message: `entry id ${e.entryId} was already used for a different spend entry`, messageZh: `花费记录 id ${e.entryId} 已被另一条不同的花费记录使用`, code: 'CONFLICT' }],
        });
      }
    }
  }
  return { accepted: fresh.length, duplicates, rejected };
}
