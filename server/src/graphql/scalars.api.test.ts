import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertShop } from '../../test/fixtures.js';
import { startTestServer, type TestServer } from '../../test/http.js';

const METRICS = `query ($from: DateTime!, $to: DateTime!) { metrics(scope: {}, from: $from, to: $to) { orders } }`;
const INGEST = `mutation ($input: IngestEventsInput!) { ingestEvents(input: $input) { accepted } }`;

/** A value the schema's scalars refuse is the caller's mistake, said in both languages, whichever scalar it is. */
describeEachBackend('a scalar value the server cannot take', (backend) => {
  let server: TestServer;
  let shop: string;

  beforeEach(async () => {
    shop = gid('Shop', (await insertShop(backend().db, '天猫店')).id);
    server = await startTestServer(backend());
  });
  afterEach(() => server.stop());

  const badInput = (message: RegExp, messageZh: RegExp) => expect.objectContaining({ message: expect.stringMatching(message), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', messageZh: expect.stringMatching(messageZh) }) });

  it('a day where a DateTime is asked for is bad input, in Chinese too, as the Date scalar refuses a bad day', async () => {
    const result = await server.gql(METRICS, { from: '2026-12-06', to: '2026-12-07T00:00:00+08:00' });
    expect(result.errors).toEqual([badInput(/^Variable "\$from" got invalid value "2026-12-06"; DateTime must be an ISO 8601 date and time with an offset/, /^DateTime 必须是带时区偏移的 ISO 8601 日期时间.*收到 "2026-12-06"/)]);
    expect(result.data).toBeUndefined();
  });

  it("an event's occurredAt that is no date refuses the batch as bad input, naming where it is", async () => {
    const event = { id: 'e1', type: 'VISIT', occurredAt: 'not-a-date', shopId: shop, source: 'SEARCH', visitorId: 'v1' };
    const result = await server.gql(INGEST, { input: { events: [event] } });
    expect(result.errors).toEqual([badInput(/at "input\.events\[0\]\.occurredAt"; DateTime must be an ISO 8601 date and time/, /^DateTime 必须是带时区偏移的 ISO 8601 日期时间.*收到 "not-a-date"/)]);
  });

  it('an inline DateTime literal on a day the calendar does not have (30 February) is bad input, as an inline Date is', async () => {
    const dateTime = await server.gql(`{ metrics(scope: {}, from: "2026-02-30T00:00:00Z", to: "2026-03-01T00:00:00Z") { orders } }`);
    expect(dateTime.errors).toEqual([badInput(/^DateTime must be an ISO 8601 date and time.*got "2026-02-30T00:00:00Z"/, /收到 "2026-02-30T00:00:00Z"/)]);
    const date = await server.gql(`{ dailyReport(shopId: "${shop}", date: "2026-02-30") { __typename } }`);
    expect(date.errors).toEqual([badInput(/^Date must be a calendar day/, /^Date 必须是/)]);
  });

  it('an inline DateTime that is not a string is bad input', async () => {
    const result = await server.gql(`{ metrics(scope: {}, from: 20261206, to: "2026-12-07T00:00:00Z") { orders } }`);
    expect(result.errors).toEqual([badInput(/^DateTime must be an ISO 8601 date and time/, /^DateTime 必须是带时区偏移的 ISO 8601 日期时间/)]);
  });

  it('a quantity of 3,000,000,000 is bad input beyond what an Int holds, as a variable and as a literal', async () => {
    const event = { id: 'e1', type: 'ORDER_PLACED', occurredAt: '2026-11-11T10:00:00+08:00', shopId: shop, source: 'SEARCH', orderId: 'O1', items: [{ skuId: gid('Sku', '00000000-0000-4000-8000-000000000000'), quantity: 3_000_000_000, unitPrice: '1.00' }] };
    const variable = await server.gql(INGEST, { input: { events: [event] } });
    expect(variable.errors).toEqual([badInput(/at "input\.events\[0\]\.items\[0\]\.quantity"; Int cannot represent non 32-bit signed integer value: 3000000000$/, /^Int 必须是 -2147483648 到 2147483647 之间的整数；收到 3000000000$/)]);
    const literal = await server.gql(`mutation { ingestEvents(input: { events: [{ id: "e1", type: ORDER_PLACED, occurredAt: "2026-11-11T10:00:00+08:00", shopId: "${shop}", source: SEARCH, orderId: "O1", items: [{ skuId: "${event.items[0]!.skuId}", quantity: 3000000000, unitPrice: "1.00" }] }] }) { accepted } }`);
    expect(literal.errors).toEqual([badInput(/^Int cannot represent non 32-bit signed integer value: 3000000000$/, /^Int 必须是 -2147483648 到 2147483647 之间的整数；收到 3000000000$/)]);
  });

  it('a string where an Int is asked for is bad input, as a variable and as a literal', async () => {
    const variable = await server.gql(`query ($n: Int) { campaigns(first: $n) { totalCount } }`, { n: 'ten' });
    expect(variable.errors).toEqual([badInput(/^Variable "\$n" got invalid value "ten"; Int cannot represent non-integer value: "ten"$/, /^Int 必须是整数；收到 "ten"$/)]);
    const literal = await server.gql(`{ campaigns(first: "ten") { totalCount } }`);
    expect(literal.errors).toEqual([badInput(/^Int cannot represent non-integer value: "ten"$/, /^Int 必须是整数；收到 "ten"$/)]);
  });
});
