import { createClient } from 'graphql-ws';
import { afterEach, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeEachBackend } from '../../../test/backends.js';
import { eq } from 'drizzle-orm';
import { gid, insertCampaign, insertShop, insertSku } from '../../../test/fixtures.js';
import { skus } from '../product/product.table.js';
import { webhookDeliveries, webhooks } from '../webhook/webhook.table.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { alertMessage, raiseAlert } from './alert.service.js';



describeEachBackend('alerts', (backend) => {
  let server: TestServer;
  let shopA: string;
  let shopB: string;
  beforeEach(async () => {
    shopA = (await insertShop(backend().db, '甲店')).id;
    shopB = (await insertShop(backend().db, '乙店', 'JD')).id;
    server = await startTestServer(backend(), { now: () => new Date('2026-11-11T12:00:00+08:00') });
  });
  afterEach(() => server.stop());
  const partnerOf = async (shopId: string) => bearer(await server.createKey({ name: `partner of ${shopId}`, shopIds: [shopId], scopes: ['READ', 'MANAGE'] }));

  const raise = (shopId: string, key: string, at: string) =>
    raiseAlert(backend().db, { rule: 'LOW_STOCK', severity: 'WARNING', shopId, campaignId: null, subject: `SKU ${key}`, message: '库存≤50', dedupeKey: key, raisedAt: new Date(at) });

  it('lists newest first, acknowledges once, and never re-raises the same alert', async () => {
    await raise(shopA, 'a1', '2026-11-11T01:00:00Z');
    await raise(shopA, 'a2', '2026-11-11T02:00:00Z');
    expect(await raise(shopA, 'a2', '2026-11-11T03:00:00Z')).toBeNull();
    const list = await server.gql('{ alerts { totalCount edges { node { id subject } } } }');
    expect(list.data.alerts.edges.map((e: { node: { subject: string } }) => e.node.subject)).toEqual(['SKU a2', 'SKU a1']);
    const id = list.data.alerts.edges[0].node.id;
    const ack = `mutation ($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { acknowledgedAt acknowledgedBy } userErrors { code } } }`;
    const first = await server.gql(ack, { id });
    expect(first.data.acknowledgeAlert).toEqual({ alert: { acknowledgedAt: '2026-11-11T04:00:00.000Z', acknowledgedBy: 'Admin key' }, userErrors: [] });
    const again = await server.gql(ack, { id }, await partnerOf(shopA));
    expect(again.data.acknowledgeAlert.alert.acknowledgedBy).toBe('Admin key');
    const open = await server.gql('{ alerts(filter: { acknowledged: false }) { edges { node { subject } } } }');
    expect(open.data.alerts.edges).toEqual([{ node: { subject: 'SKU a1' } }]);
  });

  it('acknowledges for a MANAGE key without READ, but does not show it what the rule measured', async () => {
    const alert = (await raise(shopA, 'k1', '2026-11-11T01:00:00Z'))!;
    const manageOnly = bearer(await server.createKey({ name: 'on-call bot', shopIds: [shopA], scopes: ['MANAGE'] }));
    const answer = await server.gql(
      `mutation ($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { status subject message value } userErrors { code } } }`,
      { id: gid('Alert', alert.id) },
      manageOnly,
    );
    // Acknowledged all the same; the message quotes the figures and is non-null, so the alert reads null.
    expect(answer.data.acknowledgeAlert).toEqual({ alert: null, userErrors: [] });
    expect((answer.errors ?? []).map((e) => [e.path?.join('.'), e.extensions?.code]).sort()).toEqual([
      ['acknowledgeAlert.alert.message', 'FORBIDDEN'],
      ['acknowledgeAlert.alert.value', 'FORBIDDEN'],
    ]);
    const status = await server.gql('query ($id: ID!) { node(id: $id) { ... on Alert { status } } }', { id: gid('Alert', alert.id) });
    expect(status.data.node).toEqual({ status: 'ACKNOWLEDGED' });
  });

  it('tells every instance of an acknowledgement once it is committed, and of a repeated or refused one nothing', async () => {
    const mine = (await raise(shopA, 'm1', '2026-11-11T01:00:00Z'))!;
    const theirs = (await raise(shopB, 't1', '2026-11-11T01:00:00Z'))!;
    const heard: string[] = [];
    const feed = server.app.pubsub.subscribe('alert:changed');
    const listening = (async () => {
      for await (const m of feed) heard.push(`${m.change}:${m.subject}:${m.acknowledgedBy ?? ''}`);
    })();
    await new Promise((resolve) => setTimeout(resolve, 50)); // the listener attaches as the iterator starts
    const ack = `mutation ($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { status } userErrors { code } } }`;
    const partner = await partnerOf(shopA);
    expect((await server.gql(ack, { id: gid('Alert', theirs.id) }, partner)).data.acknowledgeAlert.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    expect((await server.gql(ack, { id: gid('Alert', mine.id) }, partner)).data.acknowledgeAlert.alert).toEqual({ status: 'ACKNOWLEDGED' });
    expect((await server.gql(ack, { id: gid('Alert', mine.id) })).data.acknowledgeAlert.alert).toEqual({ status: 'ACKNOWLEDGED' });
    await expect.poll(() => heard).toEqual([`ACKNOWLEDGED:SKU m1:partner of ${shopA}`]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(heard).toHaveLength(1);
    await feed.return?.();
    await listening;
  });

  it('shows a partner only the alerts of its own shops, in the list and when acknowledging', async () => {
    const hidden = (await raise(shopB, 'b1', '2026-11-11T01:00:00Z'))!;
    const list = await server.gql('{ alerts { totalCount } }', {}, await partnerOf(shopA));
    expect(list.data.alerts.totalCount).toBe(0);
    const ack = await server.gql(`mutation ($id: ID!) { acknowledgeAlert(input: { id: $id }) { userErrors { code } } }`, { id: gid('Alert', hidden.id) }, await partnerOf(shopA));
    expect(ack.data.acknowledgeAlert.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
  });

  it("shows a campaign's own alerts (pace, milestones) to whoever sees every shop of the campaign, in the list, when acknowledging and live", async () => {
    const onlyA = await insertCampaign(backend().db, [shopA], '甲店双11');
    const both = await insertCampaign(backend().db, [shopA, shopB], '全店双11');
    const campaignAlert = (campaignId: string, key: string) =>
      raiseAlert(backend().db, { rule: 'GMV_BEHIND_PACE', severity: 'WARNING', shopId: null, campaignId, subject: key, message: '进度 80%', dedupeKey: key, raisedAt: new Date('2026-11-11T01:00:00Z') });
    const mine = (await campaignAlert(onlyA.id, 'pace-A'))!;
    const shared = (await campaignAlert(both.id, 'pace-AB'))!;
    const partnerA = await partnerOf(shopA);
    const partnerB = await partnerOf(shopB);
    const subjects = async (headers: Record<string, string>) =>
      ((await server.gql('{ alerts { edges { node { subject campaign { name } } } } }', {}, headers)).data.alerts.edges as { node: { subject: string } }[]).map((e) => e.node.subject);
    expect(await subjects(partnerA)).toEqual(['pace-A']); // not the campaign that also covers shop B
    expect(await subjects(partnerB)).toEqual([]);
    expect(await subjects(server.wsParams)).toEqual(expect.arrayContaining(['pace-A', 'pace-AB']));

    const ack = `mutation ($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { status } userErrors { code } } }`;
    expect((await server.gql(ack, { id: gid('Alert', mine.id) }, partnerA)).data.acknowledgeAlert).toEqual({ alert: { status: 'ACKNOWLEDGED' }, userErrors: [] });
    expect((await server.gql(ack, { id: gid('Alert', shared.id) }, partnerA)).data.acknowledgeAlert.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
    expect((await server.gql(ack, { id: gid('Alert', mine.id) }, partnerB)).data.acknowledgeAlert.userErrors).toEqual([{ code: 'NOT_FOUND' }]);

    const connect = (connectionParams: Record<string, unknown>) => createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams });
    const clients = { A: connect(partnerA), B: connect(partnerB) };
    const seen: Record<string, string[]> = { A: [], B: [] };
    for (const who of ['A', 'B'] as const) {
      clients[who].subscribe<{ alertRaised: { subject: string } }>(
        { query: 'subscription { alertRaised { subject } }' },
        { next: (r) => void seen[who]!.push(r.data!.alertRaised.subject), error: () => {}, complete: () => {} },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // both subscriptions registered
    server.app.pubsub.publish('alert:raised', alertMessage({ ...mine, id: mine.id, subject: 'live pace-A' }, [shopA]));
    server.app.pubsub.publish('alert:raised', alertMessage({ ...shared, subject: 'live pace-AB' }, [shopA, shopB]));
    await expect.poll(() => seen.A).toEqual(['live pace-A']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual({ A: ['live pace-A'], B: [] });
    await Promise.all([clients.A.dispose(), clients.B.dispose()]);
  });

  it('pushes a raised alert to subscribers who may see it, and not to a partner of another shop', async () => {
    const connect = (connectionParams: Record<string, unknown>) =>
      createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams });
    const operator = connect(server.wsParams);
    const partnerB = connect(await partnerOf(shopB));
    const seen: Record<string, string[]> = { operator: [], partnerB: [] };
    const listen = (client: ReturnType<typeof connect>, who: string) =>
      client.subscribe<{ alertRaised: { subject: string } }>(
        { query: 'subscription { alertRaised { subject severity shop { name } } }' },
        { next: (r) => void seen[who]!.push(r.data!.alertRaised.subject), error: () => {}, complete: () => {} },
      );
    listen(operator, 'operator');
    listen(partnerB, 'partnerB');
    await new Promise((resolve) => setTimeout(resolve, 300)); // both subscriptions registered
    const row = (await raise(shopA, 'live-1', '2026-11-11T03:59:00Z'))!;
    server.app.pubsub.publish('alert:raised', alertMessage(row, [shopA]));
    await expect.poll(() => seen.operator).toEqual(['SKU live-1']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen.partnerB).toEqual([]);
    await Promise.all([operator.dispose(), partnerB.dispose()]);
  });
});

describeEachBackend('alert lifecycle over the API', (backend) => {
  let server: TestServer;
  let shopA: string;
  let shopB: string;
  let clock: Date;
  beforeEach(async () => {
    clock = new Date('2026-11-11T12:00:00+08:00');
    shopA = (await insertShop(backend().db, '甲店')).id;
    shopB = (await insertShop(backend().db, '乙店', 'JD')).id;
    server = await startTestServer(backend(), { now: () => clock });
  });
  afterEach(() => server.stop());

  it('streams raised, acknowledged and resolved changes to who may see them; the webhook outbox gets each change in the same transaction', async () => {
    const { sku } = await insertSku(backend().db, shopA, 'A-1');
    const [hook] = await backend()
      .db.insert(webhooks)
      .values({ name: '运营群', url: 'http://127.0.0.1:9/hook', format: 'JSON', events: ['ALERT_RAISED', 'ALERT_ACKNOWLEDGED', 'ALERT_RESOLVED'], shopIds: [shopA], secret: 'whsec_test', createdBy: 'admin-key' })
      .returning();
    const connect = (connectionParams: Record<string, unknown>) => createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams });
    const partnerB = bearer(await server.createKey({ name: 'B', shopIds: [shopB], scopes: ['READ'] }));
    // Counted at the pubsub, so the alert is raised only once both feeds listen (a fixed wait was too
    // short on a loaded machine, and the first client missed RAISED).
    let listening = 0;
    const pubsub = server.app.pubsub;
    const subscribe = pubsub.subscribe.bind(pubsub);
    pubsub.subscribe = ((...args: Parameters<typeof subscribe>) => (listening++, subscribe(...args))) as typeof subscribe;
    const clients = [connect(server.wsParams), connect(partnerB)];
    const seen: string[][] = [[], []];
    const feed = `subscription { alertChanged(filter: { statuses: [OPEN, ACKNOWLEDGED] }) { change alert { status subject acknowledgedBy value threshold resolvedAt } } }`;
    clients.forEach((client, i) =>
      client.subscribe<{ alertChanged: { change: string; alert: { status: string; acknowledgedBy: string | null } } }>(
        { query: feed },
        { next: (r) => void seen[i]!.push(`${r.data!.alertChanged.change}:${r.data!.alertChanged.alert.status}:${r.data!.alertChanged.alert.acknowledgedBy ?? ''}`), error: () => {}, complete: () => {} },
      ),
    );
    await expect.poll(() => listening, { timeout: 15_000 }).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the listener attaches as the iterator starts

    await backend().db.update(skus).set({ stock: 5 }).where(eq(skus.id, sku.id));
    await server.app.alertEngine.evaluate();
    const list = await server.gql(`{ alerts(filter: { statuses: [OPEN] }) { edges { node { id status value threshold rule } } } }`);
    const node = list.data.alerts.edges[0].node;
    expect(node).toMatchObject({ status: 'OPEN', value: 5, threshold: 50, rule: 'LOW_STOCK' });
    const ack = await server.gql(`mutation ($id: ID!) { acknowledgeAlert(input: { id: $id }) { alert { status acknowledgedBy } } }`, { id: node.id });
    expect(ack.data.acknowledgeAlert.alert).toEqual({ status: 'ACKNOWLEDGED', acknowledgedBy: 'Admin key' });
    clock = new Date(clock.getTime() + 60_000);
    await backend().db.update(skus).set({ stock: 900 }).where(eq(skus.id, sku.id));
    await server.app.alertEngine.evaluate();

    await expect.poll(() => seen[0]).toEqual(['RAISED:OPEN:', 'ACKNOWLEDGED:ACKNOWLEDGED:Admin key', 'RESOLVED:RESOLVED:Admin key']);
    expect(seen[1]).toEqual([]);
    const outbox = await backend().db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook!.id));
    expect(outbox.map((d) => d.event).sort()).toEqual(['ALERT_ACKNOWLEDGED', 'ALERT_RAISED', 'ALERT_RESOLVED']);
    expect(outbox.find((d) => d.event === 'ALERT_RESOLVED')!.data).toMatchObject({ alert: { status: 'RESOLVED', rule: 'LOW_STOCK', shop: { name: '甲店' }, value: 5, threshold: 50 } });
    await Promise.all(clients.map((c) => c.dispose()));
  });
});
