import { builder } from '../../builder.js';
import { asPayload, payloadType } from '../../graphql/user-error.js';
import { CampaignRef } from '../campaign/campaign.schema.js';
import { ShopRef } from '../shop/shop.schema.js';
import { AlertRuleEnum } from './alert.schema.js';
import { alertRules, updateAlertRule, type AlertRuleView } from './alert-rule.service.js';
import { RULES } from './rules/rule-settings.js';

const SettingsSourceEnum = builder.enumType('AlertRuleSettingsSource', {
  values: ['DEFAULT', 'GLOBAL', 'SHOP', 'CAMPAIGN'] as const,
  description: 'Where the most specific value in force comes from: the built-in default, the installation-wide row, the shop, the campaign.',
});

const AlertRuleSettingRef = builder.objectRef<AlertRuleView>('AlertRuleSetting').implement({
  description: 'A rule’s thresholds in force at a scope (a campaign under way beats its shops, a shop beats the installation default). docs/ALERTS.md lists every rule.',
  fields: (t) => ({
    rule: t.expose('rule', { type: AlertRuleEnum }),
    shop: t.field({ type: ShopRef, nullable: true, resolve: (s) => s.shopId }),
    campaign: t.field({ type: CampaignRef, nullable: true, resolve: (s) => s.campaignId }),
    enabled: t.exposeBoolean('enabled'),
    threshold: t.exposeFloat('threshold', {
      description: 'For LOW_STOCK without an explicit threshold, each SKU’s own low-stock line applies (this shows the default).',
    }),
    thresholdMeaning: t.string({ resolve: (s) => RULES[s.rule].thresholdMeaning }),
    sustainMinutes: t.exposeInt('sustainMinutes', { description: 'Minutes the condition must hold before an alert opens.' }),
    minSample: t.exposeInt('minSample'),
    minSampleMeaning: t.string({ resolve: (s) => RULES[s.rule].minSampleMeaning }),
    clearLevel: t.float({ description: 'An open alert resolves once the value is back past this level (hysteresis) …', resolve: (s) => RULES[s.rule].clearLevel(s.threshold) }),
    clearMinutes: t.int({ description: '… and has stayed there this many minutes.', resolve: (s) => RULES[s.rule].clearMinutes }),
    source: t.expose('source', { type: SettingsSourceEnum }),
  }),
});

builder.queryField('alertRules', (t) =>
  t.field({
    type: [AlertRuleSettingRef],
    description: 'Every rule’s settings in force for a shop, a campaign, or (neither) the installation.',
    args: { shopId: t.arg.globalID({ for: ShopRef }), campaignId: t.arg.globalID({ for: CampaignRef }) },
    resolve: (_root, args, ctx) => alertRules(ctx.db, ctx.viewer, { shopId: args.shopId?.id, campaignId: args.campaignId?.id }),
  }),
);

const UpdateAlertRuleInput = builder.inputType('UpdateAlertRuleInput', {
  fields: (t) => ({
    rule: t.field({ type: AlertRuleEnum, required: true }),
    shopId: t.globalID({ for: ShopRef, description: 'Set for one shop (neither shop nor campaign: the installation default, all-shops callers only). Campaign rules (GMV_BEHIND_PACE, MILESTONE_OVERDUE, HIGH_RISK_WITHOUT_PLAN) cannot be set on a shop.' }),
    campaignId: t.globalID({ for: CampaignRef, description: 'Set for one campaign: a shop rule set here holds for every shop of the campaign while it is under way.' }),
    enabled: t.boolean(),
    threshold: t.float(),
    sustainMinutes: t.int(),
    minSample: t.int(),
    reset: t.boolean({ description: 'Forget this scope’s own values; it inherits again.' }),
  }),
});

builder.mutationField('updateAlertRule', (t) =>
  t.field({
    type: payloadType('UpdateAlertRulePayload', 'setting', AlertRuleSettingRef),
    args: { input: t.arg({ type: UpdateAlertRuleInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => updateAlertRule(ctx.db, ctx.viewer, { ...input, shopId: input.shopId?.id, campaignId: input.campaignId?.id }, ctx.now(), ctx.evaluateAlertsSoon)),
  }),
);
