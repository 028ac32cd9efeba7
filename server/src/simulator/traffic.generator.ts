import type { TrafficSource } from '../db/enums.js';
import { WeightedTable, createRandom, type Random } from '../demo/demo.random.js';
import { fenToYuan } from '../lib/money.js';
import { shanghaiDate, shanghaiHourOfDay } from '../lib/time.js';
import type { EventInput } from '../modules/ingest/ingest.parse.js';
import { CustomerPool } from './customer.pool.js';
import { DeliveryQueue } from './delivery.queue.js';
import { discountFen, parseDiscount, type SimCampaign, type SimShop, type SimSku, type TrafficIncident } from './traffic.catalog.js';
import { DEFAULT_FUNNEL, type FunnelRates, type GeneratorOptions } from './traffic.options.js';
import {
  deliveryDelayMs,
  itemsTotalFen,
  paymentDelayMs,
  pickCarrier,
  planRefund,
  quantityFor,
  refundDelayMs,
  shippingDelayMs,
  type OrderLine,
} from './traffic.orders.js';
import { DOUBLE_11_DAY, ORDINARY_DAY, PLATFORM_WEIGHT, SOURCE_CONVERSION, curveFactor, peakWeight, sourceTable } from './traffic.shape.js';

/** Views per visitor who views at all. */
const VIEWS = new WeightedTable([[1, 50], [2, 28], [3, 14], [4, 8]] as const);
const MEAN_VIEWS = (1 * 50 + 2 * 28 + 3 * 14 + 4 * 8) / 100;
const SECOND = 1000;
const RECENT_VISITORS = 500;
/** Carts that take a second product, when the visitor viewed one. */
const SECOND_LINE = 0.25;

interface ShopState {
  shop: SimShop;
  skus: WeightedTable<SimSku>;
  customers: CustomerPool;
  recentVisitors: string[];
}

interface Session {
  state: ShopState;
  at: number;
  source: TrafficSource;
  /** The campaign live as the visit began. */
  campaign: SimCampaign | undefined;
  visitorId: string;
}

/**
 * Deterministic traffic for a catalog: the same catalog, seed and sequence of slices always give
 * the same events. Each slice [from, to) starts new visitor sessions spread by the day curve and
 * hands out every event due before `to`; payments, shipments, refunds and late deliveries that fall
 * later are carried in the generator to the slice they belong to.
 */
export class TrafficGenerator {
  readonly funnel: FunnelRates;
  private readonly random: Random;
  private readonly tag: string;
  private readonly shops: WeightedTable<ShopState>;
  private readonly queue = new DeliveryQueue<EventInput>();
  private readonly sessionEvents: number;
  private clock = -Infinity;
  /** Set by warmUp: nothing that happened before it is delivered. */
  private discardBefore = -Infinity;
  private eventCount = 0;
  private visitorCount = 0;
  private orderCount = 0;
  /**
   * Units sold from a SKU's stock whose order ingestion has not been handed yet: ingestion takes stock
   * when an order is both placed and paid, so a sale is promised from the moment it is made until the
   * slice that delivers the later of those two events.
   */
  private readonly promised: { sku: SimSku; units: number; takenAt: number }[] = [];
  /** The list's units summed per SKU, kept beside it: every cart asks for each SKU its visitor viewed. */
  private readonly promisedUnits = new Map<SimSku, number>();
  private readonly skusById = new Map<string, SimSku>();
  /** Units in stock as last read, for SKUs whose stock is known (SimSku.stock, then updateStock). */
  private readonly stockRead = new Map<SimSku, number>();

  constructor(private readonly options: GeneratorOptions) {
    const { catalog, seed } = options;
    this.random = createRandom(seed);
    this.tag = options.tag ?? `sim-${(seed >>> 0).toString(36)}`;
    this.funnel = { ...DEFAULT_FUNNEL, ...options.funnel };
    const sellable = catalog.shops.filter((s) => s.skus.length > 0);
    for (const sku of sellable.flatMap((s) => s.skus)) {
      this.skusById.set(sku.id, sku);
      if (sku.stock !== undefined) this.stockRead.set(sku, sku.stock);
    }
    if (sellable.length === 0) throw new Error('the catalog has no shop with a SKU to sell');
    this.shops = new WeightedTable(
      sellable.map((shop) => {
        const state: ShopState = {
          shop,
          skus: new WeightedTable(shop.skus.map((s) => [s, s.weight ?? 1 / Math.sqrt(s.priceFen / 100)] as const)),
          customers: new CustomerPool(shop.customers ?? [], shop.repeatBuyers ?? 0, (n) => `${this.tag}-c${n}`),
          recentVisitors: [],
        };
        return [state, shop.weight ?? PLATFORM_WEIGHT[shop.platform]] as const;
      }),
    );
    const f = this.funnel;
    const ordered = f.view * f.cart * f.place;
    // A second cart line needs two different products viewed, which about half of the carts have.
    // A shipped order brings two more events (shipped, delivered).
    const perSession = 1 + f.view * MEAN_VIEWS + f.view * f.cart * (1 + SECOND_LINE * 0.5) + ordered * (1 + f.pay * (1 + f.refund + 2 * f.ship));
    this.sessionEvents = perSession * (1 + (options.duplicateRate ?? 0.01));
  }

