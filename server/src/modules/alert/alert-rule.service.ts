import { and, eq, isNull, or } from 'drizzle-orm';
import { z } from 'zod';
import { canSeeShop, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { DomainError, forbidden } from '../../errors.js';
import { parseInput } from '../../lib/validate.js';
import { campaignOfOtherShops, requireScopeCampaign } from '../campaign/campaign.service.js';
import { requireShop } from '../shop/shop.service.js';
import type { RecheckAlerts } from './alert.service.js';
import { alertRuleSettings } from './alert.table.js';
import { ENGINE_RULES, isCampaignRule, RULES, RuleSettingsIndex, type EffectiveSettings, type EngineRule } from './rules/rule-settings.js';
import { ruleSettingsChanged } from './rules/settings-in-force.js';

export interface RuleScope {
  shopId?: string | null;
  campaignId?: string | null;
}

export interface AlertRuleView extends EffectiveSettings {
  rule: EngineRule;
  shopId: string | null;
  campaignId: string | null;
}

/**
 * A scope the caller may read or set: a shop of theirs, a campaign they can see, or (callers over
 * every shop only) the installation-wide default. Naming a foreign shop or campaign is FORBIDDEN; one
 * that does not exist, for callers over every shop, NOT_FOUND.
 */
async function checkScope(db: DbOrTx, viewer: Viewer, scope: RuleScope, access: 'read' | 'write'): Promise<void> {
  // The mutation's userErrors point into its input; the query's arguments are top-level.
  const field = (name: string) => (access === 'write' ? ['input', name] : [name]);
  if (scope.shopId && scope.campaignId) throw new DomainError('INVALID_INPUT', { en: 'name a shop or a campaign, not both', zh: '店铺和活动只能指定一个，不能同时指定' }, field('campaignId'));
  if (scope.shopId) {
    if (!canSeeShop(viewer, scope.shopId)) throw forbidden('Shop', field('shopId'));
    // canSeeShop holds for any id when the caller covers every shop: an unknown one would reach the
    // settings row's foreign key and fail the write as an internal error.
    await requireShop(db, viewer, scope.shopId, field('shopId'));
  }
  if (scope.campaignId) {
    const campaign = await requireScopeCampaign(db, viewer, scope.campaignId, field('campaignId'));
    // A campaign's settings judge all of it: a caller who sees their part reads them, and changes only their shops'.
    if (access === 'write' && campaign.partial) throw campaignOfOtherShops(field('campaignId'));
  }
  if (access === 'write' && !scope.shopId && !scope.campaignId && viewer.shops !== 'ALL') {
    throw new DomainError(
      'FORBIDDEN',
      {
        en: 'the installation-wide alert settings are changed only by a caller over every shop; name one of your shops (shopId) or campaigns (campaignId)',
        zh: '全局预警设置只能由覆盖全部店铺的凭证修改；请指定你的店铺（shopId）或活动（campaignId）',
      },
      field('shopId'),
    );
  }
}

async function settingsFor(db: DbOrTx, scope: RuleScope) {
  return db
    .select()
    .from(alertRuleSettings)
    .where(
      or(
        and(isNull(alertRuleSettings.shopId), isNull(alertRuleSettings.campaignId)),
        scope.shopId ? eq(alertRuleSettings.shopId, scope.shopId) : undefined,
        scope.campaignId ? eq(alertRuleSettings.campaignId, scope.campaignId) : undefined,
      ),
    );
}

/** The settings in force for every rule at a scope, and where each came from. */
export async function alertRules(db: DbOrTx, viewer: Viewer, scope: RuleScope): Promise<AlertRuleView[]> {
  await checkScope(db, viewer, scope, 'read');
  const index = new RuleSettingsIndex(await settingsFor(db, scope));
  // A campaign rule at a shop: what the shop's campaigns inherit, since no shop sets it.
  return ENGINE_RULES.map((rule) => ({
    rule,
    shopId: scope.shopId ?? null,
    campaignId: scope.campaignId ?? null,
    ...index.resolve(rule, isCampaignRule(rule) ? { campaignId: scope.campaignId } : scope),
  }));
}

const UpdateInput = z
  .object({
    rule: z.enum(ENGINE_RULES),
    shopId: z.string().nullish(),
    campaignId: z.string().nullish(),
    enabled: z.boolean().nullish(),
    threshold: z.number().finite().nullish(),
    sustainMinutes: z.number().int().min(0).max(1_440).nullish(),
    minSample: z.number().int().min(0).max(100_000_000).nullish(),
    /** Drop this scope's own values: it inherits again. */
    reset: z.boolean().nullish(),
  })
  .superRefine((input, ctx) => {
    // reset forgets the scope's values: values sent beside it were dropped without a word.
    const values = (['enabled', 'threshold', 'sustainMinutes', 'minSample'] as const).filter((key) => input[key] != null);
    if (input.reset && values.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['reset'],
        message: `reset forgets this scope's values, so it takes none: send ${values.join(', ')} in a call of its own`,
        params: { zh: `reset 会清除此范围的设置，不能同时设置数值：请另行提交 ${values.join('、')}` },
      });
    }
    if (input.threshold == null) return;
    const { min, max, integer } = RULES[input.rule].thresholdRange;
    if (input.threshold < min || input.threshold > max || (integer && !Number.isInteger(input.threshold))) {
      ctx.addIssue({
        code: 'custom',
        path: ['threshold'],
        message: `${input.rule}: threshold must be ${integer ? 'a whole number ' : ''}between ${min} and ${max} (${RULES[input.rule].thresholdMeaning})`,
        params: { zh: `${input.rule}：阈值必须是 ${min} 到 ${max} 之间的${integer ? '整数' : '数'}（${RULES[input.rule].thresholdMeaningZh}）` },
      });
    }
  });

