import type { AlertRule, AlertRuleSettingRow, AlertSeverity } from '../alert.table.js';

/** Rules the engine evaluates by itself (WEBHOOK_PAUSED is raised by the webhook dispatcher). */
export const ENGINE_RULES = [
  'CONVERSION_DROP',
  'GMV_BEHIND_PACE',
  'REFUND_RATE_SPIKE',
  'LOW_STOCK',
  'ROI_BELOW_ONE',
  'MILESTONE_OVERDUE',
  'HIGH_RISK_WITHOUT_PLAN',
  'UNSHIPPED_OVERDUE',
  'RECTIFICATION_OVERDUE',
  'ORDERS_STALLED',
] as const satisfies readonly AlertRule[];
export type EngineRule = (typeof ENGINE_RULES)[number];

/** Rules judged per campaign (its pace, its milestones): set at a campaign or installation-wide, never at a shop. */
export const CAMPAIGN_RULES = ['GMV_BEHIND_PACE', 'MILESTONE_OVERDUE', 'HIGH_RISK_WITHOUT_PLAN'] as const satisfies readonly EngineRule[];
export type CampaignRule = (typeof CAMPAIGN_RULES)[number];
/** Rules judged per shop (or its SKUs, channels, reports). A campaign's setting applies to its shops while it is under way. */
export type ShopRule = Exclude<EngineRule, CampaignRule>;
export const isCampaignRule = (rule: EngineRule): rule is CampaignRule => (CAMPAIGN_RULES as readonly EngineRule[]).includes(rule);

/** What a shop rule needs of a campaign under way to apply its settings to the campaign's shops. */
export interface CampaignUnderWay {
  id: string;
  shopIds: readonly string[];
  startsAt: Date;
}

export interface RuleSettings {
  enabled: boolean;
  threshold: number;
  /** Minutes the condition must hold before an alert opens. */
  sustainMinutes: number;
  /** The smallest sample judged (unit per rule: visitors, paid orders, yuan of spend or plan, orders). */
  minSample: number;
}

export interface RuleDefinition {
  defaults: RuleSettings;
  /** What the threshold means, for the API and docs/ALERTS.md. */
  thresholdMeaning: string;
  /** The same in Chinese, for the refusal of a threshold out of range. */
  thresholdMeaningZh: string;
  minSampleMeaning: string;
  /** Allowed thresholds: rates are in (0, 1], counts and hours are whole and positive. */
  thresholdRange: { min: number; max: number; integer?: boolean };
  /**
   * Hysteresis: once open, the alert resolves only when the value is back past this clear level
   * (not merely past the threshold) and has stayed there `clearMinutes`.
   */
  clearLevel(threshold: number): number;
  clearMinutes: number;
}

/**
 * Defaults from the manuals (DOMAIN.md): 库存≤50 预警 (the SKU's own line unless a setting overrides
 * it), ROI < 1 means pause the channel, a HIGH risk needs a plan within 24 hours, search traffic
 * converts around 2 % and refunds around 3 %, so 30 % down or 8 % refunds is far outside normal.
 */
