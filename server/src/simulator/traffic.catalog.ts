import type { Channel, TrafficSource } from '../db/enums.js';

/** Order ids start with the platform's letters, as the platforms' exports do. */
export const ORDER_PREFIX: Record<Channel, string> = {
  TMALL: 'TM',
  TAOBAO: 'TB',
  JD: 'JD',
  PINDUODUO: 'PDD',
  DOUYIN: 'DY',
  XIAOHONGSHU: 'XHS',
  OWN_SITE: 'OS',
};

/** What the generator sells: every id is a global (Relay) id, as the ingestEvents API takes them. */
export interface TrafficCatalog {
  shops: SimShop[];
  campaigns: SimCampaign[];
}

export interface SimShop {
  id: string;
  platform: Channel;
  /** Relative share of visits; defaults to the platform's usual share. */
  weight?: number;
  /** Order ids start with the platform's letters, as real exports do (TM…, JD…). */
  orderPrefix?: string;
  skus: SimSku[];
  /**
   * The shop's members as producer (external) ids, those who already bought first. Orders draw
   * their buyer from here, so simulated orders land on existing customers.
   */
  customers?: string[];
  /** How many of `customers` (from the front) have bought before. */
  repeatBuyers?: number;
}

export interface SimSku {
  id: string;
  priceFen: number;
  /** Relative sales weight; defaults to cheaper-sells-more. */
  weight?: number;
  /** Not viewed or sold before this instant (a product listed last week has no orders last month). */
  listedAt?: Date;
  /**
   * Units in stock when the catalog was read (later readings: TrafficGenerator.updateStock); unset: as
   * many as buyers want. A platform stops selling a SKU at zero, so the generator never sells more than is left.
   */
  stock?: number;
}

export interface SimCampaign {
  id: string;
  shopIds: string[];
  startsAt: Date;
  endsAt: Date;
  /** e.g. "满300减50"; parsed into the discount applied to the orders attributed to the campaign. */
  theme?: string | null;
}

/**
 * Something that went wrong in a window, written into the traffic so reports and alerts have a real
 * cause to find: a conversion drop (主图改版), a refund spike (a bad batch).
 */
export interface TrafficIncident {
  shopId: string;
  from: Date;
  to: Date;
  /** Only visits from this source; all sources when absent. */
  source?: TrafficSource;
  /** Multiplies the chance that a visitor who added to cart places the order. */
  conversionFactor?: number;
  /** Replaces the refund rate of orders paid in the window. */
  refundRate?: number;
  /** The reason most of those refunds give (e.g. 质量问题). */
  refundReason?: string;
}

export interface Discount {
  thresholdFen: number;
  offFen: number;
  /** 每满: the discount repeats for every full threshold (跨店每满200减30), not just once. */
  perEvery: boolean;
}

/** Double 11's own 满300减50 when a campaign's theme names no rule we can read. */
export const DEFAULT_DISCOUNT: Discount = { thresholdFen: 30_000, offFen: 5_000, perEvery: false };

/** "满300减50" → ¥50 off orders of ¥300 or more; "跨店每满200减30" → ¥30 off per full ¥200. */
export function parseDiscount(theme: string | null | undefined): Discount {
  const match = /(每)?满(\d+)减(\d+)/.exec(theme ?? '');
  if (!match) return DEFAULT_DISCOUNT;
  return { thresholdFen: Number(match[2]) * 100, offFen: Number(match[3]) * 100, perEvery: match[1] !== undefined };
}

export function discountFen(totalFen: number, discount: Discount): number {
  if (totalFen < discount.thresholdFen) return 0;
  return discount.perEvery ? Math.floor(totalFen / discount.thresholdFen) * discount.offFen : discount.offFen;
}