  /** Events still to be delivered in later slices (payments, shipments, refunds, late deliveries). */
  get pending() {
    return this.queue.size;
  }

  /**
   * How busy [from, to) is relative to an average moment: multiply an average rate by it to follow
   * the day curve (2.3× in Double 11's first hour, a quarter of average at 4 am).
   */
  curveFactor(from: Date, to: Date): number {
    const mid = new Date((from.getTime() + to.getTime()) / 2);
    return curveFactor(this.shapeAt(mid.getTime()), from.getTime(), to.getTime());
  }

  /**
   * About `targetEvents` events (on average, counting the follow-ups the new sessions will bring)
   * for [from, to), sorted by delivery time. Slices must not go back in time.
   */
  slice(from: Date, to: Date, targetEvents: number): EventInput[] {
    const t0 = from.getTime();
    const t1 = to.getTime();
    if (t0 < this.clock) throw new Error(`slices must move forward: ${from.toISOString()} is before the last slice's end`);
    this.clock = t1;
    if (t1 > t0 && targetEvents > 0) {
      const sessions = this.stochasticRound(targetEvents / this.sessionEvents);
      const starts = Array.from({ length: sessions }, () => this.sessionStart(t0, t1)).sort((a, b) => a - b);
      for (const at of starts) this.session(at);
    }
    const events = this.queue.takeBefore(t1);
    this.releaseDeliveredSales(t1);
    return this.random.chance(this.options.shuffleRate ?? 0.05) ? this.random.shuffle(events) : events;
  }

  /**
   * Stock as ingestion now has it, for SKUs by id (a restock, what was sold, what was returned). It must
   * be read after every slice handed out so far has gone through ingestion; the sales whose orders are
   * still to be handed out are counted off it here.
   */
  updateStock(stockById: ReadonlyMap<string, number>) {
    for (const [id, stock] of stockById) {
      const sku = this.skusById.get(id);
      if (sku) this.stockRead.set(sku, stock);
    }
  }

  /** Units of a SKU a buyer can still order. */
  private available(sku: SimSku): number {
    const stock = this.stockRead.get(sku);
    return stock === undefined ? Infinity : stock - (this.promisedUnits.get(sku) ?? 0);
  }

  private promise(lines: readonly OrderLine[], takenAt: number) {
    for (const { sku, quantity } of lines) {
      if (!this.stockRead.has(sku)) continue;
      this.promised.push({ sku, units: quantity, takenAt });
      this.promisedUnits.set(sku, (this.promisedUnits.get(sku) ?? 0) + quantity);
    }
  }

  /** Sales whose taking event is in a slice handed out are ingestion's to count from now on. */
  private releaseDeliveredSales(before: number) {
    let kept = 0;
    for (const sale of this.promised) {
      if (sale.takenAt < before) {
        const left = this.promisedUnits.get(sale.sku)! - sale.units;
        if (left === 0) this.promisedUnits.delete(sale.sku);
        else this.promisedUnits.set(sale.sku, left);
      } else {
        this.promised[kept++] = sale;
      }
    }
    this.promised.length = kept;
  }

  /**
   * Starts as if traffic had been flowing for `ms` before `until`: sessions begun in that time are
   * under way, so orders and payments arrive from the first slice instead of minutes later. Of
   * what happened before `until`, only orders still awaiting payment are delivered (in the first
   * slice, with their original time), so no payment arrives without its order.
   */
  warmUp(until: Date, ms: number, targetEvents: number) {
    this.discardBefore = until.getTime();
    this.slice(new Date(until.getTime() - ms), until, targetEvents);
  }

  private shapeAt(at: number): readonly number[] {
    return this.options.catalog.campaigns.some((c) => c.startsAt.getTime() <= at && at < c.endsAt.getTime()) ? DOUBLE_11_DAY : ORDINARY_DAY;
  }

