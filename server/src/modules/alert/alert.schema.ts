import { filter as keep, map, pipe } from 'graphql-yoga';
import { builder } from '../../builder.js';
import { localeArg } from '../../graphql/locale.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { inLocale } from '../../lib/locale.js';
import { asPayload, payloadType } from '../../graphql/user-error.js';
import type { AlertMessage } from '../../realtime/pubsub.js';
import { CampaignRef } from '../campaign/campaign.schema.js';
import { ShopRef } from '../shop/shop.schema.js';
import { acknowledgeAlert, alertFromMessage, alertMatches, assertAlertFeedInGrant, listAlerts, loadAlerts, subjectShopsOf, type AlertFilter } from './alert.service.js';
import { ALERT_RULES, ALERT_SEVERITIES, ALERT_STATUSES, type AlertRow } from './alert.table.js';
import { FIX_MINUTES, incidentClock, RESPONSE_MINUTES, type IncidentClock } from './alert.incident.js';
import { ALERT_CHANGES, type AlertChange } from './alert.lifecycle.js';

export const AlertRuleEnum = builder.enumType('AlertRule', { values: ALERT_RULES });
const AlertSeverityEnum = builder.enumType('AlertSeverity', { values: ALERT_SEVERITIES });
const AlertStatusEnum = builder.enumType('AlertStatus', {
  values: ALERT_STATUSES,
  description: 'OPEN → ACKNOWLEDGED (someone is on it) → RESOLVED (the condition cleared and stayed clear).',
});

const AlertIncidentRef = builder.objectRef<IncidentClock>('AlertIncident').implement({
  description: `An incident's clock (the manuals: a response within ${RESPONSE_MINUTES} minutes, a fix within ${FIX_MINUTES}). The response is an acknowledgement; the fix, the alert resolving.`,
  fields: (t) => ({
    startedAt: t.expose('startedAt', { type: 'DateTime', description: 'When the alert was raised or escalated CRITICAL.' }),
    respondBy: t.expose('respondBy', { type: 'DateTime' }),
    fixBy: t.expose('fixBy', { type: 'DateTime' }),
    respondedInSeconds: t.exposeInt('respondedInSeconds', { nullable: true, description: 'From the start to the acknowledgement (0 if acknowledged before it turned critical); null until acknowledged.' }),
    fixedInSeconds: t.exposeInt('fixedInSeconds', { nullable: true, description: 'From the start to the resolution; null while unresolved.' }),
    responseOverdue: t.exposeBoolean('responseOverdue', { description: 'Not acknowledged by respondBy: late now, or acknowledged late.' }),
    fixOverdue: t.exposeBoolean('fixOverdue', { description: 'Not resolved by fixBy: late now, or resolved late.' }),
  }),
});

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
    // The message quotes what the rule measured, and value is it: figures need READ however they are reached
    // (an alert in acknowledgeAlert's answer runs under MANAGE alone; docs/SECURITY.md).
    message: t.string({
      authScopes: { read: true },
      description: 'What the rule found, in words, with its figures. In Chinese unless `locale: EN` asks for English (alerts raised before English texts answer in Chinese).',
      args: localeArg,
      resolve: (alert, { locale }) => inLocale(alert, locale),
    }),
    raisedAt: t.expose('raisedAt', { type: 'DateTime' }),
    acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', nullable: true }),
    acknowledgedBy: t.exposeString('acknowledgedBy', { nullable: true }),
    status: t.expose('status', { type: AlertStatusEnum }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    value: t.exposeFloat('value', { nullable: true, authScopes: { read: true }, description: 'What the rule measured when it last fired (a rate, a ROI, units in stock, hours, orders; see docs/ALERTS.md).' }),
    threshold: t.exposeFloat('threshold', { nullable: true, description: 'The threshold in force when it fired, in the same unit as value.' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    incident: t.field({
      type: AlertIncidentRef,
      nullable: true,
      authScopes: { read: true },
      description: 'Set when the alert is an incident: a CRITICAL ORDERS_STALLED, CONVERSION_DROP or LOW_STOCK (docs/ALERTS.md, "Incidents"). Null otherwise, and for alerts that turned critical before the clock existed.',
      resolve: (alert, _args, ctx) => incidentClock(alert, ctx.now()),
    }),
  }),
});