export const RULES: Record<EngineRule, RuleDefinition> = {
  CONVERSION_DROP: {
    defaults: { enabled: true, threshold: 0.3, sustainMinutes: 5, minSample: 200 },
    thresholdMeaning: 'relative drop of the last 60 minutes’ conversion vs the same 60 minutes yesterday (0.3 = 30 % lower)',
    thresholdMeaningZh: '最近 60 分钟转化率较昨日同一 60 分钟的相对降幅，0.3 即低 30 %',
    minSampleMeaning: 'visitors in each of the two windows',
    thresholdRange: { min: 0.01, max: 1 },
    clearLevel: (t) => t * (2 / 3),
    clearMinutes: 5,
  },
  GMV_BEHIND_PACE: {
    defaults: { enabled: true, threshold: 0.9, sustainMinutes: 5, minSample: 1_000 },
    thresholdMeaning: 'pace = actual cumulative GMV / planned cumulative GMV; alert below this (0.9 = 10 % behind plan)',
    thresholdMeaningZh: '进度 = 实际累计 GMV / 计划累计 GMV，低于此值预警，0.9 即落后计划 10 %',
    minSampleMeaning: 'planned cumulative GMV in yuan before pace is judged',
    thresholdRange: { min: 0.01, max: 1 },
    clearLevel: (t) => Math.min(1, t + 0.05),
    clearMinutes: 5,
  },
  REFUND_RATE_SPIKE: {
    defaults: { enabled: true, threshold: 0.08, sustainMinutes: 0, minSample: 30 },
    thresholdMeaning: 'refunded orders / paid orders over the last 24 hours',
    thresholdMeaningZh: '最近 24 小时退款订单数 / 支付订单数',
    minSampleMeaning: 'paid orders in the last 24 hours',
    thresholdRange: { min: 0.001, max: 1 },
    clearLevel: (t) => t * 0.75,
    clearMinutes: 10,
  },
  LOW_STOCK: {
    defaults: { enabled: true, threshold: 50, sustainMinutes: 0, minSample: 0 },
    thresholdMeaning: 'units in stock at or below which a SKU on sale alerts (default: the SKU’s own low-stock line, 50)',
    thresholdMeaningZh: '在售 SKU 库存不高于此件数即预警，默认取 SKU 自身的库存预警线 50',
    minSampleMeaning: 'unused',
    thresholdRange: { min: 0, max: 1_000_000, integer: true },
    clearLevel: (t) => Math.ceil(t * 1.2) + 1,
    clearMinutes: 0,
  },
  ROI_BELOW_ONE: {
    defaults: { enabled: true, threshold: 1, sustainMinutes: 0, minSample: 200 },
    thresholdMeaning: 'ROI = attributed GMV / spend for today (Asia/Shanghai), per shop, channel and traffic source',
    thresholdMeaningZh: 'ROI = 归因 GMV / 今日（北京时间）投放花费，按店铺、渠道和流量来源计算',
    minSampleMeaning: 'spend in yuan today before ROI is judged',
    thresholdRange: { min: 0.01, max: 100 },
    clearLevel: (t) => t * 1.1,
    clearMinutes: 10,
  },
  MILESTONE_OVERDUE: {
    defaults: { enabled: true, threshold: 0, sustainMinutes: 0, minSample: 0 },
    thresholdMeaning: 'grace in minutes after a milestone’s due time before it counts as overdue',
    thresholdMeaningZh: '关键节点截止后算作逾期前的宽限分钟数',
    minSampleMeaning: 'unused',
    thresholdRange: { min: 0, max: 10_080, integer: true },
    clearLevel: (t) => t,
    clearMinutes: 0,
  },
  HIGH_RISK_WITHOUT_PLAN: {
    defaults: { enabled: true, threshold: 24, sustainMinutes: 0, minSample: 0 },
    thresholdMeaning: 'hours a HIGH risk may go without a response plan (风险应对方案)',
    thresholdMeaningZh: 'HIGH 风险可没有风险应对方案的小时数',
    minSampleMeaning: 'unused',
    thresholdRange: { min: 1, max: 720, integer: true },
    clearLevel: (t) => t,
    clearMinutes: 0,
  },
  UNSHIPPED_OVERDUE: {
    defaults: { enabled: true, threshold: 24, sustainMinutes: 0, minSample: 1 },
    thresholdMeaning: 'hours after payment by which an order must have shipped',
    thresholdMeaningZh: '订单支付后必须发货的小时数',
    minSampleMeaning: 'overdue orders in a shop before it alerts',
    thresholdRange: { min: 1, max: 720, integer: true },
    clearLevel: (t) => t,
    clearMinutes: 0,
  },
  RECTIFICATION_OVERDUE: {
    defaults: { enabled: true, threshold: 0, sustainMinutes: 0, minSample: 0 },
    thresholdMeaning: 'grace in hours after a rectification report’s due time (48 h after it opened) before it alerts',
    thresholdMeaningZh: '整改报告到期后到预警之间的宽限小时数，报告开启 48 小时后到期',
    minSampleMeaning: 'unused',
    thresholdRange: { min: 0, max: 720, integer: true },
    clearLevel: (t) => t,
    clearMinutes: 0,
  },
  /**
   * ORDERS_STALLED judges silence against the shop's own pace: it fires once the silence has lasted the threshold
   * AND the hour before it would have brought `minSample` paid orders in it. Paid orders arrive roughly at random,
   * so a gap that long by chance has odds of about e^-minSample per order (e^-10 ≈ 1 in 22,000): a shop paid every
   * minute sees such a gap about once in two weeks, a quiet shop at 3 a.m. is never judged on ten minutes.
   */
  ORDERS_STALLED: {
    defaults: { enabled: true, threshold: 10, sustainMinutes: 0, minSample: 10 },
    thresholdMeaning: 'minutes without a paid order before a shop is judged stalled (the site, payments or the data feed down)',
    thresholdMeaningZh: '店铺无支付订单达到此分钟数才判断是否下单中断（店铺页面、支付或数据上报故障）',
    minSampleMeaning: 'paid orders the hour before the silence would have brought during it',
    thresholdRange: { min: 1, max: 720, integer: true },
    clearLevel: (t) => t,
    clearMinutes: 0,
  },
};

export type SettingsSource = 'DEFAULT' | 'GLOBAL' | 'SHOP' | 'CAMPAIGN';

export interface EffectiveSettings extends RuleSettings {
  /** Where each value came from, most specific first: a campaign row, a shop row, the global row, the default. */
  source: SettingsSource;
  /** LOW_STOCK without an explicit threshold uses each SKU's own line. */
  thresholdIsExplicit: boolean;
}

const FIELDS = ['enabled', 'threshold', 'sustainMinutes', 'minSample'] as const;

