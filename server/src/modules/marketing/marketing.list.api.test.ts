import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type GraphQLResponse, type TestServer } from '../../../test/http.js';

const NOW = new Date('2026-11-11T12:00:00+08:00');

const RECORD = `mutation ($entries: [MarketingSpendEntryInput!]!) {
  recordMarketingSpend(input: { entries: $entries }) { accepted duplicates userErrors { index code message } }
}`;
const VOID = `mutation ($entries: [MarketingSpendEntryKeyInput!]!, $reason: String!) {
  voidMarketingSpend(input: { entries: $entries, reason: $reason }) { voided alreadyVoided userErrors { index code message } }
}`;
const LIST = `query ($filter: MarketingSpendFilter, $first: Int, $after: String, $last: Int, $before: String) {
  marketingSpend(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { node { id entryId shop { name } spentAt channel source campaignId amount recordedAt voidedAt voidedBy voidReason } }
  }
}`;

interface Entry {
  id: string;
  entryId: string;
  shop: { name: string };
  spentAt: string;
  channel: string;
  source: string;
  campaignId: string | null;
  amount: string;
  recordedAt: string;
  voidedAt: string | null;
  voidedBy: string | null;
  voidReason: string | null;
}
interface Listing {
  marketingSpend: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string };
    edges: { node: Entry }[];
  };
}
type Page = { first?: number; after?: string; last?: number; before?: string };

/** The UUID inside a global id: what the list breaks spentAt ties by. */
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1]!;

