import { encodeGlobalID } from '@pothos/plugin-relay';
import ExcelJS from 'exceljs';
import { CHANNEL_NAMES, TRAFFIC_SOURCE_NAMES, type Channel, type TrafficSource } from '../../db/enums.js';
import { fenToYuan } from '../../lib/money.js';
import { shanghaiDateTime } from '../../lib/time.js';
import { conversionTargetOf } from '../campaign/campaign.table.js';
import { bestAndWorst, retroConversion } from './retrospective.figures.js';
import type { Retrospective } from './retrospective.service.js';
import { RULE_ZH, SEVERITY_ZH } from '../alert/alert.names.js';
import { MILESTONE_STATUS_NAMES, RISK_NAMES } from '../campaign/milestone.names.js';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Where the workbook of a campaign's retrospective is served (app.ts, /export/…), by its global id. */
export function exportPathOf(campaignId: string): string {
  return `/export/campaigns/${encodeURIComponent(encodeGlobalID('Campaign', campaignId))}/retrospective.xlsx`;
}

// Amounts go into cells as numbers in yuan (so a sheet can sum them) from the exact decimal string.
const money = (fen: number) => Number(fenToYuan(fen));
const MONEY = '#,##0.00';
/** 天猫 / Tmall: the workbook is read by people in both languages, not by code that knows TMALL. */
const channelName = (c: Channel | undefined) => (c ? `${CHANNEL_NAMES[c].zh} / ${CHANNEL_NAMES[c].en}` : '');
const sourceName = (s: TrafficSource | undefined) => (s ? `${TRAFFIC_SOURCE_NAMES[s].zh} / ${TRAFFIC_SOURCE_NAMES[s].en}` : '');
const PERCENT = '0.00%';

/**
 * An achievement as the sheet shows it (0.00%): cut to the hundredth of a percent, never rounded up, as the
 * page and the wall cut it. Excel's format rounds, so 99.996 % would read 100.00 % where the page says 99.9 %.
 */
export function reachedForSheet(rate: number): number {
  return Math.floor(rate * 10_000 + 1e-9) / 10_000;
}
/** Times as Asia/Shanghai wall-clock text to the minute (`YYYY-MM-DD HH:mm`): a spreadsheet cell has no time zone. */
const local = (t: Date | null | undefined) => (t ? shanghaiDateTime(t).slice(0, 16) : '');
const seconds = (s: number | null) => (s === null ? '' : Math.round(s / 60));

interface Column {
  header: string;
  key: string;
  width?: number;
  numFmt?: string;
}

function sheet(book: ExcelJS.Workbook, name: string, columns: Column[], rows: Record<string, unknown>[]) {
  const ws = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.columns = columns.map((c) => ({ header: c.header, key: c.key, width: c.width ?? 16, style: c.numFmt ? { numFmt: c.numFmt } : {} }));
  ws.getRow(1).font = { bold: true };
  for (const row of rows) ws.addRow(row);
  return ws;
}

/** A Pareto sheet's columns, products' or SKUs': what names the row, GMV and units, any of its own, then the shares. */
function paretoColumns(naming: Column[], own: Column[] = []): Column[] {
  return [
    ...naming,
    { header: 'GMV (¥)', key: 'gmv', numFmt: MONEY },
    { header: '件数 / Units', key: 'units' },
    ...own,
    { header: '占比 / Share', key: 'share', numFmt: PERCENT },
    { header: '累计占比 / Cumulative', key: 'cumulative', numFmt: PERCENT },
  ];
}

/** The figures every Pareto row has, under paretoColumns' keys. */
const paretoCells = (row: { gmvFen: number; unitsSold: number; share: number; cumulativeShare: number }) => ({
  gmv: money(row.gmvFen),
  units: row.unitsSold,
  share: row.share,
  cumulative: row.cumulativeShare,
});