/**
 * Resolves the settings of one rule for a subject: a campaign row beats a shop row beats the global
 * row beats the default, field by field (a shop that only lowers the threshold keeps the default sustain).
 * A campaign's row reaches a shop rule only while the campaign is under way (resolveForShop).
 */
export class RuleSettingsIndex {
  private readonly rows = new Map<string, AlertRuleSettingRow>();
  /** Per shop, the campaigns under way over it, the latest started first. */
  private readonly underWay = new Map<string, CampaignUnderWay[]>();

  constructor(rows: readonly AlertRuleSettingRow[], campaignsUnderWay: readonly CampaignUnderWay[] = []) {
    for (const row of rows) this.rows.set(settingKey(row.rule, row.shopId, row.campaignId), row);
    const latestFirst = [...campaignsUnderWay].sort((a, b) => b.startsAt.getTime() - a.startsAt.getTime() || (a.id < b.id ? -1 : 1));
    for (const campaign of latestFirst) {
      for (const shopId of campaign.shopIds) {
        const list = this.underWay.get(shopId);
        if (list) list.push(campaign);
        else this.underWay.set(shopId, [campaign]);
      }
    }
  }

  /**
   * A shop rule's settings for one shop: those of a campaign under way over the shop that sets the rule
   * (Double 11's LOW_STOCK line for every shop in it), else the shop's own, the installation's, the default.
   * Two campaigns under way that both set it: the one that started last, the more specific in time.
   */
  resolveForShop(rule: ShopRule, shopId: string): EffectiveSettings {
    const campaign = this.underWay.get(shopId)?.find((c) => this.rows.has(settingKey(rule, null, c.id)));
    return this.resolve(rule, { shopId, campaignId: campaign?.id ?? null });
  }

  /**
   * Whether some shop may resolve this rule otherwise than the installation: a shop's own row, or a row of
   * a campaign under way over some shop. When not, one setting holds for every shop.
   */
  variesByShop(rule: ShopRule): boolean {
    const campaignsUnderWay = new Set([...this.underWay.values()].flatMap((list) => list.map((c) => c.id)));
    for (const row of this.rows.values()) {
      if (row.rule === rule && (row.shopId !== null || (row.campaignId !== null && campaignsUnderWay.has(row.campaignId)))) return true;
    }
    return false;
  }

  /**
   * The shops that may resolve this rule otherwise than the installation: those with a row of their own,
   * and those of a campaign under way that sets it. Every other shop resolves as `resolve(rule, {})`.
   */
  shopsSetApart(rule: ShopRule): string[] {
    const apart = new Set<string>();
    for (const row of this.rows.values()) if (row.rule === rule && row.shopId !== null) apart.add(row.shopId);
    for (const [shopId, list] of this.underWay) {
      if (list.some((c) => this.rows.has(settingKey(rule, null, c.id)))) apart.add(shopId);
    }
    return [...apart].sort();
  }

  resolve(rule: EngineRule, scope: { shopId?: string | null; campaignId?: string | null }): EffectiveSettings {
    const chain: [SettingsSource, AlertRuleSettingRow | undefined][] = [
      ['CAMPAIGN', scope.campaignId ? this.rows.get(settingKey(rule, null, scope.campaignId)) : undefined],
      ['SHOP', scope.shopId ? this.rows.get(settingKey(rule, scope.shopId, null)) : undefined],
      ['GLOBAL', this.rows.get(settingKey(rule, null, null))],
    ];
    const result: EffectiveSettings = { ...RULES[rule].defaults, source: 'DEFAULT', thresholdIsExplicit: false };
    for (const field of FIELDS) {
      for (const [source, row] of chain) {
        const value = row?.[field];
        if (value === null || value === undefined) continue;
        (result as unknown as Record<string, unknown>)[field] = value;
        if (field === 'threshold') result.thresholdIsExplicit = true;
        if (rank(source) > rank(result.source)) result.source = source;
        break;
      }
    }
    return result;
  }
}

/**
 * The line a SKU is low at (库存≤线): the LOW_STOCK threshold in force for its shop when some scope sets one
 * (a campaign under way, the shop, the installation), else the SKU's own line (50 unless changed). The alert
 * and the products page's 库存预警 (Sku.lowStock, products(filter: { lowStock })) both judge by this.
 */
export function lowStockLine(settings: RuleSettingsIndex, sku: { shopId: string; lowStockThreshold: number }): number {
  const s = settings.resolveForShop('LOW_STOCK', sku.shopId);
  return s.thresholdIsExplicit ? s.threshold : sku.lowStockThreshold;
}

const rank = (source: SettingsSource) => ['DEFAULT', 'GLOBAL', 'SHOP', 'CAMPAIGN'].indexOf(source);
const settingKey = (rule: string, shopId: string | null, campaignId: string | null) => `${rule}|${shopId ?? ''}|${campaignId ?? ''}`;

export const SEVERITY_ORDER: readonly AlertSeverity[] = ['INFO', 'WARNING', 'CRITICAL'];
export const severityRank = (s: AlertSeverity) => SEVERITY_ORDER.indexOf(s);