describeEachBackend('marketingSpend: the recorded entries, to find the one to void', (backend) => {
  let server: TestServer;
  let tmallId: string;
  let jdId: string;
  let tmall: string;
  let jd: string;
  let campaign: string;

  const at = (hhmm: string, date = '2026-11-11') => `${date}T${hhmm}:00+08:00`;

  beforeEach(async () => {
    const { db } = backend();
    tmallId = (await insertShop(db, '天猫店', 'TMALL')).id;
    jdId = (await insertShop(db, '京东店', 'JD')).id;
    tmall = gid('Shop', tmallId);
    jd = gid('Shop', jdId);
    campaign = gid('Campaign', (await insertCampaign(db, [tmallId, jdId])).id);
    server = await startTestServer(backend(), { now: () => NOW, tickMs: 3_600_000 });
    const recorded = await server.gql(RECORD, {
      entries: [
        { id: 'tm-late', shopId: tmall, spentAt: at('23:00', '2026-11-10'), source: 'PAID', amount: '50.50' },
        { id: 'tm-early', shopId: tmall, spentAt: at('08:00'), source: 'PAID', amount: '0.01' },
        { id: 'tm-social', shopId: tmall, spentAt: at('09:00'), source: 'SOCIAL', campaignId: campaign, amount: '125' },
        { id: 'tm-big', shopId: tmall, spentAt: at('09:00'), source: 'PAID', amount: '100000000.00' },
        { id: 'tm-ten', shopId: tmall, spentAt: at('10:00'), source: 'PAID', campaignId: campaign, amount: '33.33' },
        { id: 'jd-paid', shopId: jd, spentAt: at('09:30'), source: 'PAID', campaignId: campaign, amount: '99.99' },
      ],
    });
    expect(recorded.data?.recordMarketingSpend).toEqual({ accepted: 6, duplicates: 0, userErrors: [] });
  });
  afterEach(() => server.stop());

  const list = async (filter: Record<string, unknown> | null = null, page: Page = {}, headers?: Record<string, string>) => {
    const result: GraphQLResponse<Listing> = await server.gql<Listing>(LIST, { filter, ...page }, headers);
    expect(result.errors).toBeUndefined();
    return result.data!.marketingSpend;
  };
  const entryIds = async (filter: Record<string, unknown> | null = null, headers?: Record<string, string>) =>
    (await list(filter, {}, headers)).edges.map((e) => e.node.entryId);
  const refusal = async (filter: Record<string, unknown> | null, headers?: Record<string, string>) => {
    const result = await server.gql(LIST, { filter }, headers);
    expect(result.data ?? null).toBeNull();
    return result.errors?.[0]?.extensions?.code;
  };

  it('lists every entry newest spentAt first, ties by id, with the exact yuan and what was recorded', async () => {
    const listing = await list();
    expect(listing.totalCount).toBe(6);
    const nodes = listing.edges.map((e) => e.node);
    expect(nodes.map((n) => n.entryId)).toEqual(['tm-ten', 'jd-paid', expect.any(String), expect.any(String), 'tm-early', 'tm-late']);
    // Two entries of 09:00: the tie is broken by the id, larger first, so that cursors inside it are stable.
    expect(nodes.slice(2, 4).map((n) => n.entryId).sort()).toEqual(['tm-big', 'tm-social']);
    const [larger, smaller] = nodes.slice(2, 4).map((n) => uuidOf(n.id));
    expect(larger! > smaller!).toBe(true);
    expect(Object.fromEntries(nodes.map((n) => [n.entryId, n.amount]))).toEqual({
      'tm-ten': '33.33',
      'jd-paid': '99.99',
      'tm-social': '125.00',
      'tm-big': '100000000.00',
      'tm-early': '0.01',
      'tm-late': '50.50',
    });
    expect(nodes[0]).toEqual({
      id: expect.any(String),
      entryId: 'tm-ten',
      shop: { name: '天猫店' },
      spentAt: '2026-11-11T02:00:00.000Z',
      channel: 'TMALL',
      source: 'PAID',
      campaignId: campaign,
      amount: '33.33',
      recordedAt: NOW.toISOString(), // the server's clock, not the database's
      voidedAt: null,
      voidedBy: null,
      voidReason: null,
    });
    expect(nodes[1]).toMatchObject({ entryId: 'jd-paid', shop: { name: '京东店' }, channel: 'JD', campaignId: campaign });
    expect(nodes.at(-1)).toMatchObject({ entryId: 'tm-late', spentAt: '2026-11-10T15:00:00.000Z', campaignId: null });

    // An entry is a Node: node(id:) gives it back.
    const node = await server.gql(`query ($id: ID!) { node(id: $id) { ... on MarketingSpendEntry { entryId amount } } }`, { id: nodes[0]!.id });
    expect(node.data?.node).toEqual({ entryId: 'tm-ten', amount: '33.33' });
  });

  it('filters by a [from, to) window of spentAt, by source, by campaign and by shop', async () => {
    const all = await entryIds();
    const only = (...ids: string[]) => all.filter((id) => ids.includes(id));

    // from is in, to is out: 09:00 counts, 10:00 does not.
    const window = await list({ from: at('09:00'), to: at('10:00') });
    expect(window.edges.map((e) => e.node.entryId)).toEqual(only('jd-paid', 'tm-social', 'tm-big'));
    expect(window.totalCount).toBe(3);
    expect(await entryIds({ to: at('00:00') })).toEqual(['tm-late']);
    expect(await entryIds({ from: at('09:30') })).toEqual(['tm-ten', 'jd-paid']);

    expect(await entryIds({ sources: ['SOCIAL'] })).toEqual(['tm-social']);
    expect(await entryIds({ sources: ['SOCIAL', 'PAID'] })).toEqual(all);
    expect(await entryIds({ sources: [] })).toEqual(all);
    expect(await entryIds({ campaignId: campaign })).toEqual(only('tm-ten', 'jd-paid', 'tm-social'));
    expect(await entryIds({ shopIds: [jd] })).toEqual(['jd-paid']);
    const combined = await list({ shopIds: [tmall], sources: ['PAID'], from: at('08:00') });
    expect(combined.edges.map((e) => e.node.entryId)).toEqual(only('tm-ten', 'tm-big', 'tm-early'));
    expect(combined.totalCount).toBe(3);
  });

  it('shows a voided entry with who voided it, when and why, and tells voided entries from live ones', async () => {
    const reason = 'typed ¥100,000,000 for ¥1,000';
    const voided = await server.gql(VOID, { entries: [{ shopId: tmall, id: 'tm-big' }], reason });
    expect(voided.data?.voidMarketingSpend).toEqual({ voided: 1, alreadyVoided: 0, userErrors: [] });
    const all = await entryIds();
    expect(all).toHaveLength(6);

    const onlyVoided = await list({ voided: true });
    expect(onlyVoided.totalCount).toBe(1);
    expect(onlyVoided.edges.map((e) => e.node)).toEqual([
      expect.objectContaining({ entryId: 'tm-big', amount: '100000000.00', voidedAt: NOW.toISOString(), voidedBy: 'Admin key', voidReason: reason }),
    ]);
    const live = await list({ voided: false });
    expect(live.totalCount).toBe(5);
    expect(live.edges.map((e) => e.node.entryId)).toEqual(all.filter((id) => id !== 'tm-big'));
    expect(live.edges.every((e) => e.node.voidedAt === null && e.node.voidedBy === null && e.node.voidReason === null)).toBe(true);
    expect(await entryIds({ voided: null })).toEqual(all);
    expect(await entryIds({ voided: true, sources: ['SOCIAL'] })).toEqual([]);
  });

  it('pages forward and backward through the list, across the tie, keeping the order and the total', async () => {
    const all = await entryIds();
    const forward: string[] = [];
    let after: string | undefined;
    for (let page = 1; page <= 6; page++) {
      const listing = await list(null, { first: 1, after });
      expect(listing.totalCount).toBe(6);
      expect(listing.pageInfo.hasNextPage).toBe(page < 6);
      forward.push(...listing.edges.map((e) => e.node.entryId));
      after = listing.pageInfo.endCursor;
    }
    expect(forward).toEqual(all);
    expect((await list(null, { first: 2, after })).edges).toEqual([]);

    const backward: string[] = [];
    let before: string | undefined;
    for (let page = 1; page <= 3; page++) {
      const listing = await list(null, { last: 2, before });
      expect(listing.totalCount).toBe(6);
      expect(listing.pageInfo.hasPreviousPage).toBe(page < 3);
      backward.unshift(...listing.edges.map((e) => e.node.entryId));
      before = listing.pageInfo.startCursor;
    }
    expect(backward).toEqual(all);

    // A filter holds across pages, and the total is the filter's.
    const first = await list({ shopIds: [tmall] }, { first: 3 });
    const second = await list({ shopIds: [tmall] }, { first: 3, after: first.pageInfo.endCursor });
    expect([first, second].map((p) => p.totalCount)).toEqual([5, 5]);
    expect([...first.edges, ...second.edges].map((e) => e.node.entryId)).toEqual(all.filter((id) => id !== 'jd-paid'));
    expect(second.pageInfo.hasNextPage).toBe(false);

    const forged = await server.gql(LIST, { first: 1, after: 'not-a-cursor' });
    expect(forged.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("shows a partner's READ key only its shop's entries and refuses it another shop by name", async () => {
    const partner = bearer(await server.createKey({ shopIds: [tmallId], scopes: ['READ'] }));
    const theirs = (await list({ shopIds: [jd] })).edges[0]!.node;

    const own = await list(null, {}, partner);
    expect(own.totalCount).toBe(5);
    expect(own.edges.map((e) => e.node.entryId).sort()).toEqual(['tm-big', 'tm-early', 'tm-late', 'tm-social', 'tm-ten']);
    // The campaign spans both shops; the partner sees its own shop's part only.
    expect(await entryIds({ campaignId: campaign }, partner)).toEqual(['tm-ten', 'tm-social']);
    expect(await entryIds({ shopIds: [tmall], sources: ['SOCIAL'] }, partner)).toEqual(['tm-social']);

    expect(await refusal({ shopIds: [jd] }, partner)).toBe('FORBIDDEN');
    expect(await refusal({ shopIds: [tmall, jd] }, partner)).toBe('FORBIDDEN');
    // Not even by id.
    const node = await server.gql(`query ($id: ID!) { node(id: $id) { ... on MarketingSpendEntry { entryId } } }`, { id: theirs.id }, partner);
    expect(node.errors).toBeUndefined();
    expect(node.data?.node).toBeNull();
  });

  it('refuses a key without READ the list: the INGEST key of an ad export, a MANAGE key', async () => {
    for (const scope of ['INGEST', 'MANAGE'] as const) {
      const key = bearer(await server.createKey({ shopIds: [tmallId], scopes: [scope] }));
      expect(await refusal(null, key), scope).toBe('FORBIDDEN');
    }
    const reader = bearer(await server.createKey({ shopIds: [tmallId], scopes: ['READ'] }));
    expect((await list(null, {}, reader)).totalCount).toBe(5);
  });

  it('refuses a window whose start is not before its end, and ids of the wrong kind, as bad input', async () => {
    expect(await refusal({ from: at('10:00'), to: at('10:00') })).toBe('BAD_USER_INPUT');
    expect(await refusal({ from: at('11:00'), to: at('10:00') })).toBe('BAD_USER_INPUT');
    expect(await refusal({ shopIds: [campaign] })).toBe('BAD_USER_INPUT');
    expect(await refusal({ campaignId: tmall })).toBe('BAD_USER_INPUT');
    expect(await refusal({ campaignId: 'garbage' })).toBe('BAD_USER_INPUT');
  });
});
