import { count, sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../test/backends.js';
import { gid, insertCampaign, insertShop, insertSku } from '../../test/fixtures.js';
import { bearer, startTestServer, type GraphQLResponse, type TestServer } from '../../test/http.js';
import { auditLog } from '../modules/audit/audit.table.js';
import { schema } from '../schema.js';

/**
 * Every mutation against every kind of principal (docs/SECURITY.md has the same matrix). A denied call
 * is refused with FORBIDDEN (or 401 without a credential) before its resolver runs; an allowed one may
 * still fail on its made-up input, but never for lack of rights.
 */
type Need = 'OPEN' | 'AUTHENTICATED' | 'READ' | 'INGEST' | 'MANAGE' | 'ADMIN';

const NOBODY = '00000000-0000-4000-8000-000000000000';
const PASSWORD = 'a-long-enough-password';

/** One permission, or several of which any one suffices; `alsoNeed`, when given, is required as well. */
function mutations(shopA: string): Record<string, { need: Need | Need[]; alsoNeed?: Need; input?: Record<string, unknown> }> {
  const shop = gid('Shop', shopA);
  return {
    signIn: { need: 'OPEN', input: { email: 'nobody@example.cn', password: 'wrong-password' } },
    refreshSession: { need: 'OPEN', input: { refreshToken: 'rt_nothing' } },
    signOut: { need: 'AUTHENTICATED' },
    ingestEvents: { need: 'INGEST', input: { events: [] } },
    recordMarketingSpend: { need: ['INGEST', 'MANAGE'], input: { entries: [] } },
    voidMarketingSpend: { need: ['INGEST', 'MANAGE'], input: { entries: [], reason: 'typed an extra zero' } },
    createUser: { need: 'ADMIN', input: { email: `u${Math.random().toString(36).slice(2)}@example.cn`, name: 'x', role: 'VIEWER', password: PASSWORD } },
    updateUser: { need: 'ADMIN', input: { id: gid('User', NOBODY) } },
    disableUser: { need: 'ADMIN', input: { id: gid('User', NOBODY) } },
    createApiKey: { need: 'MANAGE', input: { name: 'k', scopes: ['READ'], shopIds: [shop] } },
    revokeApiKey: { need: 'MANAGE', input: { id: gid('ApiKey', NOBODY) } },
    acknowledgeAlert: { need: 'MANAGE', input: { id: gid('Alert', NOBODY) } },
    updateAlertRule: { need: 'MANAGE', input: { rule: 'LOW_STOCK', shopId: shop, threshold: 20 } },
    createShop: { need: 'MANAGE', input: { name: '新店', platform: 'JD' } },
    updateShop: { need: 'MANAGE', input: { id: gid('Shop', NOBODY) } },
    createProduct: { need: 'MANAGE', input: { shopId: shop, name: 'p', category: 'c', role: 'TRAFFIC', skus: [] } },
    updateProduct: { need: 'MANAGE', input: { id: gid('Product', NOBODY) } },
    updateSku: { need: 'MANAGE', input: { id: gid('Sku', NOBODY) } },
    createCampaign: {
      need: 'MANAGE',
      input: { name: '双12', shopIds: [shop], startsAt: '2026-12-12T00:00:00+08:00', endsAt: '2026-12-13T00:00:00+08:00', gmvTarget: '1000.00' },
    },
    updateCampaign: { need: 'MANAGE', input: { id: gid('Campaign', NOBODY) } },
    deleteCampaign: { need: 'MANAGE', input: { id: gid('Campaign', NOBODY) } },
    createMilestone: { need: 'MANAGE', input: { campaignId: gid('Campaign', NOBODY), name: 'm', owner: 'o', dueAt: '2026-12-01T00:00:00Z', completionStandard: 's' } },
    updateMilestone: { need: 'MANAGE', input: { id: gid('Milestone', NOBODY) } },
    createPlan: { need: 'MANAGE', input: { name: 'p', goal: 'g', owner: 'o', periodStart: '2026-10-01', periodEnd: '2026-12-31', shopIds: [shop] } },
    updatePlan: { need: 'MANAGE', input: { id: gid('Plan', NOBODY) } },
    createPlanTask: { need: 'MANAGE', input: { planId: gid('Plan', NOBODY), title: 't', owner: 'o', startsOn: '2026-11-01', endsOn: '2026-11-02' } },
    updatePlanTask: { need: 'MANAGE', input: { id: gid('PlanTask', NOBODY) } },
    writeDailyReportNote: { need: 'MANAGE', input: { shopId: shop, date: '2026-11-19', source: 'SEARCH', owner: 'o' } },
    submitRectification: { need: 'MANAGE', input: { id: gid('RectificationReport', NOBODY), content: 'c' } },
    // A webhook sends alerts with their figures: READ as well as MANAGE (updateWebhook can point it elsewhere).
    createWebhook: { need: 'MANAGE', alsoNeed: 'READ', input: { url: 'http://127.0.0.1:9/hook', events: ['ALERT_RAISED'], format: 'JSON', shopIds: [shop] } },
    updateWebhook: { need: 'MANAGE', alsoNeed: 'READ', input: { id: gid('Webhook', NOBODY), resume: true } },
    deleteWebhook: { need: 'MANAGE', input: { id: gid('Webhook', NOBODY) } },
    redeliverWebhookDelivery: { need: 'MANAGE', input: { id: gid('WebhookDelivery', NOBODY) } },
    testWebhook: { need: 'MANAGE', alsoNeed: 'READ', input: { id: gid('Webhook', NOBODY) } },
    redeemPoints: { need: 'MANAGE', input: { customerId: gid('Customer', NOBODY), points: 100, requestId: 'matrix' } },
    writeRetrospectiveLessons: { need: 'MANAGE', input: { campaignId: gid('Campaign', NOBODY), lessons: 'l' } },
  };
}

type Principal = { name: string; grants: Need[]; headers: () => Record<string, string> };

it('the matrix covers every mutation in the schema: a new mutation needs its row', () => {
  const table = Object.keys(mutations(NOBODY)).sort();
  expect(table).toEqual(Object.keys(schema.getMutationType()!.getFields()).sort());
});

describeEachBackend('authorization matrix: every mutation × every kind of principal', (backend) => {
  let server: TestServer;
  let shopA: string;
  const credentials = new Map<string, string>();

  // One set-up for the whole matrix (the backend harness empties tables before each test).
  beforeEach(async () => {
    shopA = (await insertShop(backend().db, '甲店')).id;
    server = await startTestServer(backend());
    credentials.clear();
    for (const role of ['ADMIN', 'OPERATOR', 'VIEWER'] as const) {
      const email = `${role.toLowerCase()}@example.cn`;
      await server.gql(`mutation ($i: CreateUserInput!) { createUser(input: $i) { userErrors { code } } }`, { i: { email, name: role, role, password: PASSWORD } });
      const signedIn = await server.gql(`mutation ($e: String!, $p: String!) { signIn(input: { email: $e, password: $p }) { accessToken } }`, { e: email, p: PASSWORD }, { authorization: '' });
      credentials.set(`user ${role}`, signedIn.data.signIn.accessToken);
    }
    for (const scope of ['READ', 'INGEST', 'MANAGE'] as const) {
      credentials.set(`key ${scope}`, await server.createKey({ name: `${scope} key`, shopIds: [shopA], scopes: [scope] }));
    }
  });
  afterEach(() => server.stop());

  const principals: Principal[] = [
    { name: 'no credential', grants: ['OPEN'], headers: () => ({ authorization: '' }) },
    { name: 'admin key', grants: ['OPEN', 'AUTHENTICATED', 'READ', 'INGEST', 'MANAGE', 'ADMIN'], headers: () => bearer(server.adminKey) },
    { name: 'user ADMIN', grants: ['OPEN', 'AUTHENTICATED', 'READ', 'INGEST', 'MANAGE', 'ADMIN'], headers: () => bearer(credentials.get('user ADMIN')!) },
    { name: 'user OPERATOR', grants: ['OPEN', 'AUTHENTICATED', 'READ', 'MANAGE'], headers: () => bearer(credentials.get('user OPERATOR')!) },
    { name: 'user VIEWER', grants: ['OPEN', 'AUTHENTICATED', 'READ'], headers: () => bearer(credentials.get('user VIEWER')!) },
    { name: 'key READ', grants: ['OPEN', 'AUTHENTICATED', 'READ'], headers: () => bearer(credentials.get('key READ')!) },
    { name: 'key INGEST', grants: ['OPEN', 'AUTHENTICATED', 'INGEST'], headers: () => bearer(credentials.get('key INGEST')!) },
    { name: 'key MANAGE', grants: ['OPEN', 'AUTHENTICATED', 'MANAGE'], headers: () => bearer(credentials.get('key MANAGE')!) },
  ];

  it('allows each principal exactly what its role or scopes grant, refuses the rest before any work, and audits it all', async () => {
    const outcomes: Record<string, Record<string, string>> = {};
    const expected: Record<string, Record<string, string>> = {};
    for (const principal of principals) {
      outcomes[principal.name] = {};
      expected[principal.name] = {};
      for (const [name, { need, alsoNeed, input }] of Object.entries(mutations(shopA))) {
        // signOut is skipped for staff: it would end the session the later cases use.
        if (name === 'signOut' && principal.name.startsWith('user')) continue;
        const field = schema.getMutationType()!.getFields()[name]!;
        const inputType = field.args[0]?.type.toString();
        const document = inputType
          ? `mutation ($input: ${inputType}) { ${name}(input: $input) { __typename } }`
          : `mutation { ${name} { __typename } }`;
        const response = await server.post(document, input ? { input } : {}, principal.headers());
        const code = response.body.errors?.[0]?.extensions?.code as string | undefined;
        outcomes[principal.name]![name] = code === 'UNAUTHENTICATED' ? `401:${response.status}` : code === 'FORBIDDEN' ? 'FORBIDDEN' : 'allowed';
        const granted = [need].flat().some((n) => principal.grants.includes(n)) && (!alsoNeed || principal.grants.includes(alsoNeed));
        expected[principal.name]![name] = granted ? 'allowed' : principal.name === 'no credential' ? '401:401' : 'FORBIDDEN';
        if (code === 'FORBIDDEN') expect(response.body.data ?? null).toBeNull();
      }
    }
    expect(outcomes).toEqual(expected);

    const rows: { operation: string; outcome: string; principalKind: string; keyPrefix: string | null; input: string }[] = [];
    let after: string | null = null;
    for (;;) {
      type Page = { auditLog: { edges: { node: (typeof rows)[number] }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
      const response: GraphQLResponse<Page> = await server.gql<Page>(
        `query ($after: String) { auditLog(first: 100, after: $after) { edges { node { operation outcome principalKind keyPrefix input } } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
      const page = response.data;
      rows.push(...page!.auditLog.edges.map((e) => e.node));
      if (!page!.auditLog.pageInfo.hasNextPage) break;
      after = page!.auditLog.pageInfo.endCursor;
    }
    const operations = new Set(rows.map((r) => r.operation));
    for (const name of Object.keys(mutations(NOBODY))) expect(operations, name).toContain(name);
    expect(rows.some((r) => r.operation === 'createUser' && r.outcome === 'DENIED' && r.principalKind === 'API_KEY' && r.keyPrefix?.startsWith('pk_'))).toBe(true);
    expect(rows.some((r) => r.operation === 'signIn' && r.outcome === 'OK' && r.principalKind === 'ANONYMOUS')).toBe(true);
    expect(rows.some((r) => r.operation === 'signIn' && r.outcome === 'REJECTED')).toBe(true);
    expect(rows.filter((r) => r.input.includes(PASSWORD))).toEqual([]);
  }, 60_000);

  it('gates the access queries the same way: users and the audit trail for ADMIN, keys for MANAGE, reads for READ', async () => {
    const queries: Record<string, { need: Need; query: string }> = {
      viewer: { need: 'AUTHENTICATED', query: '{ viewer { kind } }' },
      orders: { need: 'READ', query: '{ orders { totalCount } }' },
      apiKeys: { need: 'MANAGE', query: '{ apiKeys { prefix } }' },
      webhooks: { need: 'MANAGE', query: '{ webhooks { url receiving } }' },
      users: { need: 'ADMIN', query: '{ users { email } }' },
      auditLog: { need: 'ADMIN', query: '{ auditLog { totalCount } }' },
    };
    const outcomes: Record<string, Record<string, string>> = {};
    const expected: Record<string, Record<string, string>> = {};
    for (const principal of principals) {
      outcomes[principal.name] = {};
      expected[principal.name] = {};
      for (const [name, { need, query }] of Object.entries(queries)) {
        const response = await server.post(query, {}, principal.headers());
        const code = response.body.errors?.[0]?.extensions?.code as string | undefined;
        outcomes[principal.name]![name] = code === 'UNAUTHENTICATED' ? '401' : code === 'FORBIDDEN' ? 'FORBIDDEN' : code ?? 'allowed';
        expected[principal.name]![name] = principal.grants.includes(need) ? 'allowed' : principal.name === 'no credential' ? '401' : 'FORBIDDEN';
      }
    }
    expect(outcomes).toEqual(expected);
  }, 60_000);

  it('answers a mutation with the object it changed, and its figures only to a principal that may READ', async () => {
    const campaignId = gid('Campaign', (await insertCampaign(backend().db, [shopA])).id);
    const productId = gid('Product', (await insertSku(backend().db, shopA, 'MATRIX-1')).product.id);
    // Each mutation twice in one request: once asking only for what it changed, once for its figures too.
    // A refused figure is non-null, so its object goes null (GraphQL's null bubbling): the figures never show.
    const cases = [
      {
        mutation: 'updateCampaign',
        input: { id: campaignId, name: '双11 返场' },
        field: 'campaign',
        changed: '{ name status }',
        expected: { name: '双11 返场', status: expect.any(String) },
        figures: '{ name metrics { gmv orders } progress { gmv achievementRate } retrospective { gmv } }',
        expectedFigures: { metrics: { gmv: '0.00', orders: 0 }, progress: { gmv: '0.00', achievementRate: 0 }, retrospective: { gmv: '0.00' } },
      },
      {
        mutation: 'updateProduct',
        input: { id: productId, name: '新品 A' },
        field: 'product',
        changed: '{ name status }',
        expected: { name: '新品 A', status: 'ON_SALE' },
        figures: '{ name launch { visitors buyers conversionRate verdict } }',
        expectedFigures: { launch: { visitors: 0, buyers: 0, conversionRate: null, verdict: null } },
      },
      {
        mutation: 'writeDailyReportNote',
        input: { shopId: gid('Shop', shopA), date: '2026-11-11', source: 'SEARCH', anomalyNote: '大促首日', owner: '王' },
        field: 'row',
        changed: '{ anomalyNote owner }',
        expected: { anomalyNote: '大促首日', owner: '王' },
        figures: '{ anomalyNote figures { gmv orders } previousDay { visitors } change { gmv } }',
        expectedFigures: { figures: { gmv: '0.00', orders: 0 }, previousDay: { visitors: 0 }, change: { gmv: null } },
      },
      {
        mutation: 'writeRetrospectiveLessons',
        input: { campaignId, lessons: '预热期流量不足' },
        field: 'retrospective',
        changed: '{ lessons overdue campaign { name } }',
        expected: { lessons: '预热期流量不足', overdue: false, campaign: { name: '双11 返场' } },
        figures: '{ lessons gmv orders hours { actualGmv } }',
        expectedFigures: { gmv: '0.00', orders: 0 },
      },
    ];
    for (const { mutation, input, field, changed, expected, figures, expectedFigures } of cases) {
      const inputType = schema.getMutationType()!.getFields()[mutation]!.args[0]!.type.toString();
      const document = `mutation ($input: ${inputType}) {
        changed: ${mutation}(input: $input) { ${field} ${changed} userErrors { code } }
        figures: ${mutation}(input: $input) { ${field} ${figures} userErrors { code } }
      }`;
      const key = await server.post(document, { input }, bearer(credentials.get('key MANAGE')!));
      const operator = await server.post(document, { input }, bearer(credentials.get('user OPERATOR')!));

      // MANAGE without READ: the changed object, and FORBIDDEN on the figures.
      expect(key.body.data, mutation).toEqual({ changed: { [field]: expected, userErrors: [] }, figures: { [field]: null, userErrors: [] } });
      expect(key.body.errors?.length, mutation).toBeGreaterThan(0);
      for (const error of key.body.errors ?? []) {
        expect(error.extensions?.code, `${mutation}: ${error.message}`).toBe('FORBIDDEN');
        expect(error.path?.slice(0, 2), mutation).toEqual(['figures', field]);
      }

      // READ and MANAGE: both.
      expect(operator.body.errors, mutation).toBeUndefined();
      expect(operator.body.data?.changed, mutation).toEqual({ [field]: expected, userErrors: [] });
      expect(operator.body.data?.figures[field], mutation).toMatchObject(expectedFigures);
    }

    // The trail records what happened: the changes were made, so a refused figure in the answer is no DENIED.
    type Trail = { auditLog: { edges: { node: { operation: string; outcome: string } }[] } };
    const trail = await server.gql<Trail>(`{ auditLog(first: 50) { edges { node { operation outcome } } } }`);
    const rows = trail.data!.auditLog.edges.map((e) => e.node).filter((row) => cases.some((c) => c.mutation === row.operation));
    expect(rows).toHaveLength(cases.length * 4);
    expect(rows.filter((row) => row.outcome !== 'OK')).toEqual([]);
  });

  it('keeps the audit trail append-only: the database refuses to change or delete a row', async () => {
    const { db } = backend();
    await server.gql(`mutation { createShop(input: { name: "乙店", platform: JD }) { userErrors { code } } }`);
    await expect(db.execute(sql`update audit_log set outcome = 'OK'`)).rejects.toThrow();
    await expect(db.execute(sql`delete from audit_log`)).rejects.toThrow();
    const [row] = await db.select({ n: count() }).from(auditLog);
    expect(row?.n).toBeGreaterThan(0);
  });
});
