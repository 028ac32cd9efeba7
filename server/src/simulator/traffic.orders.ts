import { WeightedTable, type Random } from '../demo/demo.random.js';
import type { SimSku } from './traffic.catalog.js';
import { DAY_MS, HOUR_MS } from '../lib/time.js';


export interface OrderLine {
  sku: SimSku;
  quantity: number;
}

/** Cheap 引流款 sell by twos and threes; dearer items almost always one at a time. */
const CHEAP_QUANTITY = new WeightedTable([[1, 60], [2, 30], [3, 10]] as const);
const DEAR_QUANTITY = new WeightedTable([[1, 92], [2, 8]] as const);
const CHEAP_BELOW_FEN = 5_000;

export function quantityFor(random: Random, sku: SimSku): number {
  return (sku.priceFen < CHEAP_BELOW_FEN ? CHEAP_QUANTITY : DEAR_QUANTITY).sample(random);
}

export const itemsTotalFen = (lines: readonly OrderLine[]) => lines.reduce((sum, l) => sum + l.quantity * l.sku.priceFen, 0);

/** From placing to paying: seven in ten pay within the minute, the rest come back from the cashier within a quarter hour. */
export function paymentDelayMs(random: Random): number {
  return random.chance(0.7) ? random.int(5, 60) * 1000 : random.int(60, 900) * 1000;
}

/** Refunds land between two hours and a week after payment, most within the first three days. */
export function refundDelayMs(random: Random): number {
  return Math.round(2 * HOUR_MS + random.next() ** 1.6 * 7 * DAY_MS);
}

const BEFORE_SHIPPING = ['拍错了/不想要了', '未按约定时间发货', '协商一致退款'];
const AFTER_SHIPPING = new WeightedTable([
  ['七天无理由退货', 40],
  ['质量问题', 22],
  ['发错货', 10],
  ['商品破损', 14],
  ['尺寸/规格与描述不符', 14],
] as const);
const PARTIAL_REASONS = ['价保补差', '部分商品破损', '赠品未发', '少发配件'];

export interface RefundPlan {
  amountFen: number;
  reason: string;
  /** A full refund asked for before the parcel left: the warehouse never ships the order. */
  beforeShipping: boolean;
}

/**
 * A full refund gives back what was paid; a partial one returns one cheap line of a multi-line
 * order, or a 10–30 % 补差 on a single line. Never more than was paid, never zero.
 */
export function planRefund(
  random: Random,
  lines: readonly OrderLine[],
  paidFen: number,
  partialShare: number,
  delayMs: number,
  usualReason?: string,
): RefundPlan {
  if (paidFen > 1 && random.chance(partialShare)) {
    const cheapest = Math.min(...lines.map((l) => l.sku.priceFen));
    const part = lines.length > 1 ? cheapest : Math.round(paidFen * random.between(0.1, 0.3));
    return { amountFen: Math.min(paidFen - 1, Math.max(1, part)), reason: random.pick(PARTIAL_REASONS), beforeShipping: false };
  }
  if (usualReason && random.chance(0.8)) return { amountFen: paidFen, reason: usualReason, beforeShipping: false };
  // Most buyers who give up within a day do so before the parcel leaves the warehouse.
  return delayMs < DAY_MS
    ? { amountFen: paidFen, reason: random.pick(BEFORE_SHIPPING), beforeShipping: true }
    : { amountFen: paidFen, reason: AFTER_SHIPPING.sample(random), beforeShipping: false };
}

/** The warehouse ships 10–60 minutes after payment (fast enough for the war room to watch it happen). */
export function shippingDelayMs(random: Random): number {
  return random.int(10 * 60, 60 * 60) * 1000;
}

/** 次日达 to three days on the road, most parcels the next day or the day after. */
export function deliveryDelayMs(random: Random): number {
  return Math.round(18 * HOUR_MS + random.next() ** 1.5 * 54 * HOUR_MS);
}

const CARRIERS = new WeightedTable([['中通快递', 28], ['圆通速递', 22], ['韵达快递', 16], ['申通快递', 12], ['顺丰速运', 12], ['京东物流', 10]] as const);
const WAYBILL_PREFIX: Record<string, string> = { 中通快递: '7', 圆通速递: 'YT', 韵达快递: '46', 申通快递: '77', 顺丰速运: 'SF', 京东物流: 'JDX' };

/** A carrier by market share and a waybill number in its format (prefix and digits). */
export function pickCarrier(random: Random): { carrier: string; trackingNumber: string } {
  const carrier = CARRIERS.sample(random);
  const digits = Array.from({ length: 12 }, () => random.int(0, 9)).join('');
  return { carrier, trackingNumber: `${WAYBILL_PREFIX[carrier]}${digits}` };
}