  /** Rejection sampling against the day curve, so a day-long slice gets its midnight rush and 4 am lull. */
  private sessionStart(t0: number, t1: number): number {
    const peak = Math.max(peakWeight(DOUBLE_11_DAY, t0, t1), peakWeight(ORDINARY_DAY, t0, t1));
    for (;;) {
      const at = Math.floor(t0 + this.random.next() * (t1 - t0));
      const shape = this.shapeAt(at);
      if (this.random.next() * peak < shape[shanghaiHourOfDay(at)]!) return at;
    }
  }

  private stochasticRound(x: number): number {
    const whole = Math.floor(x);
    return whole + (this.random.chance(x - whole) ? 1 : 0);
  }

  private session(at: number) {
    const random = this.random;
    const state = this.shops.sample(random);
    const { shop } = state;
    const campaign = this.campaignAt(shop.id, at);
    const source = sourceTable(shop.platform, { inCampaign: campaign !== undefined }).sample(random);
    const session: Session = { state, at, source, campaign, visitorId: this.visitor(state) };
    this.traffic(session, 'VISIT', at, null);
    if (!random.chance(this.funnel.view)) return;

    let t = at;
    const viewed: SimSku[] = [];
    for (let i = VIEWS.sample(random); i > 0; i--) {
      t += random.int(5, 90) * SECOND;
      const sku = this.pickSku(state, t);
      if (!sku) continue;
      viewed.push(sku);
      this.traffic(session, 'PRODUCT_VIEW', t, sku);
    }
    if (viewed.length === 0 || !random.chance(this.funnel.cart)) return;
    // A sold-out product can be looked at, not put in a cart.
    const carted = [...new Set(viewed)].filter((sku) => this.available(sku) > 0).slice(0, random.chance(SECOND_LINE) ? 2 : 1);
    if (carted.length === 0) return;
    for (const sku of carted) {
      t += random.int(10, 180) * SECOND;
      this.traffic(session, 'ADD_TO_CART', t, sku);
    }
    const incident = this.incident(shop.id, t, source);
    const place = this.funnel.place * SOURCE_CONVERSION[source] * (incident?.conversionFactor ?? 1);
    if (!random.chance(place)) return;
    const lines = carted.map((sku) => ({ sku, quantity: Math.min(quantityFor(random, sku), this.available(sku)) }));
    this.order(session, t + random.int(30, 600) * SECOND, lines);
  }

  /**
   * The campaign the shop runs at that moment: an event counts for the campaign live when it happens, and an
   * order for the one live when it is placed (its 满减 is taken at checkout) — a visit begun minutes before a
   * 返场 opens orders inside it. Without one, the session's own: an order is made when its visit begins, and a
   * campaign the simulator carries past midnight (demo.carry.ts) may not be carried yet when that visit begins.
   */
  private campaignAt(shopId: string, at: number, session?: Session): SimCampaign | undefined {
    return this.options.catalog.campaigns.find((c) => c.shopIds.includes(shopId) && c.startsAt.getTime() <= at && at < c.endsAt.getTime()) ?? session?.campaign;
  }

