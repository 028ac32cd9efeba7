import { beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { insertShop, partnerViewer } from '../../../test/fixtures.js';
import { shopsOf, SYSTEM } from '../../auth/viewer.js';
import type { TrafficSource } from '../../db/enums.js';
import { fenToYuan } from '../../lib/money.js';
import { conversionRate, refundRate, roi } from '../metrics/metrics.formulas.js';
import { insertRollups } from '../metrics/metrics.test-fixtures.js';
import { dailyReportsCsv } from './report.csv.js';
import { dailyReport, submitRectification, writeDailyReportNote } from './report.service.js';

/** RFC 4180 read back independently of the writer: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let value = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (value += '"'), i++;
      else if (c === '"') quoted = false;
      else value += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(value), (value = '');
    else if (c === '\r' && text[i + 1] === '\n') {
      record.push(value), records.push(record), (record = []), (value = ''), i++;
    } else value += c;
  }
  expect(value, 'the file ends with CRLF').toBe('');
  return records;
}

const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
/** A note with a comma, a double quote and a line break. */
const NOTE = '转化率下降, 主图 "新版" 点击低\n次日恢复';

describeEachBackend('daily reports as CSV', (backend) => {
  let shopA: string;
  let shopB: string;
  beforeEach(async () => {
    shopA = (await insertShop(backend().db, '甲店, 旗舰')).id;
    shopB = (await insertShop(backend().db, '乙店')).id;
    const day = (shopId: string, at: string, source: TrafficSource, visitors: number, buyers: number, extra = {}) =>
      insertRollups(backend().db, [
        { at: new Date(at), shopId, source, visitors: ids(`${source}${at}v`, visitors), buyers: ids(`${source}${at}b`, buyers), counters: { visits: visitors, pageViews: visitors * 3, ordersPaid: buyers, ...extra } },
      ]);
    await day(shopA, '2026-11-18T23:59:00+08:00', 'SEARCH', 300, 30, { gmvFen: 300_000 });
    await day(shopA, '2026-11-19T00:00:00+08:00', 'SEARCH', 300, 12, { gmvFen: 120_001 });
    await day(shopA, '2026-11-19T12:00:00+08:00', 'PAID', 150, 40, { refundedOrders: 4, gmvFen: 20_000, spendFen: 30_050 });
    await day(shopA, '2026-11-19T12:00:00+08:00', 'OTHER', 20, 1, { gmvFen: 990 });
    await day(shopB, '2026-11-19T12:00:00+08:00', 'SEARCH', 10, 1, { gmvFen: 9_900 });
  });

  const ownerOf = (name: string) => ({ ...SYSTEM, displayName: name });

  it('one line per shop, day and source that equals dailyReport, with notes, owner and rectification status', async () => {
    const { db } = backend();
    const opened = new Date('2026-11-20T10:00:00+08:00');
    await writeDailyReportNote(db, ownerOf('小李'), { shopId: shopA, date: '2026-11-19', source: 'SEARCH', anomalyNote: NOTE, correctiveAction: '恢复原主图', owner: '小李' }, opened);
    await writeDailyReportNote(db, ownerOf('小王'), { shopId: shopA, date: '2026-11-19', source: 'PAID', correctiveAction: '=HYPERLINK("http://x.example","点我")', owner: '@小王' }, opened);
    const paidRect = (await dailyReport(db, SYSTEM, shopA, '2026-11-19', opened)).rows.find((r) => r.source === 'PAID')!.rectification!;
    await submitRectification(db, ownerOf('小王'), { id: paidRect.id, content: '已暂停' }, new Date('2026-11-21T09:30:00+08:00'));

    const now = new Date('2026-11-22T12:00:00+08:00');
    const csv = await dailyReportsCsv(db, SYSTEM, { shopId: shopA, from: '2026-11-18', to: '2026-11-19' }, now);
    expect([...Buffer.from(csv, 'utf8').subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const [header, ...records] = parseCsv(csv.slice(1));
    expect(header).toEqual([
      'Shop', 'Shop ID', 'Date', 'Source', 'Visitors', 'Page views', 'Conversion rate', 'GMV (CNY)', 'Orders', 'Buyers', 'Refund rate', 'Spend (CNY)', 'ROI',
      'Anomalies', 'Anomaly note', 'Corrective action', 'Owner', 'Rectification status', 'Rectification due (Asia/Shanghai)',
      'Rectification submitted by', 'Rectification submitted at (Asia/Shanghai)', 'Rectification submitted late', 'Rectification content',
    ]);
    const byName = records.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i]])));

    const expected = [];
    for (const date of ['2026-11-18', '2026-11-19']) {
      for (const row of (await dailyReport(db, SYSTEM, shopA, date, now)).rows) expected.push(row);
    }
    expect(byName.map((r) => `${r.Date} ${r.Source}`)).toEqual(expected.map((r) => `${r.date} ${r.source}`));
    expect(byName.map((r) => r.Date + ' ' + r.Source)).toEqual(['2026-11-18 SEARCH', '2026-11-19 SEARCH', '2026-11-19 PAID', '2026-11-19 OTHER']);
    expected.forEach((row, i) => {
      const line = byName[i]!;
      const f = row.figures;
      expect(line.Shop).toBe('甲店, 旗舰');
      expect([line.Visitors, line['Page views'], line.Orders, line.Buyers].map(Number)).toEqual([f.visitors, f.pageViews, f.ordersPaid, f.buyers]);
      expect([line['GMV (CNY)'], line['Spend (CNY)']]).toEqual([fenToYuan(f.gmvFen), fenToYuan(f.spendFen)]);
      expect(Number(line['Conversion rate'])).toBeCloseTo(conversionRate(f), 4);
      expect(Number(line['Refund rate'])).toBeCloseTo(refundRate(f), 4);
      expect(line.ROI).toBe(roi(f) === null ? '' : roi(f)!.toFixed(4));
      expect(line.Anomalies).toBe(row.anomalies.map((a) => a.rule).join('; '));
    });
    const [, search, paid, other] = byName;
    expect(search).toMatchObject({ 'GMV (CNY)': '1200.01', Anomalies: 'CONVERSION_DROP', 'Anomaly note': NOTE, 'Corrective action': '恢复原主图', Owner: '小李' });
    // Opened at 10:00 on the 20th, due 48 hours later and not submitted: overdue at noon on the 22nd.
    expect(search).toMatchObject({ 'Rectification status': 'OVERDUE', 'Rectification due (Asia/Shanghai)': '2026-11-22 10:00:00', 'Rectification submitted by': '', 'Rectification submitted late': '' });
    expect(paid).toMatchObject({
      'Spend (CNY)': '300.50',
      ROI: '0.6656',
      'Refund rate': '0.1000',
      Anomalies: 'REFUND_RATE_SPIKE; ROI_BELOW_ONE',
      // Typed text that a spreadsheet would run as a formula stays text.
      'Corrective action': `'=HYPERLINK("http://x.example","点我")`,
      Owner: `'@小王`,
      'Rectification status': 'SUBMITTED',
      'Rectification submitted by': '小王',
      'Rectification submitted at (Asia/Shanghai)': '2026-11-21 09:30:00',
      'Rectification submitted late': 'no',
      'Rectification content': '已暂停',
    });
    expect(other).toMatchObject({ 'GMV (CNY)': '9.90', Anomalies: '', 'Rectification status': '', Owner: '' });
    // The raw file quotes exactly the fields that need it.
    expect(csv).toContain(`"${NOTE.replaceAll('"', '""')}"`);
    expect(csv).toContain('"甲店, 旗舰"');
  });

  it('covers only the caller\'s shops', async () => {
    const { db } = backend();
    const now = new Date('2026-11-20T10:00:00+08:00');
    const range = { from: '2026-11-19', to: '2026-11-19' };
    const everyone = parseCsv((await dailyReportsCsv(db, SYSTEM, range, now)).slice(1)).slice(1);
    expect(everyone.map((r) => `${r[0]} ${r[3]}`)).toEqual(['甲店, 旗舰 SEARCH', '甲店, 旗舰 PAID', '甲店, 旗舰 OTHER', '乙店 SEARCH']);

    const partner = partnerViewer([shopB]);
    const own = parseCsv((await dailyReportsCsv(db, partner, range, now)).slice(1)).slice(1);
    expect(own.map((r) => `${r[0]} ${r[3]} ${r[7]}`)).toEqual(['乙店 SEARCH 99.00']);
    await expect(dailyReportsCsv(db, partner, { shopId: shopA, ...range }, now)).rejects.toMatchObject({ code: 'FORBIDDEN', field: ['shopId'] });
    const nobody = { ...partner, shops: shopsOf([]) };
    expect(parseCsv((await dailyReportsCsv(db, nobody, range, now)).slice(1))).toHaveLength(1); // the header alone
  });

  it('holds at most 366 days and says so', async () => {
    const { db } = backend();
    const now = new Date('2026-11-20T10:00:00+08:00');
    const year = await dailyReportsCsv(db, SYSTEM, { shopId: shopB, from: '2025-11-19', to: '2026-11-19' }, now); // 366 days
    expect(parseCsv(year.slice(1))).toHaveLength(2);
    await expect(dailyReportsCsv(db, SYSTEM, { shopId: shopB, from: '2025-11-18', to: '2026-11-19' }, now)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('at most 366 days'),
    });
    await expect(dailyReportsCsv(db, SYSTEM, { from: '2026-11-19', to: '2026-11-18' }, now)).rejects.toMatchObject({ code: 'INVALID_INPUT', field: ['to'] });
    await expect(dailyReportsCsv(db, SYSTEM, { from: '2026-02-30', to: '2026-03-01' }, now)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: ['from'],
      message: 'from: must be a calendar day YYYY-MM-DD',
      messageZh: 'from：必须是日历日期 YYYY-MM-DD',
    });
    await expect(dailyReportsCsv(db, SYSTEM, { shopId: 'not-a-shop', from: '2026-11-19', to: '2026-11-19' }, now)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      messageZh: 'shopId：必须是店铺 id',
    });
  });

  it('reads at most 2,000 shop-days per file: every shop for a year is refused, one shop for it is not', async () => {
    const { db } = backend();
    const now = new Date('2026-11-20T10:00:00+08:00');
    for (const name of ['丙店', '丁店', '戊店', '己店']) await insertShop(db, name);
    const year = { from: '2025-11-19', to: '2026-11-19' };
    await expect(dailyReportsCsv(db, SYSTEM, year, now)).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      field: ['to'],
      message: '6 shops × 366 days asked; one export holds at most 2000 shop-days, so name a shop (shopId) or split the range',
      messageZh: '请求了 6 个店铺 × 366 天；一次导出最多 2000 店铺·天，请指定店铺（shopId）或拆分日期范围',
    });
    // A partner over two of them may have its year.
    expect(parseCsv((await dailyReportsCsv(db, partnerViewer([shopA, shopB]), year, now)).slice(1)).length).toBeGreaterThan(1);
  });
});
