/**
 * "Figures forced to their widest" for the fit check, done in the browser's network layer only: the
 * screen's GraphQL answers (HTTP queries and graphql-ws `next` frames) are rewritten on their way into
 * the page, so no production code path knows about it. Money becomes ¥99,999,999,999.99, counts
 * 999,999,999, rates 100 %, achievement and pace ~1,000 %, names, subjects and notes 40+ Chinese
 * characters followed by a long English tail; yesterday's figures shrink to almost nothing so every
 * "vs yesterday" change is as long as it gets.
 */
import type { Page } from 'playwright-core';

export const WIDEST_MONEY = '99999999999.99';
export const WIDEST_COUNT = 999_999_999;
/** 44 Chinese characters and an English tail: a long product, campaign or milestone name. */
export const LONG_TEXT =
  '双十一全球狂欢节旗舰店官方正品限时加购满减跨店叠加优惠券直播间专享赠品超值礼盒装套组 Limited Edition Mega Bundle with Extended Warranty and Gift Box';

const MONEY = new Set(['gmv', 'target', 'gmvTarget', 'plannedGmv', 'projectedGmv', 'remaining', 'cumulativeActualGmv', 'cumulativePlannedGmv', 'spend', 'averageOrderValue']);
const COUNTS = new Set(['orders', 'buyers', 'visitors', 'count', 'unitsSold', 'stock', 'shippedOrders', 'unshippedOverdue']);
const RATES = new Set(['conversionRate', 'refundRate', 'addToCartRate', 'rateFromPrevious']);
const TEXTS = new Set(['spec', 'subject', 'message', 'messageEn', 'owner', 'completionStandard', 'responsePlan', 'actualSituation', 'acknowledgedBy']);
const WIDEST_NUMBER: Record<string, number> = {
  achievementRate: 9.999,
  pace: 9.999,
  roi: 9_999.99,
  averagePaidToShippedSeconds: 999.9 * 86_400,
  value: 99_999_999.99,
  threshold: 99_999_999.99,
};

/**
 * A full top 10 to widen, also when the day has sold fewer products so far (the first minutes after
 * Shanghai midnight). Every field the wall's document selects must be here: the client's cache treats
 * a row missing one as no answer at all, and the whole live view stays at 连接中.
 */
const TOP_ROWS = 10;
const topProductRow = (i: number) => ({
  __typename: 'ProductMetrics',
  gmv: '0',
  unitsSold: 0,
  product: { __typename: 'Product', id: `widest-product-${i}`, name: '-', shop: { __typename: 'Shop', id: 'widest-shop', name: '-' } },
  sku: { __typename: 'Sku', id: `widest-sku-${i}`, code: `WIDEST-${i}`, spec: '-', stock: 0, lowStock: i % 3 === 0 },
});

/**
 * The same answer with every figure at its widest, and today's top list full (ten rows) even before the day has sold ten products. `yesterday` is for the "vs yesterday" baseline:
 * tiny figures there make today's changes read like +99,999,999,900.0 %.
 */
export function widestFigures(data: unknown, options: { yesterday?: boolean } = {}): unknown {
  if (Array.isArray(data)) return data.map((item) => widestFigures(item, options));
  if (data === null || typeof data !== 'object') return data;
  const record = data as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (key === 'topProducts' && Array.isArray(value) && value.length < TOP_ROWS) {
      const padding = Array.from({ length: TOP_ROWS - value.length }, (_, i) => topProductRow(value.length + i));
      out[key] = widestFigures([...value, ...padding], options);
    }
    else if (MONEY.has(key) && typeof value === 'string') out[key] = options.yesterday ? '0.01' : WIDEST_MONEY;
    else if (COUNTS.has(key) && typeof value === 'number') out[key] = options.yesterday ? 1 : WIDEST_COUNT;
    else if (RATES.has(key) && typeof value === 'number') out[key] = options.yesterday ? 0.0001 : 1;
    else if (key in WIDEST_NUMBER && typeof value === 'number') out[key] = WIDEST_NUMBER[key];
    // A name beside an id is a thing's name (product, campaign, milestone); a funnel step's name is a message key.
    else if ((TEXTS.has(key) || (key === 'name' && 'id' in record)) && typeof value === 'string' && value) out[key] = LONG_TEXT;
    else out[key] = widestFigures(value, options);
  }
  return out;
}

const isYesterday = (operation: string | undefined) => operation === 'WarRoomYesterday';
const operationOf = (request: { operationName?: string; query?: string } | undefined) =>
  request?.operationName ?? /(?:query|subscription|mutation)\s+(\w+)/.exec(request?.query ?? '')?.[1];

/** From now on, every GraphQL answer this page receives is rewritten by `widestFigures`. */
export async function serveWidestFigures(page: Page): Promise<void> {
  await page.route((url) => url.pathname === '/graphql', async (route) => {
    const request = route.request();
    // urql sends queries as GET while they fit in a URL, mutations and longer ones as POST.
    const params = new URL(request.url()).searchParams;
    const sent =
      request.method() === 'GET'
        ? { operationName: params.get('operationName') ?? undefined, query: params.get('query') ?? undefined }
        : (request.postDataJSON() as { operationName?: string; query?: string } | null);
    try {
      const response = await route.fetch();
      const body = (await response.json()) as { data?: unknown };
      const operation = operationOf(sent ?? undefined);
      await route.fulfill({ response, json: { ...body, data: widestFigures(body.data, { yesterday: isYesterday(operation) }) } });
    } catch (error) {
      // The page closed while its answer was on the way (the check had finished): nobody is waiting for it.
      if (page.isClosed()) return;
      throw error;
    }
  });
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    const server = ws.connectToServer();
    const operations = new Map<string, string | undefined>(); // subscription id → operation name
    ws.onMessage((message) => {
      if (typeof message === 'string' && message.includes('"subscribe"')) {
        const parsed = JSON.parse(message) as { id?: string; type?: string; payload?: { operationName?: string; query?: string } };
        if (parsed.type === 'subscribe' && parsed.id) operations.set(parsed.id, operationOf(parsed.payload));
      }
      server.send(message);
    });
    server.onMessage((message) => {
      if (typeof message !== 'string' || !message.includes('"next"')) return ws.send(message);
      const parsed = JSON.parse(message) as { id?: string; type?: string; payload?: { data?: unknown } };
      if (parsed.type !== 'next' || !parsed.payload) return ws.send(message);
      const yesterday = isYesterday(parsed.id ? operations.get(parsed.id) : undefined);
      ws.send(JSON.stringify({ ...parsed, payload: { ...parsed.payload, data: widestFigures(parsed.payload.data, { yesterday }) } }));
    });
  });
}
