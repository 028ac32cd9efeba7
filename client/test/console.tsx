import { render } from '@solidjs/testing-library';
import { maskFragments } from 'gql.tada';
import { HttpResponse } from 'msw';
import { App } from '../src/app/App';
import type { Permission } from '../src/features/access/viewer.documents';
import type { CustomersQuery, SegmentSummary } from '../src/features/customers/customers.documents';
import type { LaunchRow, ProductRow, SkuRow } from '../src/features/products/products.documents';
import { ConsoleShopsQuery, ReportRowFields, type DailyReportQuery, type ReportRow } from '../src/features/reports/reports.documents';
import type { ResultOf, VariablesOf } from '../src/graphql/graphql';
import { READ_ONLY } from './fixtures';
import { api, server } from './msw';
import { startApi, type StartApiOptions } from './render';
import { answerViewer } from './viewer';

export const SHOP = { id: 'U2hvcDox', name: '天猫旗舰店', platform: 'TMALL' as const };

/** The console as a browser opens it at `path`: the whole App (router, layout, sign-in gate); the viewer gets `permissions`. */
/** The console's shops as the server answers them by default: the one test shop. */
const oneShop = () => HttpResponse.json<{ data: ResultOf<typeof ConsoleShopsQuery> }>({ data: { shops: { edges: [{ node: SHOP }] } } });

export function openConsole(path: string, options: StartApiOptions & { permissions?: readonly Permission[]; shops?: () => Response } = {}) {
  history.replaceState(null, '', path);
  answerViewer(() => options.permissions ?? READ_ONLY);
  server.use(api.query('ConsoleShops', options.shops ?? oneShop));
  const testApi = startApi(options);
  render(() => <App clients={testApi.clients} connection={testApi.connection} credentials={testApi.credentials} staleAfterMs={8_000} />);
  return testApi;
}

const FIGURES: ReportRow['figures'] = { visitors: 0, pageViews: 0, conversionRate: 0, gmv: '0.00', orders: 0, buyers: 0, refundRate: 0, spend: '0.00', roi: null };
const NO_CHANGE: ReportRow['change'] = { visitors: null, pageViews: null, conversionRate: null, gmv: null, orders: null, refundRate: null, spend: null, roi: null };

/** A report row: a quiet day of one source unless `overrides` say more. */
export function reportRow(overrides: Partial<Omit<ReportRow, 'figures' | 'change'>> & { figures?: Partial<ReportRow['figures']>; change?: Partial<ReportRow['change']> } = {}): ReportRow {
  return {
    date: '2026-11-10',
    source: 'SEARCH',
    anomalies: [],
    anomalyNote: null,
    correctiveAction: null,
    owner: null,
    noteUpdatedAt: null,
    rectification: null,
    ...overrides,
    figures: { ...FIGURES, ...overrides.figures },
    change: { ...NO_CHANGE, ...overrides.change },
  };
}

export const maskRow = (row: ReportRow) => maskFragments([ReportRowFields], row);

/** Answers ConsoleDailyReport with `rows(date)` for every day asked; returns the days asked, in order. */
export function answerDailyReports(rows: (date: string) => ReportRow[]): string[] {
  const asked: string[] = [];
  server.use(
    api.query<ResultOf<typeof DailyReportQuery>, VariablesOf<typeof DailyReportQuery>>('ConsoleDailyReport', ({ variables }) => {
      asked.push(`${variables.shopId} ${variables.date}`);
      return HttpResponse.json({ data: { dailyReport: { date: variables.date, rows: rows(variables.date).map(maskRow) } } });
    }),
  );
  return asked;
}

export function segmentSummary(segment: SegmentSummary['segment'], customers: number, overrides: Partial<SegmentSummary> = {}): SegmentSummary {
  return { segment, customers, share: 0, spend: '0.00', netSpend: '0.00', paidOrders: 0, repurchaseRate: null, ...overrides };
}

type CustomerNode = ResultOf<typeof CustomersQuery>['customers']['edges'][number]['node'];

export function customer(overrides: Partial<CustomerNode> = {}): CustomerNode {
  return {
    id: 'Q3VzdG9tZXI6MQ==',
    externalId: 'c-0001',
    nickname: '小米粥',
    tier: 'NORMAL',
    points: 0,
    rfmSegment: 'GENERAL_VALUE',
    netSpend: '0.00',
    paidOrders: 1,
    lastOrderAt: '2026-11-10T04:00:00Z',
    shop: { name: SHOP.name },
    ...overrides,
  };
}

/** A SKU in stock and selling: 300 units, 10 a day over the window, so 30 days of stock. */
export function sku(overrides: Partial<SkuRow> = {}): SkuRow {
  return { id: 'U2t1OjE=', code: 'TS-001', spec: '黑色 M', stock: 300, lowStock: false, lowStockLine: 50, averageDailyUnitsSold: 10, inventoryDays: 30, ...overrides };
}

/** A product's 7-day trial (新品): long over by default, promoted at 5.0 % (20 buyers of 400 visitors). */
export function launch(overrides: Partial<LaunchRow> = {}): LaunchRow {
  return { endsAt: '2025-03-08T02:00:00Z', complete: true, visitors: 400, buyers: 20, conversionRate: 0.05, verdict: 'PROMOTE', ...overrides };
}

/** A product on sale that sells (not a slow mover), listed long ago, with one SKU unless `overrides` give others. */
export function product(overrides: Partial<ProductRow> = {}): ProductRow {
  return { id: 'UHJvZHVjdDox', name: '纯棉T恤', role: 'TRAFFIC', status: 'ON_SALE', sellThrough: 1, slowMoving: false, launch: launch(), skus: [sku()], ...overrides };
}

/** A URL.createObjectURL for jsdom (it has none): keeps each blob handed to the browser, so a test can read the file. */
export function captureDownloads() {
  const blobs: Blob[] = [];
  URL.createObjectURL = (blob: Blob) => {
    blobs.push(blob);
    return `blob:http://localhost/${blobs.length}`;
  };
  URL.revokeObjectURL = () => {};
  return blobs;
}
