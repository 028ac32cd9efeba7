import { and, eq, gte, inArray, isNull, lte, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client.js';
import { HOUR_MS } from '../../../lib/time.js';
import { campaigns } from '../../campaign/campaign.table.js';
import type { ShopCutoff } from '../../order/order.service.js';
import { alertRuleSettings, type AlertRuleSettingRow } from '../alert.table.js';
import { RuleSettingsIndex, type CampaignRule, type EngineRule, type ShopRule } from './rule-settings.js';

// Reading the settings in force, apart from rule-inputs.ts: the metrics module needs them too (the
// fulfilment tile follows UNSHIPPED_OVERDUE), and rule-inputs.ts imports metrics, so metrics could not
// import it back without a cycle. This file imports tables and types only, nothing that imports metrics.

/** Every settings row, or only one rule's or a few rules' (through the leading column of alert_rule_settings_key). */
export function loadRuleSettings(db: DbOrTx, rule?: EngineRule | readonly EngineRule[]): Promise<AlertRuleSettingRow[]> {
  return db
    .select()
    .from(alertRuleSettings)
    .where(rule === undefined ? undefined : typeof rule === 'string' ? eq(alertRuleSettings.rule, rule) : inArray(alertRuleSettings.rule, [...rule]));
}

/**
 * Campaign rules' settings (a milestone's MILESTONE_OVERDUE grace, its HIGH_RISK_WITHOUT_PLAN hours), for
 * `resolve(rule, { campaignId })`: the campaign's row beats the installation's beats the default, whatever the
 * time, so no campaign is read. One statement over the rules' rows.
 */
export async function loadCampaignRuleSettings(db: DbOrTx, rules: readonly CampaignRule[]): Promise<RuleSettingsIndex> {
  return new RuleSettingsIndex(await loadRuleSettings(db, rules));
}

/** Campaigns under way at `at`, from their start to their end inclusive, not cancelled: their settings reach their shops. */
export function underWayAt(at: Date): SQL | undefined {
  return and(isNull(campaigns.cancelledAt), lte(campaigns.startsAt, at), gte(campaigns.endsAt, at));
}

/**
 * One shop rule's settings (or a few rules', for a reader judging several: the daily report) as the engine
 * resolves them at `at`: the rules' rows, and the campaigns under way then among those that set them. One
 * statement over the rows (at most one per shop, per campaign and the installation's, per rule), and a
 * second by primary key only when some campaign sets one of the rules.
 */
export async function loadShopRuleSettings(db: DbOrTx, rule: ShopRule | readonly ShopRule[], at: Date): Promise<RuleSettingsIndex> {
  const rows = await loadRuleSettings(db, rule);
  const campaignIds = [...new Set(rows.flatMap((row) => (row.campaignId ? [row.campaignId] : [])))];
  const underWay =
    campaignIds.length === 0
      ? []
      : await db
          .select({ id: campaigns.id, shopIds: campaigns.shopIds, startsAt: campaigns.startsAt })
          .from(campaigns)
          .where(and(inArray(campaigns.id, campaignIds), underWayAt(at)));
  return new RuleSettingsIndex(rows, underWay);
}

/**
 * Each shop's UNSHIPPED_OVERDUE deadline at `at`: an order paid before it and still unshipped is
 * overdue. The alert and the fulfilment tile both count through this, so they name the same orders.
 */
export function unshippedCutoffs(settings: RuleSettingsIndex, shopIds: readonly string[], at: Date): ShopCutoff[] {
  return shopIds.map((shopId) => ({
    shopId,
    cutoff: new Date(at.getTime() - settings.resolveForShop('UNSHIPPED_OVERDUE', shopId).threshold * HOUR_MS),
  }));
}

/** How long one read of a shop rule's settings serves every live topic's count on this instance. */
export const SETTINGS_SHARED_MS = 1_000;
/** Moved by every write of settings on this instance (ruleSettingsChanged): a shared read older than it is not used. */
let settingsGeneration = 0;
const shared = new WeakMap<DbOrTx, Map<ShopRule, { at: number; generation: number; index: Promise<RuleSettingsIndex> }>>();

/** Tells the shared reads (recentShopRuleSettings) that a setting was written here: the next read is fresh. */
export function ruleSettingsChanged(): void {
  settingsGeneration++;
}

/**
 * loadShopRuleSettings shared by every caller on this database handle for up to SETTINGS_SHARED_MS: a
 * tick recomputes every live topic, and each reading the settings itself held one more pooled connection
 * per topic (docs/BENCHMARKS.md, "The fulfilment tile"). A write through updateAlertRule on this instance
 * is seen at once (ruleSettingsChanged); one on another instance within SETTINGS_SHARED_MS, besides that
 * instance's change notice. A failed read is not kept.
 */
export function recentShopRuleSettings(db: DbOrTx, rule: ShopRule, at: Date): Promise<RuleSettingsIndex> {
  let byRule = shared.get(db);
  if (!byRule) shared.set(db, (byRule = new Map()));
  const held = byRule.get(rule);
  const age = at.getTime() - (held?.at ?? 0);
  if (held && held.generation === settingsGeneration && age >= 0 && age < SETTINGS_SHARED_MS) return held.index;
  const entry = { at: at.getTime(), generation: settingsGeneration, index: loadShopRuleSettings(db, rule, at) };
  byRule.set(rule, entry);
  entry.index.catch(() => {
    if (byRule.get(rule) === entry) byRule.delete(rule);
  });
  return entry.index;
}
