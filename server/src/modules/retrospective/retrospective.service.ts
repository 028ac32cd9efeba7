import { and, asc, count, desc, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { shopVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { nextUpdatedAt, staleVersion } from '../../db/row-version.js';
import { DomainError } from '../../errors.js';
import { said } from '../../lib/issue-words.js';
import { parseInput } from '../../lib/validate.js';
import { incidentClock, type IncidentClock } from '../alert/alert.incident.js';
import { alertsVisibleTo } from '../alert/alert.service.js';
import { alerts, type AlertRow } from '../alert/alert.table.js';
import { campaignOfOtherShops, requireCampaign } from '../campaign/campaign.service.js';
import { campaignMilestones, type CampaignRow, type MilestoneRow, type RiskLevel } from '../campaign/campaign.table.js';
import { milestonesOfCampaigns } from '../campaign/milestone.service.js';
import { milestoneChanges, type MilestoneChangeRow } from '../campaign/milestone-changes.table.js';
import { campaignRetrospectives, type CampaignRetrospectiveRow } from './retrospective.table.js';
import { customers } from '../customer/customer.table.js';
import { loadBuyerMix } from '../customer/buyer-mix.js';
import { CampaignProgress, type ProgressPoint } from '../metrics/campaign-progress.js';
import { EXACT_BUYERS_MAX_ORDERS } from '../metrics/exact-buyers.js';
import { loadSkuSales, loadTotals, scopeConditions, type ScopeConditions } from '../metrics/metrics.service.js';
import type { Figures } from '../metrics/metrics.formulas.js';
import { accumulateTotals, type Totals } from '../metrics/metrics.totals.js';
import { refunds } from '../order/order.table.js';
import { skuFacts } from '../product/product.facts.js';
import { medianSeconds, paretoProducts, paretoSkus, rankByRoi, salesByProduct, secondsBetween, type ParetoProduct, type ParetoSku, type Ranked, type SkuSale } from './retrospective.figures.js';
import type { Channel, TrafficSource } from '../../db/enums.js';
import { DAY_MS } from '../../lib/time.js';

/** 复盘 is due two days after the campaign ends. */
export const RETROSPECTIVE_DUE_MS = 2 * DAY_MS;

const RISK_ORDER: readonly RiskLevel[] = ['NONE', 'LOW', 'MEDIUM', 'HIGH'];

export interface RefundReasonFigures {
  reason: string;
  refunds: number;
  amountFen: number;
  /** Of the campaign's refunded amount. */
  share: number;
}

export interface MilestoneReview {
  milestone: MilestoneRow;
  /** null while not done. */
  onTime: boolean | null;
  secondsLate: number | null;
  highestRisk: RiskLevel;
  changes: MilestoneChangeRow[];
}

export interface AlertReview {
  alert: AlertRow;
  secondsToAcknowledge: number | null;
  secondsToResolve: number | null;
}

/** The campaign's incidents against the manuals' clock (alert.incident.ts): how many, and how many kept it. */
export interface IncidentReview {
  incidents: number;
  /** Acknowledged by their respondBy (10 minutes). */
  respondedInTime: number;
  /** Resolved by their fixBy (30 minutes). */
  fixedInTime: number;
  /** From each incident's start, over those acknowledged / resolved so far. */
  medianSecondsToRespond: number | null;
  medianSecondsToFix: number | null;
}

export interface ParetoFigures {
  skus: ParetoSku[];
  /** SKUs with any sale in the campaign. */
  soldSkus: number;
  products: ParetoProduct[];
  /** Products with any sale in the campaign. */
  soldProducts: number;
}

export interface BuyerMix {
  buyers: number;
  newBuyers: number;
  returningBuyers: number;
}

/**
 * One campaign's retrospective as of `now` (figures so far while it runs). Each part loads lazily and
 * once, so a screen asking for the headline reads only the rollup totals and an export asking for
 * everything reads each source once. Figures come from the campaign's rollups; refunds by reason,
 * milestones and alerts from their own tables, bounded by the campaign.
 */
export class Retrospective {
  readonly progress: CampaignProgress;
  private readonly scope: ScopeConditions;
  private readonly cache = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: DbOrTx,
    private readonly viewer: Viewer,
    readonly campaign: CampaignRow,
    readonly now: Date,
    minutesKeptFrom: Date | null,
  ) {
    this.progress = new CampaignProgress(db, viewer, campaign, now, minutesKeptFrom);
    this.scope = scopeConditions(viewer, { campaignId: campaign.id });
  }

  get ended(): boolean {
    return this.progress.ended;
  }

  get dueAt(): Date {
    return new Date(this.campaign.endsAt.getTime() + RETROSPECTIVE_DUE_MS);
  }

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    let value = this.cache.get(key) as Promise<T> | undefined;
    if (!value) this.cache.set(key, (value = load()));
    return value;
  }

  /** Overdue: the campaign has ended, its due time has passed and nobody has written the lessons. */
  async overdue(): Promise<boolean> {
    return this.ended && this.now > this.dueAt && !(await this.storedLessons())?.lessons.trim();
  }

  totals(): Promise<Totals> {
    const window = this.progress.counted;
    return this.once('totals', () => (window.from < window.to ? loadTotals(this.db, this.scope, window, { overallDistinctOnly: true }) : Promise.resolve(accumulateTotals([]))));
  }

  /** Channels and sources ranked by ROI (best first, no spend last), from the totals. */
  async channels(): Promise<Ranked<Figures & { channel: Channel }>[]> {
    return rankByRoi((await this.totals()).byChannel);
  }

  async sources(): Promise<Ranked<Figures & { source: TrafficSource }>[]> {
    return rankByRoi((await this.totals()).bySource);
  }

  /** GMV minus every refund of the campaign's orders, also those after it ended. */
  async netGmvFen(): Promise<number> {
    const [totals, reasons] = await Promise.all([this.totals(), this.refundsByReason()]);
    return totals.all.gmvFen - reasons.reduce((sum, x) => sum + x.amountFen, 0);
  }

  hours(): Promise<ProgressPoint[]> {
    return this.progress.curve();
  }

  /** Every SKU sold in the campaign, best first; the Pareto list is cut from these. */
  skuSales(): Promise<SkuSale[]> {
    return this.once('skus', async () => {
      const window = this.progress.counted;
      if (window.from >= window.to) return [];
      return loadSkuSales(this.db, this.scope, window);
    });
  }

  /** The Pareto SKUs and products: which make 80 % of the campaign's GMV. */
  pareto(): Promise<ParetoFigures> {
    return this.once('pareto', async () => {
      const sales = (await this.skuSales()).filter((s) => s.gmvFen > 0);
      // A SKU's product never changes: cached per database (product.facts.ts), read once for SKUs not seen yet.
      const facts = await skuFacts(this.db).lookUp(this.db, sales.map((s) => s.skuId));
      const products = salesByProduct(sales, (skuId) => facts.get(skuId)?.productId);
      return { skus: paretoSkus(sales), soldSkus: sales.length, products: paretoProducts(products), soldProducts: products.length };
    });
  }

  /**
   * Up to EXACT_BUYERS_MAX_ORDERS paid orders, exact from the campaign's own orders, as Metrics.buyerMix
   * for the campaign: its buyers, and among them the new ones, whose first payment ever falls in the
   * window. Past it, reading millions of orders would not fit the retrospective's time: buyers are the
   * rollups' estimate (±1.6 %), new buyers the customers of its shops whose first payment ever falls in
   * the campaign (exact, from customers, also those who bought outside it; at most the buyers), and
   * returning the difference.
   */
  buyerMix(): Promise<BuyerMix> {
    return this.once('buyers', async () => {
      const window = this.progress.counted;
      // The shops' first-time customers are counted beside the totals, as before the exact path: at 10M
      // orders waiting for the totals first would add its ~200 ms to the retrospective's; below the bound
      // the count is of few customers and is not used.
      const [totals, [row]] = await Promise.all([
        this.totals(),
        this.db
          .select({ n: count() })
          .from(customers)
          .where(
            and(
              inArray(customers.shopId, this.campaign.shopIds),
              shopVisible(this.viewer, customers.shopId),
              gte(customers.firstOrderAt, window.from),
              lt(customers.firstOrderAt, window.to),
            ),
          ),
      ]);
      const paid = totals.all.ordersPaid;
      if (paid === 0) return { buyers: 0, newBuyers: 0, returningBuyers: 0 };
      if (paid <= EXACT_BUYERS_MAX_ORDERS) {
        const { buyers, newBuyers, returningBuyers } = await loadBuyerMix(this.db, this.scope, window);
        return { buyers, newBuyers, returningBuyers };
      }
      const buyers = totals.all.buyers;
      const newBuyers = Math.min(row?.n ?? 0, buyers);
      return { buyers, newBuyers, returningBuyers: buyers - newBuyers };
    });
  }

  /** Refunds of the campaign's orders by reason, the largest refunded amount first. */
  refundsByReason(): Promise<RefundReasonFigures[]> {
    return this.once('refunds', async () => {
      const amountFen = sql<number>`sum(${refunds.amountFen})`.mapWith(Number);
      const rows = await this.db
        .select({ reason: refunds.reason, refunds: count(), amountFen })
        .from(refunds)
        .where(and(eq(refunds.campaignId, this.campaign.id), shopVisible(this.viewer, refunds.shopId)))
        .groupBy(refunds.reason)
        .orderBy(desc(amountFen), asc(refunds.reason));
      const total = rows.reduce((sum, r) => sum + r.amountFen, 0);
      return rows.map((r) => ({ ...r, share: total > 0 ? r.amountFen / total : 0 }));
    });
  }

  /** Milestones in due order, each on time or late and with its status and risk history. */
  milestones(): Promise<MilestoneReview[]> {
    return this.once('milestones', async () => {
      const [list = []] = await milestonesOfCampaigns(this.db, this.viewer, [this.campaign.id]);
      // By the campaign, not a list of its milestones' ids (one placeholder each), and grouped once: a
      // filter per milestone made the retrospective quadratic in a campaign's milestones.
      const changes =
        list.length === 0
          ? []
          : await this.db
              .select()
              .from(milestoneChanges)
              .where(inArray(milestoneChanges.milestoneId, this.db.select({ id: campaignMilestones.id }).from(campaignMilestones).where(eq(campaignMilestones.campaignId, this.campaign.id))))
              .orderBy(asc(milestoneChanges.changedAt), asc(milestoneChanges.id));
      const changesOf = new Map<string, MilestoneChangeRow[]>();
      for (const change of changes) {
        const own = changesOf.get(change.milestoneId);
        if (own) own.push(change);
        else changesOf.set(change.milestoneId, [change]);
      }
      return list.map((milestone) => {
        const own = changesOf.get(milestone.id) ?? [];
        const risks = [milestone.riskLevel, ...own.map((c) => c.riskLevel)];
        const done = milestone.status === 'DONE' && milestone.completedAt;
        return {
          milestone,
          onTime: done ? milestone.completedAt! <= milestone.dueAt : null,
          secondsLate: done ? Math.max(0, secondsBetween(milestone.dueAt, milestone.completedAt!)) : null,
          highestRisk: RISK_ORDER[risks.reduce((highest, r) => Math.max(highest, RISK_ORDER.indexOf(r)), 0)]!,
          changes: own,
        };
      });
    });
  }

  /**
   * Alerts raised during the campaign about it (its pace, its milestones: no shop of their own) or its
   * shops, oldest first, with the time to acknowledge and to resolve. Alerts about neither (webhook
   * pauses) are not the campaign's.
   */
  alerts(): Promise<AlertReview[]> {
    return this.once('alerts', async () => {
      const c = this.campaign;
      const rows = await this.db
        .select()
        .from(alerts)
        .where(
          and(
            gte(alerts.raisedAt, c.startsAt),
            lt(alerts.raisedAt, c.endsAt),
            or(and(isNull(alerts.shopId), eq(alerts.campaignId, c.id)), inArray(alerts.shopId, c.shopIds)),
            // The alerts list's own rule: a campaign seen in part shows its milestone alerts, not its pace alert.
            alertsVisibleTo(this.viewer),
          ),
        )
        .orderBy(asc(alerts.raisedAt), asc(alerts.id));
      return rows.map((alert) => ({
        alert,
        secondsToAcknowledge: alert.acknowledgedAt ? secondsBetween(alert.raisedAt, alert.acknowledgedAt) : null,
        secondsToResolve: alert.resolvedAt ? secondsBetween(alert.raisedAt, alert.resolvedAt) : null,
      }));
    });
  }

  async medianSecondsTo(what: 'acknowledge' | 'resolve'): Promise<number | null> {
    const list = await this.alerts();
    const values = list.map((a) => (what === 'acknowledge' ? a.secondsToAcknowledge : a.secondsToResolve)).filter((s): s is number => s !== null);
    return medianSeconds(values);
  }

  /** The alerts that were incidents, as the room met the manuals' 10 and 30 minutes; judged as of `now`. */
  async incidents(): Promise<IncidentReview> {
    const clocks = (await this.alerts()).map((a) => incidentClock(a.alert, this.now)).filter((c): c is IncidentClock => c !== null);
    const done = (value: number | null): value is number => value !== null;
    return {
      incidents: clocks.length,
      respondedInTime: clocks.filter((c) => c.respondedInSeconds !== null && !c.responseOverdue).length,
      fixedInTime: clocks.filter((c) => c.fixedInSeconds !== null && !c.fixOverdue).length,
      medianSecondsToRespond: medianSeconds(clocks.map((c) => c.respondedInSeconds).filter(done)),
      medianSecondsToFix: medianSeconds(clocks.map((c) => c.fixedInSeconds).filter(done)),
    };
  }

  /**
   * The lessons as the caller may read them: the team writes them of the whole campaign (every shop's GMV,
   * ROI and customers), so a caller who sees it in part reads none.
   */
  async lessons(): Promise<CampaignRetrospectiveRow | null> {
    return this.campaign.partial ? null : this.storedLessons();
  }

  private storedLessons(): Promise<CampaignRetrospectiveRow | null> {
    return this.once('lessons', async () => {
      const [row] = await this.db.select().from(campaignRetrospectives).where(eq(campaignRetrospectives.campaignId, this.campaign.id));
      return row ?? null;
    });
  }
}