/**
 * Sets (or with `reset`, clears) a rule's values at one scope. Omitted fields keep their current
 * value at that scope; null-valued fields inherit. Once written, the rules are evaluated again soon:
 * a threshold moved may open or clear alerts.
 */
export async function updateAlertRule(db: DbOrTx, viewer: Viewer, input: unknown, now: Date, recheckAlerts: RecheckAlerts): Promise<AlertRuleView> {
  const parsed = parseInput(UpdateInput, input);
  const scope = { shopId: parsed.shopId ?? null, campaignId: parsed.campaignId ?? null };
  await checkScope(db, viewer, scope, 'write');
  // A campaign spans shops: a shop's value for its pace or its milestones would be judged nowhere.
  if (scope.shopId && isCampaignRule(parsed.rule)) {
    throw new DomainError(
      'INVALID_INPUT',
      {
        en: `${parsed.rule} is judged per campaign: set it on a campaign (campaignId) or installation-wide`,
        zh: `${parsed.rule} 按活动评判：请在活动（campaignId）上设置，或设为全局`,
      },
      ['input', 'shopId'],
    );
  }
  const where = and(
    eq(alertRuleSettings.rule, parsed.rule),
    scope.shopId ? eq(alertRuleSettings.shopId, scope.shopId) : isNull(alertRuleSettings.shopId),
    scope.campaignId ? eq(alertRuleSettings.campaignId, scope.campaignId) : isNull(alertRuleSettings.campaignId),
  );
  if (parsed.reset) {
    await db.delete(alertRuleSettings).where(where);
  } else {
    const values = {
      ...(parsed.enabled !== undefined ? { enabled: parsed.enabled } : {}),
      ...(parsed.threshold !== undefined ? { threshold: parsed.threshold } : {}),
      ...(parsed.sustainMinutes !== undefined ? { sustainMinutes: parsed.sustainMinutes } : {}),
      ...(parsed.minSample !== undefined ? { minSample: parsed.minSample } : {}),
      updatedBy: viewer.displayName,
      updatedAt: now,
    };
    await db
      .insert(alertRuleSettings)
      .values({ rule: parsed.rule, ...scope, ...values })
      .onConflictDoUpdate({ target: [alertRuleSettings.rule, alertRuleSettings.shopId, alertRuleSettings.campaignId], set: values });
  }
  ruleSettingsChanged();
  recheckAlerts();
  const views = await alertRules(db, viewer, scope);
  return views.find((v) => v.rule === parsed.rule)!;
}