const AlertFilterInput = builder.inputType('AlertFilter', {
  fields: (t) => ({
    acknowledged: t.boolean({ description: 'true: only acknowledged; false: only not yet acknowledged.' }),
    statuses: t.field({ type: [AlertStatusEnum], description: 'e.g. [OPEN, ACKNOWLEDGED]: the unresolved alerts, what the war room shows.' }),
    rules: t.field({ type: [AlertRuleEnum] }),
    severities: t.field({ type: [AlertSeverityEnum] }),
    shopIds: t.globalIDList({ for: ShopRef }),
    campaignId: t.globalID({ for: CampaignRef }),
  }),
});

type FilterArg =
  | {
      acknowledged?: boolean | null;
      statuses?: AlertRow['status'][] | null;
      rules?: AlertRow['rule'][] | null;
      severities?: AlertRow['severity'][] | null;
      shopIds?: { id: string }[] | null;
      campaignId?: { id: string } | null;
    }
  | null
  | undefined;
const toFilter = (filter: FilterArg): AlertFilter => ({
  acknowledged: filter?.acknowledged,
  statuses: filter?.statuses,
  rules: filter?.rules,
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
    resolve: (_root, { input }, ctx) =>
      asPayload(() => acknowledgeAlert(ctx.db, ctx.viewer, { id: input.id.id }, ctx.now(), ctx.announceAlerts)),
  }),
);

/**
 * The messages a subscriber may see, as a stream that ends as soon as the subscriber leaves. A generator
 * filtering with `for await` did not: its `return()` waited for the next message that passed the filter,
 * so a screen watching CRITICAL alerts that left kept its listener, and its socket and subscription
 * counted against the credential's caps, until such an alert came (often never).
 */
function matchingAlerts<M, T>(source: AsyncIterable<M>, pick: (message: M) => T | null): AsyncIterable<T> {
  return pipe(
    source,
    map(pick),
    keep((value): value is T => value !== null),
  );
}

builder.subscriptionField('alertRaised', (t) =>
  t.field({
    type: AlertRef,
    description: 'New alerts as they are raised, on any instance, filtered to what the caller may see.',
    args: { filter: t.arg({ type: AlertFilterInput }) },
    subscribe: async (_root, { filter }, ctx) => {
      const wanted = toFilter(filter);
      await assertAlertFeedInGrant(ctx.db, ctx.viewer, wanted);
      // Filtering is in memory on the published message: no database read per subscriber.
      return matchingAlerts(ctx.pubsub.subscribe('alert:raised'), (message) => {
        const alert = alertFromMessage(message);
        return alertMatches(ctx.viewer, wanted, alert, subjectShopsOf(message), message.seenInPart) ? alert : null;
      });
    },
    resolve: (alert) => alert,
  }),
);

const AlertChangeEnum = builder.enumType('AlertChange', {
  values: ALERT_CHANGES,
  description: `RESPONSE_OVERDUE: an incident nobody acknowledged within ${RESPONSE_MINUTES} minutes of turning critical; FIX_OVERDUE: one not resolved within ${FIX_MINUTES} (Alert.incident).`,
});

const AlertChangedRef = builder.objectRef<{ change: AlertChange; alert: AlertRow }>('AlertChanged').implement({
  description: 'One lifecycle change of an alert and the alert as it is after it.',
  fields: (t) => ({
    change: t.expose('change', { type: AlertChangeEnum }),
    alert: t.field({ type: AlertRef, resolve: (c) => c.alert }),
  }),
});

builder.subscriptionField('alertChanged', (t) =>
  t.field({
    type: AlertChangedRef,
    description: 'Every change of the alerts the caller may see (raised, escalated, acknowledged, resolved), on any instance: a feed stays current without polling.',
    args: { filter: t.arg({ type: AlertFilterInput }) },
    subscribe: async (_root, { filter }, ctx) => {
      // The status filter is not applied here: a feed of unresolved alerts must hear that one resolved.
      const wanted = { ...toFilter(filter), statuses: null, acknowledged: null };
      await assertAlertFeedInGrant(ctx.db, ctx.viewer, wanted);
      return matchingAlerts(ctx.pubsub.subscribe('alert:changed'), (message) => {
        const alert = alertFromMessage(message);
        return alertMatches(ctx.viewer, wanted, alert, subjectShopsOf(message), message.seenInPart) ? { change: message.change as AlertChange, alert } : null;
      });
    },
    resolve: (change) => change,
  }),
);
