import { builder } from '../../builder.js';
import { ChannelEnum, TrafficSourceEnum } from '../../graphql/enums.js';
import { refusalMessageField } from '../../graphql/locale.js';
import { ingestEvents, MAX_BATCH, type IngestError, type IngestResult } from './ingest.service.js';
import { EVENT_TYPES } from '../event/event.table.js';

const EventTypeEnum = builder.enumType('EventType', { values: EVENT_TYPES });

const EventItemInput = builder.inputType('EventItemInput', {
  fields: (t) => ({
    skuId: t.id({ required: true, description: 'Global id of a SKU of the event\'s shop.' }),
    quantity: t.int({ required: true }),
    unitPrice: t.field({ type: 'Decimal', required: true }),
  }),
});

const EventInputRef = builder.inputType('EventInput', {
  description: 'One producer event. Ids are checked per event, so one bad event does not fail the batch.',
  fields: (t) => ({
    id: t.string({ required: true, description: "The producer's idempotency key, unique per shop (≤ 128 chars)." }),
    type: t.field({ type: EventTypeEnum, required: true }),
    occurredAt: t.field({ type: 'DateTime', required: true }),
    shopId: t.id({ required: true, description: 'Global Shop id.' }),
    channel: t.field({ type: ChannelEnum, description: "Defaults to the shop's platform; must match it." }),
    source: t.field({
      type: TrafficSourceEnum,
      required: false,
      description:
        'Traffic events: where the visitor came from (required). Order events: the order\'s traffic source, required on the event that first makes an order known; a later event of the order may leave it out and then takes the order\'s source, channel and campaign (a warehouse\'s shipment need not know them).',
    }),
    visitorId: t.string({ description: 'Required for VISIT, PRODUCT_VIEW and ADD_TO_CART.' }),
    customerId: t.string({ description: "The producer's customer id; required for ORDER_PAID." }),
    orderId: t.string({ description: "The producer's order id; required for ORDER_* events." }),
    campaignId: t.id({ description: 'Global Campaign id the event is attributed to; the shop must take part.' }),
    skuId: t.id({ description: 'The SKU viewed or added to cart (optional).' }),
    amount: t.field({
      type: 'Decimal',
      description: 'ORDER_PAID: the paid amount (required, ≥ 0). ORDER_REFUNDED: the refunded amount (required, > 0). ORDER_PLACED: defaults to the items total.',
    }),
    items: t.field({ type: [EventItemInput], description: 'Required for ORDER_PLACED; optional on ORDER_PAID.' }),
    reason: t.string({ description: 'Refund reason (退款原因).' }),
    carrier: t.string({ description: 'ORDER_SHIPPED: the carrier (顺丰, 中通 …), ≤ 64 chars; optional, ignored on other types.' }),
    trackingNumber: t.string({ description: 'ORDER_SHIPPED: the waybill number (运单号), ≤ 64 chars; optional, ignored on other types.' }),
  }),
});

const IngestEventsInput = builder.inputType('IngestEventsInput', {
  fields: (t) => ({
    events: t.field({ type: [EventInputRef], required: true, description: `At most ${MAX_BATCH} events.` }),
  }),
});

const IngestErrorRef = builder.objectRef<IngestError>('IngestEventError').implement({
  description: 'Why one event of the batch was not accepted.',
  fields: (t) => ({
    index: t.exposeInt('index', { description: 'Position of the event in input.events.' }),
    eventId: t.exposeString('eventId', { nullable: true, description: "The event's id as sent; one longer than any id may be (128 characters) comes back cut to its first 128 and an ellipsis." }),
    field: t.exposeStringList('field'),
    message: t.string(refusalMessageField),
    code: t.exposeString('code', { description: 'INVALID_INPUT, INVALID_AMOUNT, NOT_FOUND, FORBIDDEN (a shop outside the credential grant) or CONFLICT (an id reused for different content, or an order event that contradicts its order).' }),
  }),
});

const IngestEventsPayload = builder.objectRef<IngestResult>('IngestEventsPayload').implement({
  description: 'When this returns, every accepted event is durable and counted.',
  fields: (t) => ({
    accepted: t.exposeInt('accepted', { description: 'New events stored and counted.' }),
    duplicates: t.exposeInt('duplicates', { description: 'Replays of events already stored; they changed nothing.' }),
    userErrors: t.field({ type: [IngestErrorRef], resolve: (r) => r.userErrors }),
  }),
});

builder.mutationField('ingestEvents', (t) =>
  t.field({
    type: IngestEventsPayload,
    skipTypeScopes: true,
    authScopes: { ingest: true },
    description: 'Bulk ingestion of order and traffic events; idempotent on (shop, EventInput.id).',
    args: { input: t.arg({ type: IngestEventsInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      ingestEvents(ctx.db, ctx.viewer, input.events, ctx.now(), { announce: ctx.announceCounted, eventsRetentionDays: ctx.retention.eventsDays }),
  }),
);
