import { builder } from '../../builder.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { asPayload, payloadType } from '../../graphql/user-error.js';
import type { AlertMessage } from '../../realtime/pubsub.js';
import { CampaignRef } from '../campaign/campaign.schema.js';
import { ShopRef } from '../shop/shop.schema.js';
import { acknowledgeAlert, alertMatches, listAlerts, loadAlerts, type AlertFilter } from './alert.service.js';
import { ALERT_RULES, ALERT_SEVERITIES, type AlertRow } from './alert.table.js';

const AlertRuleEnum = builder.enumType('AlertRule', { values: ALERT_RULES });
const AlertSeverityEnum = builder.enumType('AlertSeverity', { values: ALERT_SEVERITIES });

export const AlertRef = builder.loadableNode('Alert', {
  description: 'A rule firing: conversion drop, GMV behind pace, refund spike, low stock, ROI < 1, overdue milestone, HIGH risk without plan.',
  id: uuidNodeId<AlertRow>(),
  load: (ids: string[], ctx) => loadAlerts(ctx.db, ctx.viewer, ids),
  sort: (alert) => alert.id,
  fields: (t) => ({
    rule: t.expose('rule', { type: AlertRuleEnum }),
    severity: t.expose('severity', { type: AlertSeverityEnum }),
    shop: t.field({ type: ShopRef, nullable: true, resolve: (a) => a.shopId }),
    campaign: t.field({ type: CampaignRef, nullable: true, resolve: (a) => a.campaignId }),
    subject: t.exposeString('subject'),
    message: t.exposeString('message'),
    raisedAt: t.expose('raisedAt', { type: 'DateTime' }),
    acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', nullable: true }),
    acknowledgedBy: t.exposeString('acknowledgedBy', { nullable: true }),
  }),
});

const AlertFilterInput = builder.inputType('AlertFilter', {
  fields: (t) => ({
    acknowledged: t.boolean({ description: 'true: only acknowledged; false: only open.' }),
    severities: t.field({ type: [AlertSeverityEnum] }),
    shopIds: t.globalIDList({ for: ShopRef }),
    campaignId: t.globalID({ for: CampaignRef }),
  }),
});

type FilterArg = { acknowledged?: boolean | null; severities?: AlertRow['severity'][] | null; shopIds?: { id: string }[] | null; campaignId?: { id: string } | null } | null | undefined;
const toFilter = (filter: FilterArg): AlertFilter => ({
  acknowledged: filter?.acknowledged,
  severities: filter?.severities,
  shopIds: filter?.shopIds?.map((id) => id.id),
  campaignId: filter?.campaignId?.id,
});

builder.queryField('alerts', (t) =>
  t.connection(
    {
      type: AlertRef,
      description: 'Alerts the caller may see, newest first.',
      args: { filter: t.arg({ type: AlertFilterInput }) },
      resolve: (_root, { filter, ...args }, ctx) => listAlerts(ctx.db, ctx.viewer, toFilter(filter), args),
    },
    { name: 'AlertConnection' },
    { name: 'AlertEdge' },
  ),
);

const AcknowledgeAlertInput = builder.inputType('AcknowledgeAlertInput', {
  fields: (t) => ({ id: t.globalID({ for: AlertRef, required: true }) }),
});

builder.mutationField('acknowledgeAlert', (t) =>
  t.field({
    type: payloadType('AcknowledgeAlertPayload', 'alert', AlertRef),
    args: { input: t.arg({ type: AcknowledgeAlertInput, required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => acknowledgeAlert(ctx.db, ctx.viewer, { id: input.id.id }, ctx.now())),
  }),
);

/** The published message back into a row shape; it crossed JSON (and maybe Redis). */
function fromMessage(m: AlertMessage): AlertRow {
  return {
    ...m,
    rule: m.rule as AlertRow['rule'],
    severity: m.severity as AlertRow['severity'],
    raisedAt: new Date(m.raisedAt),
    acknowledgedAt: null,
    acknowledgedBy: null,
  };
}

builder.subscriptionField('alertRaised', (t) =>
  t.field({
    type: AlertRef,
    description: 'New alerts as they are raised, on any instance, filtered to what the caller may see.',
    args: { filter: t.arg({ type: AlertFilterInput }) },
    subscribe: async function* (_root, { filter }, ctx) {
      const wanted = toFilter(filter);
      // Filtering is in memory on the published message: no database read per subscriber.
      for await (const message of ctx.pubsub.subscribe('alert:raised')) {
        const alert = fromMessage(message);
        if (alertMatches(ctx.viewer, wanted, alert)) yield alert;
      }
    },
    resolve: (alert) => alert,
  }),
);