/**
 * The retrospective as an XLSX workbook, one sheet per section (概览 summary, 逐时 hours, 渠道 channels,
 * 来源 sources, 帕累托 Pareto products and SKUs, 退款原因 refunds, 关键节点 milestones, 预警 alerts, 经验教训 lessons).
 * Headers are Chinese with the English name after a slash; times are Asia/Shanghai.
 */
/** Names the workbook shows, read for the viewer: SKUs' codes and labels, products' names. */
export interface WorkbookLabels {
  skus(ids: string[]): Promise<Map<string, { code: string; name: string }>>;
  products(ids: string[]): Promise<Map<string, { name: string; shop: string }>>;
}

export async function retrospectiveWorkbook(r: Retrospective, labels: WorkbookLabels): Promise<Buffer> {
  const [totals, figures, hours, pareto, mix, refunds, milestones, alerts, lessons, overdue, ackMedian, resolveMedian, channels, sources, netGmvFen, incidents] = await Promise.all([
    r.totals(),
    r.progress.figures(),
    r.hours(),
    r.pareto(),
    r.buyerMix(),
    r.refundsByReason(),
    r.milestones(),
    r.alerts(),
    r.lessons(),
    r.overdue(),
    r.medianSecondsTo('acknowledge'),
    r.medianSecondsTo('resolve'),
    r.channels(),
    r.sources(),
    r.netGmvFen(),
    r.incidents(),
  ]);
  const c = r.campaign;
  const [names, productLabels] = await Promise.all([labels.skus(pareto.skus.map((s) => s.skuId)), labels.products(pareto.products.map((p) => p.productId))]);

  const book = new ExcelJS.Workbook();
  book.creator = 'PeakOps';
  book.created = r.now;

  const summary: [string, unknown, string?][] = [
    ['活动 / Campaign', c.name],
    ['开始 / Starts', local(c.startsAt)],
    ['结束 / Ends', local(c.endsAt)],
    ['复盘截止 / Due', local(r.dueAt)],
    ['是否逾期 / Overdue', overdue ? '是 / yes' : '否 / no'],
    ['目标 GMV / Target (¥)', money(c.gmvTargetFen), MONEY],
    ['实际 GMV / GMV (¥)', money(totals.all.gmvFen), MONEY],
    ['净 GMV / Net GMV (¥)', money(netGmvFen), MONEY],
    ['达成率 / Achievement', reachedForSheet(figures.achievementRate), PERCENT],
    ['支付订单 / Orders', totals.all.ordersPaid],
    ['买家 / Buyers', totals.all.buyers],
    ['访客 / Visitors', totals.all.visitors],
    ['转化率 / Conversion', retroConversion(totals.all) ?? '', PERCENT],
    ['目标转化率 / Target conversion', conversionTargetOf(c) ?? '', PERCENT],
    ['推广花费 / Spend (¥)', money(totals.all.spendFen), MONEY],
    ['ROI', totals.all.spendFen > 0 ? totals.all.gmvFen / totals.all.spendFen : ''],
    ['最佳渠道 / Best channel', channelName(bestAndWorst(channels).best?.channel)],
    ['最差渠道 / Worst channel', channelName(bestAndWorst(channels).worst?.channel)],
    ['最佳来源 / Best source', sourceName(bestAndWorst(sources).best?.source)],
    ['最差来源 / Worst source', sourceName(bestAndWorst(sources).worst?.source)],
    ['新客 / New buyers', mix.newBuyers],
    ['老客 / Returning buyers', mix.returningBuyers],
    ['新客占比 / New-buyer share', mix.buyers > 0 ? mix.newBuyers / mix.buyers : '', PERCENT],
    ['帕累托商品数 / Products making 80 %', pareto.products.length],
    ['动销商品数 / Products sold', pareto.soldProducts],
    ['帕累托 SKU 数 / SKUs making 80 %', pareto.skus.length],
    ['动销 SKU 数 / SKUs sold', pareto.soldSkus],
    ['预警数 / Alerts', alerts.length],
    ['认领中位 (分钟) / Median minutes to acknowledge', seconds(ackMedian)],
    ['解决中位 (分钟) / Median minutes to resolve', seconds(resolveMedian)],
    ['事故数 / Incidents', incidents.incidents],
    ['10 分钟内响应 / Responded within 10 min', incidents.respondedInTime],
    ['30 分钟内修复 / Fixed within 30 min', incidents.fixedInTime],
  ];
  const ws = sheet(book, '概览 Summary', [{ header: '指标 / Figure', key: 'k', width: 40 }, { header: '数值 / Value', key: 'v', width: 28 }], []);
  for (const [k, v, fmt] of summary) {
    const row = ws.addRow({ k, v });
    if (fmt) row.getCell('v').numFmt = fmt;
  }

  sheet(
    book,
    '逐时 Hours',
    [
      { header: '小时 / Hour', key: 'at', width: 20 },
      { header: '计划 / Plan (¥)', key: 'plan', numFmt: MONEY },
      { header: '实际 / Actual (¥)', key: 'actual', numFmt: MONEY },
      { header: '累计计划 / Cumulative plan (¥)', key: 'cplan', width: 24, numFmt: MONEY },
      { header: '累计实际 / Cumulative actual (¥)', key: 'cactual', width: 24, numFmt: MONEY },
    ],
    hours.map((h) => ({
      at: local(h.at),
      plan: money(h.plannedFen),
      actual: h.actualFen === null ? '' : money(h.actualFen),
      cplan: money(h.cumulativePlannedFen),
      cactual: h.cumulativeActualFen === null ? '' : money(h.cumulativeActualFen),
    })),
  );

  const roiColumns = (key: string, header: string): Column[] => [
    { header: '排名 / Rank', key: 'rank', width: 10 },
    { header, key },
    { header: 'GMV (¥)', key: 'gmv', numFmt: MONEY },
    { header: '订单 / Orders', key: 'orders' },
    { header: '花费 / Spend (¥)', key: 'spend', numFmt: MONEY },
    { header: '投放 ROI / Ad ROI', key: 'attributedRoi', numFmt: '0.00' },
    { header: '全站 ROI / ROI on all GMV', key: 'roi', numFmt: '0.00' },
  ];
  const roiRow = (row: { rank: number | null; gmvFen: number; ordersPaid: number; spendFen: number; roi: number | null; attributedRoi: number | null }) => ({
    rank: row.rank ?? '',
    gmv: money(row.gmvFen),
    orders: row.ordersPaid,
    spend: money(row.spendFen),
    attributedRoi: row.attributedRoi ?? '',
    roi: row.roi ?? '',
  });
  sheet(book, '渠道 Channels', roiColumns('channel', '渠道 / Channel'), channels.map((x) => ({ channel: channelName(x.channel), ...roiRow(x) })));
  sheet(book, '来源 Sources', roiColumns('source', '来源 / Source'), sources.map((x) => ({ source: sourceName(x.source), ...roiRow(x) })));

  sheet(
    book,
    '帕累托商品 Pareto products',
    paretoColumns([{ header: '商品 / Product', key: 'name', width: 32 }, { header: '店铺 / Shop', key: 'shop', width: 24 }], [{ header: '动销 SKU / SKUs sold', key: 'skus' }]),
    pareto.products.map((p) => {
      const label = productLabels.get(p.productId);
      return { name: label?.name ?? p.productId, shop: label?.shop ?? '', skus: p.skusSold, ...paretoCells(p) };
    }),
  );

  sheet(
    book,
    '帕累托 Pareto',
    paretoColumns([{ header: 'SKU', key: 'code' }, { header: '商品 / Product', key: 'name', width: 32 }]),
    pareto.skus.map((s) => ({ code: names.get(s.skuId)?.code ?? s.skuId, name: names.get(s.skuId)?.name ?? '', ...paretoCells(s) })),
  );

  sheet(
    book,
    '退款原因 Refunds',
    [
      { header: '原因 / Reason', key: 'reason', width: 24 },
      { header: '笔数 / Refunds', key: 'refunds' },
      { header: '金额 / Amount (¥)', key: 'amount', numFmt: MONEY },
      { header: '占比 / Share', key: 'share', numFmt: PERCENT },
    ],
    refunds.map((x) => ({ reason: x.reason, refunds: x.refunds, amount: money(x.amountFen), share: x.share })),
  );

  sheet(
    book,
    '关键节点 Milestones',
    [
      { header: '节点 / Milestone', key: 'name', width: 24 },
      { header: '负责人 / Owner', key: 'owner' },
      { header: '截止 / Due', key: 'due', width: 18 },
      { header: '完成 / Completed', key: 'done', width: 18 },
      { header: '按时 / On time', key: 'onTime' },
      { header: '延误 (小时) / Hours late', key: 'late' },
      { header: '最高风险 / Highest risk', key: 'risk' },
      { header: '风险历程 / Risk history', key: 'history', width: 60 },
      { header: '实际情况 / Actual situation', key: 'actual', width: 40 },
    ],
    milestones.map((m) => ({
      name: m.milestone.name,
      owner: m.milestone.owner,
      due: local(m.milestone.dueAt),
      done: local(m.milestone.completedAt),
      onTime: m.onTime === null ? '' : m.onTime ? '是 / yes' : '否 / no',
      late: m.secondsLate === null ? '' : Math.round(m.secondsLate / 360) / 10,
      risk: RISK_NAMES[m.highestRisk] ?? m.highestRisk,
      history: m.changes.map((ch) => `${local(ch.changedAt)} ${MILESTONE_STATUS_NAMES[ch.status] ?? ch.status}, ${RISK_NAMES[ch.riskLevel] ?? ch.riskLevel}${ch.changedBy ? ` (${ch.changedBy})` : ''}`).join('; '),
      actual: m.milestone.actualSituation ?? '',
    })),
  );

  sheet(
    book,
    '预警 Alerts',
    [
      { header: '触发 / Raised', key: 'raised', width: 18 },
      { header: '规则 / Rule', key: 'rule', width: 28 },
      { header: '对象 / Subject', key: 'subject', width: 32 },
      { header: '级别 / Severity', key: 'severity', width: 18 },
      { header: '内容 / Message', key: 'message', width: 48 },
      { header: '认领人 / Acknowledged by', key: 'by' },
      { header: '认领 (分钟) / Minutes to acknowledge', key: 'ack', width: 20 },
      { header: '解决 (分钟) / Minutes to resolve', key: 'resolve', width: 20 },
    ],
    alerts.map((a) => ({
      raised: local(a.alert.raisedAt),
      rule: RULE_ZH[a.alert.rule] ? `${RULE_ZH[a.alert.rule]} / ${a.alert.rule}` : a.alert.rule,
      subject: a.alert.subject,
      severity: SEVERITY_ZH[a.alert.severity] ? `${SEVERITY_ZH[a.alert.severity]} / ${a.alert.severity}` : a.alert.severity,
      message: a.alert.message,
      by: a.alert.acknowledgedBy ?? '',
      ack: seconds(a.secondsToAcknowledge),
      resolve: seconds(a.secondsToResolve),
    })),
  );

  const lessonsSheet = sheet(book, '经验教训 Lessons', [{ header: '经验教训 / Lessons learned', key: 'text', width: 100 }], [
    { text: lessons?.lessons ?? '' },
    { text: lessons ? `${lessons.updatedBy} · ${local(lessons.updatedAt)}` : '' },
  ]);
  lessonsSheet.getCell('A2').alignment = { wrapText: true, vertical: 'top' };

  return Buffer.from(await book.xlsx.writeBuffer());
}
