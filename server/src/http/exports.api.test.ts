import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertShop } from '../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../test/http.js';
import { insertRollups } from '../modules/metrics/metrics.test-fixtures.js';

describeEachBackend('GET /export/daily-reports.csv', (backend) => {
  let server: TestServer;
  let shop: string;
  let otherId: string;
  beforeEach(async () => {
    const a = await insertShop(backend().db, '甲店');
    otherId = (await insertShop(backend().db, '乙店')).id;
    shop = gid('Shop', a.id);
    await insertRollups(backend().db, [
      { at: new Date('2026-11-19T12:00:00+08:00'), shopId: a.id, source: 'SEARCH', visitors: ['v1', 'v2', 'v3', 'v4'], buyers: ['b1'], counters: { visits: 4, pageViews: 9, ordersPaid: 1, gmvFen: 12_345 } },
    ]);
    server = await startTestServer(backend(), { now: () => new Date('2026-11-21T10:00:00+08:00') });
  });
  afterEach(() => server.stop());

  const csv = (query: string, headers: Record<string, string> = bearer(server.adminKey)) => fetch(`${server.url}/export/daily-reports.csv?${query}`, { headers });

  it('downloads the range as CSV with a BOM, the header and a line per day and source, with the same credential as the API', async () => {
    const response = await csv(`shopId=${encodeURIComponent(shop)}&from=2026-11-19&to=2026-11-20`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="daily-reports-2026-11-19-2026-11-20.csv"');
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n');
    const header = lines[0]!.split(',');
    const search = lines.find((l) => l.includes('2026-11-19') && l.includes('SEARCH'))!.split(',');
    expect(search[header.indexOf('GMV (CNY)')]).toBe('123.45');
    expect(search[header.indexOf('Visitors')]).toBe('4');
  });

  it('refuses a bad range, a foreign shop, a missing credential and a key without READ, with JSON errors', async () => {
    const bad = await csv(`shopId=${encodeURIComponent(shop)}&from=2026-11-20&to=2026-11-19`);
    expect(bad.status).toBe(400);
    const badBody = await bad.json();
    expect(badBody.errors[0].extensions.code).toBe('INVALID_INPUT');
    // The refusal's Chinese travels as GraphQL's does, for the console's download button.
    expect(badBody.errors[0].extensions.messageZh).toBe('"from" 不能晚于 "to"');
    expect((await csv('from=2025-01-01&to=2026-11-19')).status).toBe(400); // more than 366 days
    expect((await csv(`shopId=nonsense&from=2026-11-19&to=2026-11-19`)).status).toBe(400);
    const partner = await server.createKey({ scopes: ['READ'], shopIds: [otherId] });
    const foreign = await csv(`shopId=${encodeURIComponent(shop)}&from=2026-11-19&to=2026-11-19`, bearer(partner));
    expect(foreign.status).toBe(403);
    const foreignBody = await foreign.json();
    expect(foreignBody.errors[0].extensions.code).toBe('FORBIDDEN');
    expect(foreignBody.errors[0].extensions.messageZh).toBe('店铺不在你的凭证可见的店铺范围内');
    expect((await csv('from=2026-11-19&to=2026-11-19', {})).status).toBe(401);
    const ingestOnly = await server.createKey({ scopes: ['INGEST'] });
    expect((await csv('from=2026-11-19&to=2026-11-19', bearer(ingestOnly))).status).toBe(403);
    // The partner's own export holds only their shop.
    const own = await csv('from=2026-11-19&to=2026-11-19', bearer(partner));
    expect(await own.text()).not.toContain('甲店');
  });
});