export async function openRetrospective(db: DbOrTx, viewer: Viewer, campaignId: string, now: Date, minutesKeptFrom: Date | null): Promise<Retrospective> {
  const campaign = await requireCampaign(db, viewer, campaignId, ['campaignId']);
  return new Retrospective(db, viewer, campaign, now, minutesKeptFrom);
}

const LessonsInput = z.object({
  campaignId: z.string(),
  lessons: z.string().trim().max(20_000, said('at most 20,000 characters', '最多 20,000 个字符')),
  expectedUpdatedAt: z.date().nullish(),
});

/**
 * Writes (or, with an empty text, clears) the lessons learned; the campaign must be the caller's. With
 * `expectedUpdatedAt` (the `lessonsUpdatedAt` the editor loaded) they are written only if nobody has
 * written them since: otherwise CONFLICT, naming who did and when, and nothing is written. Without it,
 * as before that check existed, the last write wins (partners that never send it keep working).
 */
export async function writeRetrospectiveLessons(db: DbOrTx, viewer: Viewer, input: unknown, now: Date, minutesKeptFrom: Date | null): Promise<Retrospective> {
  const data = parseInput(LessonsInput, input);
  // Before any look at the lessons: a caller refused here learns nothing of who wrote them or when.
  const campaign = await requireCampaign(db, viewer, data.campaignId, ['input', 'campaignId']);
  // The lessons are the whole campaign's: a caller who sees their part of it reads them, and does not rewrite them.
  if (campaign.partial) throw campaignOfOtherShops(['input', 'campaignId']);
  const written = { lessons: data.lessons, updatedBy: viewer.displayName, updatedAt: nextUpdatedAt(campaignRetrospectives.updatedAt, now) };
  if (data.expectedUpdatedAt) {
    // Check and write in one statement: a second save that loaded the same version waits for the
    // first's row lock, then finds the version moved on and writes nothing.
    const [unchanged] = await db
      .update(campaignRetrospectives)
      .set(written)
      .where(and(eq(campaignRetrospectives.campaignId, campaign.id), eq(campaignRetrospectives.updatedAt, data.expectedUpdatedAt)))
      .returning({ campaignId: campaignRetrospectives.campaignId });
    if (!unchanged) throw await lessonsConflict(db, campaign.id, data.expectedUpdatedAt);
  } else {
    await db
      .insert(campaignRetrospectives)
      .values({ campaignId: campaign.id, lessons: data.lessons, updatedBy: viewer.displayName, createdAt: now, updatedAt: now })
      .onConflictDoUpdate({ target: campaignRetrospectives.campaignId, set: written });
  }
  return new Retrospective(db, viewer, campaign, now, minutesKeptFrom);
}

/** Why a checked write of lessons wrote nothing. */
async function lessonsConflict(db: DbOrTx, campaignId: string, expected: Date): Promise<DomainError> {
  const [stored] = await db
    .select({ by: campaignRetrospectives.updatedBy, at: campaignRetrospectives.updatedAt })
    .from(campaignRetrospectives)
    .where(eq(campaignRetrospectives.campaignId, campaignId));
  return staleVersion(stored, expected, { changed: 'the lessons were changed', never: 'no lessons have been written yet', zh: '经验教训' });
}