  private order(session: Session, placedAt: number, lines: OrderLine[]) {
    const random = this.random;
    const { shop, customers } = session.state;
    const campaign = this.campaignAt(shop.id, placedAt, session);
    const orderId = (this.options.orderId ?? ((s, at, n) => `${s.orderPrefix ?? 'SIM'}${shanghaiDate(at).replaceAll('-', '')}-${this.tag}-${n}`))(
      shop,
      new Date(placedAt),
      ++this.orderCount,
    );
    const totalFen = itemsTotalFen(lines);
    // The campaign's 满减 is taken off at checkout, so the order is worth what the buyer pays.
    const amountFen = totalFen - (campaign ? discountFen(totalFen, parseDiscount(campaign.theme)) : 0);
    const customerId = customers.next(random, campaign !== undefined, placedAt);
    const base = { shopId: shop.id, channel: shop.platform, source: session.source, campaignId: campaign?.id ?? null, orderId, customerId };
    const items = lines.map((l) => ({ skuId: l.sku.id, quantity: l.quantity, unitPrice: fenToYuan(l.sku.priceFen) }));
    const placed = this.event({ ...base, type: 'ORDER_PLACED', items, amount: fenToYuan(amountFen) }, placedAt);
    const paidAt = random.chance(this.funnel.pay) ? placedAt + paymentDelayMs(random) : null;
    if (paidAt === null) {
      this.deliver(placed, placedAt);
      return;
    }
    // Warming up: an order placed before the start but paid after it was at the cashier when we
    // started watching; its ORDER_PLACED comes with the first slice, so the payment is not orphaned.
    const carried = placedAt < this.discardBefore;
    if (carried && paidAt < this.discardBefore) return;
    const late = random.chance(this.options.latePlacementRate ?? 0.01);
    // A late ORDER_PLACED reaches us after its payment: the order must still come out the same.
    const placedDelivered = Math.max(late ? paidAt + random.int(1, 60) * SECOND : placedAt, this.discardBefore);
    this.deliver(placed, placedDelivered, carried);
    this.deliver(this.event({ ...base, type: 'ORDER_PAID', amount: fenToYuan(amountFen) }, paidAt), paidAt);
    this.promise(lines, Math.max(placedDelivered, paidAt));

    const incident = this.incident(shop.id, paidAt, session.source);
    const refunded = amountFen > 0 && random.chance(incident?.refundRate ?? this.funnel.refund);
    const delay = refunded ? refundDelayMs(random) : 0;
    const refund = refunded ? planRefund(random, lines, amountFen, this.funnel.partialRefund, delay, incident?.refundReason) : null;
    const forgotten = !refund?.beforeShipping && !random.chance(this.funnel.ship);
    if (!refund?.beforeShipping && !forgotten) this.ship(base, paidAt);
    // A forgotten order's fate is the demo warehouse's (demo.warehouse.ts: shipped late or refunded in
    // full), so it sends no refund of its own that could meet the warehouse's.
    if (!refund || forgotten) return;
    const refundedAt = paidAt + delay;
    this.deliver(
      this.event({ ...base, customerId: null, type: 'ORDER_REFUNDED', amount: fenToYuan(refund.amountFen), reason: refund.reason }, refundedAt),
      refundedAt,
    );
  }

  /** The parcel leaves the warehouse and, a day or three later, reaches the buyer. */
  private ship(base: Omit<EventInput, 'id' | 'occurredAt' | 'type'>, paidAt: number) {
    const shippedAt = paidAt + shippingDelayMs(this.random);
    this.deliver(this.event({ ...base, customerId: null, type: 'ORDER_SHIPPED', ...pickCarrier(this.random) }, shippedAt), shippedAt);
    const deliveredAt = shippedAt + deliveryDelayMs(this.random);
    this.deliver(this.event({ ...base, customerId: null, type: 'ORDER_DELIVERED' }, deliveredAt), deliveredAt);
  }

  private traffic(session: Session, type: 'VISIT' | 'PRODUCT_VIEW' | 'ADD_TO_CART', at: number, sku: SimSku | null) {
    const { shop } = session.state;
    const event = this.event(
      { type, shopId: shop.id, channel: shop.platform, source: session.source, campaignId: this.campaignAt(shop.id, at, session)?.id ?? null, visitorId: session.visitorId, skuId: sku?.id ?? null },
      at,
    );
    this.deliver(event, at);
  }

  private event(fields: Omit<EventInput, 'id' | 'occurredAt'>, at: number): EventInput {
    return { id: `${this.tag}-${++this.eventCount}`, occurredAt: new Date(at), ...fields };
  }

  /** Queues an event for delivery; an at-least-once producer sometimes sends it again a little later. */
  private deliver(event: EventInput, at: number, carried = false) {
    if (event.occurredAt.getTime() < this.discardBefore && !carried) return;
    this.queue.push(at, event);
    if (this.random.chance(this.options.duplicateRate ?? 0.01)) this.queue.push(at + this.random.int(0, 20) * SECOND, { ...event });
  }

  /** A fifth of visits are the same person coming back (distinct visitors < visits). */
  private visitor(state: ShopState): string {
    const recent = state.recentVisitors;
    if (recent.length > 0 && this.random.chance(0.2)) return this.random.pick(recent);
    const id = `${this.tag}-v${++this.visitorCount}`;
    if (recent.length >= RECENT_VISITORS) recent[this.random.int(0, RECENT_VISITORS - 1)] = id;
    else recent.push(id);
    return id;
  }

  /** A SKU by popularity among those already listed at `at` (rejection sampling; null if none is). */
  private pickSku(state: ShopState, at: number): SimSku | null {
    for (let attempt = 0; attempt < 20; attempt++) {
      const sku = state.skus.sample(this.random);
      if (!sku.listedAt || sku.listedAt.getTime() <= at) return sku;
    }
    return null;
  }

  private incident(shopId: string, at: number, source: TrafficSource): TrafficIncident | undefined {
    return this.options.incidents?.find(
      (i) => i.shopId === shopId && i.from.getTime() <= at && at < i.to.getTime() && (!i.source || i.source === source),
    );
  }
}
