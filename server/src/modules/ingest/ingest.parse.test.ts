import { encodeGlobalID } from '@pothos/plugin-relay';
import { describe, expect, it } from 'vitest';
import { canonicalPayload, parseEvent, type EventInput } from './ingest.parse.js';

const SHOP = '0b8f8a4e-4f2c-4a57-9d55-0e8f1f6f2a11';
const SKU = '5d1c2b7a-8e3f-4c1d-a2b4-6f7e8d9c0b1a';
const NOW = new Date('2026-11-11T12:00:00Z');

function payloadOf(input: Partial<EventInput>): string {
  const parsed = parseEvent({ id: 'e1', shopId: encodeGlobalID('Shop', SHOP), source: 'SEARCH', occurredAt: new Date('2026-11-11T01:02:03.456Z'), type: 'VISIT', ...input } as EventInput, 0, NOW);
  if ('issues' in parsed) throw new Error(JSON.stringify(parsed.issues));
  return JSON.stringify(canonicalPayload({ ...parsed.event, channel: 'TMALL' }));
}

// The log stores this text and its SHA-1 tells a replay from a reused id: events logged by any earlier
// version must produce the same text again, or their replays would be refused as conflicts.
describe('the canonical payload of an event', () => {
  it('is the same text, field for field and in the same order, as the log has always stored', () => {
    expect(payloadOf({ visitorId: 'v1' })).toBe(
      '{"type":"VISIT","occurredAt":"2026-11-11T01:02:03.456Z","channel":"TMALL","source":"SEARCH","visitorId":"v1","customerId":null,"orderId":null,"campaignId":null,"skuId":null,"amountFen":null,"items":null,"reason":null}',
    );
    expect(payloadOf({ type: 'ORDER_PLACED', orderId: 'o1', items: [{ skuId: encodeGlobalID('Sku', SKU), quantity: 2, unitPrice: '12.50' }] })).toBe(
      `{"type":"ORDER_PLACED","occurredAt":"2026-11-11T01:02:03.456Z","channel":"TMALL","source":"SEARCH","visitorId":null,"customerId":null,"orderId":"o1","campaignId":null,"skuId":null,"amountFen":2500,"items":[{"skuId":"${SKU}","quantity":2,"unitPriceFen":1250}],"reason":null}`,
    );
  });

  it('carries the shipment only when there is one, after every older field', () => {
    expect(payloadOf({ type: 'ORDER_SHIPPED', orderId: 'o1' })).not.toContain('carrier');
    expect(payloadOf({ type: 'ORDER_SHIPPED', orderId: 'o1', carrier: '顺丰', trackingNumber: 'SF123' })).toBe(
      '{"type":"ORDER_SHIPPED","occurredAt":"2026-11-11T01:02:03.456Z","channel":"TMALL","source":"SEARCH","visitorId":null,"customerId":null,"orderId":"o1","campaignId":null,"skuId":null,"amountFen":null,"items":null,"reason":null,"carrier":"顺丰","trackingNumber":"SF123"}',
    );
    expect(payloadOf({ type: 'ORDER_SHIPPED', orderId: 'o1', trackingNumber: 'SF123' })).toMatch(/"reason":null,"trackingNumber":"SF123"}$/);
  });
});

describe('checking an event', () => {
  const base = { id: 'e1', shopId: encodeGlobalID('Shop', SHOP), source: 'SEARCH', occurredAt: new Date('2026-11-11T01:02:03.456Z') } as const;
  const parse = (input: Record<string, unknown>) => parseEvent({ ...base, ...input } as EventInput, 0, NOW);

  it('reports a traffic event without its visitor as the full check words it', () => {
    expect(parse({ type: 'VISIT' })).toEqual({ issues: [{ path: ['visitorId'], message: 'VISIT needs a visitorId', messageZh: 'VISIT 事件需要 visitorId', code: 'INVALID_INPUT' }] });
    expect(parse({ type: 'ADD_TO_CART', visitorId: '  ' })).toEqual({ issues: [{ path: ['visitorId'], message: 'must not be empty', messageZh: '不能为空', code: 'INVALID_INPUT' }] });
  });

  it('words each refusal in Chinese too, with its specifics', () => {
    const zh = (input: Record<string, unknown>) => {
      const result = parse(input);
      return 'issues' in result ? result.issues.map((i) => [i.path.join('.'), i.code, i.messageZh]) : [];
    };
    const item = (quantity: number, unitPrice: string) => ({ skuId: encodeGlobalID('Sku', SKU), quantity, unitPrice });
    expect(zh({ type: 'ORDER_PAID', orderId: 'o1', amount: '10.00' })).toEqual([['customerId', 'INVALID_INPUT', 'ORDER_PAID 事件需要 customerId（买家按不同的付款客户计）']]);
    expect(zh({ type: 'ORDER_REFUNDED', orderId: 'o1', amount: '0' })).toEqual([['amount', 'INVALID_AMOUNT', '退款金额必须大于零']]);
    expect(zh({ type: 'ORDER_PLACED', orderId: 'o1', items: [item(0, '1.00'), item(1, '10000000.01')] })).toEqual([
      ['items.0.quantity', 'INVALID_INPUT', '数量至少为 1'],
      ['items.1.unitPrice', 'INVALID_AMOUNT', '单笔订单最多 ¥10,000,000.00'],
    ]);
    expect(zh({ type: 'ORDER_PLACED', orderId: 'o1', items: [item(2, '6000000.00')] })).toEqual([['items', 'INVALID_AMOUNT', '商品合计超过单笔订单上限 ¥10,000,000.00']]);
    expect(zh({ type: 'VISIT', visitorId: 'v1', occurredAt: new Date('2026-11-12T00:00:00Z') })).toEqual([['occurredAt', 'INVALID_INPUT', 'occurredAt 是未来时间']]);
  });

  it('reports every problem of a traffic event at once, each on its field', () => {
    const result = parse({ type: 'PRODUCT_VIEW', visitorId: 'v1', skuId: 'not-an-id', campaignId: encodeGlobalID('Shop', SHOP) });
    expect('issues' in result && result.issues.map((i) => [i.path.join('.'), i.code])).toEqual([
      ['campaignId', 'NOT_FOUND'],
      ['skuId', 'NOT_FOUND'],
    ]);
  });

  it('keeps what a traffic event carries beyond its own fields, and checks it', () => {
    const withAmount = parse({ type: 'VISIT', visitorId: 'v1', amount: '12.30' });
    expect('event' in withAmount && withAmount.event.amountFen).toBe(1230);
    const badAmount = parse({ type: 'VISIT', visitorId: 'v1', amount: '-1' });
    expect('issues' in badAmount && badAmount.issues.map((i) => [i.path.join('.'), i.code])).toEqual([['amount', 'INVALID_AMOUNT']]);
  });

  it('gives a plain traffic event every field, trimmed and decoded', () => {
    const result = parse({ type: 'PRODUCT_VIEW', id: ' e7 ', visitorId: ' v1 ', skuId: encodeGlobalID('Sku', SKU) });
    expect(result).toEqual({
      event: {
        index: 0, eventId: 'e7', type: 'PRODUCT_VIEW', occurredAt: base.occurredAt, shopId: SHOP, channel: null, source: 'SEARCH',
        visitorId: 'v1', customerId: null, orderId: null, campaignId: null, skuId: SKU, amountFen: null, items: null, reason: null,
        carrier: null, trackingNumber: null,
      },
    });
  });
});
