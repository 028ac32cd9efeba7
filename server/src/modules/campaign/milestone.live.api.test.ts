import { createClient } from 'graphql-ws';
import { afterEach, beforeEach, expect, it } from 'vitest';
import WebSocket from 'ws';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertCampaign, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';

const UPDATE = `mutation ($input: UpdateMilestoneInput!) { updateMilestone(input: $input) { milestone { id actualSituation status } userErrors { field code } } }`;
const CREATE = `mutation ($input: CreateMilestoneInput!) { createMilestone(input: $input) { milestone { id } userErrors { code } } }`;
const WATCH = `subscription ($c: ID!) { milestoneChanged(campaignId: $c) { change milestone { name status riskLevel actualSituation responsePlanDueAt } } }`;

describeEachBackend('milestones live and their actual situation', (backend) => {
  let server: TestServer;
  let campaignId: string;
  let shopA: string;
  let shopB: string;
  beforeEach(async () => {
    shopA = (await insertShop(backend().db, '甲店')).id;
    shopB = (await insertShop(backend().db, '乙店', 'JD')).id;
    campaignId = gid('Campaign', (await insertCampaign(backend().db, [shopA])).id);
    server = await startTestServer(backend(), { now: () => new Date('2026-11-05T10:00:00+08:00') });
  });
  afterEach(() => server.stop());

  it('streams created and changed milestones with the 实际情况 note to the campaign’s watchers, and refuses a partner of another shop', async () => {
    const clients = [server.wsParams, bearer(await server.createKey({ name: 'B', shopIds: [shopB], scopes: ['READ'] }))].map((connectionParams) =>
      createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams }),
    );
    const seen: string[] = [];
    const refusals: unknown[] = [];
    clients[0]!.subscribe<{ milestoneChanged: { change: string; milestone: { name: string; status: string; actualSituation: string | null } } }>(
      { query: WATCH, variables: { c: campaignId } },
      { next: (r) => void seen.push(`${r.data!.milestoneChanged.change}:${r.data!.milestoneChanged.milestone.status}:${r.data!.milestoneChanged.milestone.actualSituation ?? ''}`), error: () => {}, complete: () => {} },
    );
    clients[1]!.subscribe({ query: WATCH, variables: { c: campaignId } }, { next: (r) => void refusals.push(r), error: (e) => void refusals.push(e), complete: () => {} });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const created = await server.gql(CREATE, { input: { campaignId, name: '压测', owner: '张三', dueAt: '2026-11-08T18:00:00+08:00', completionStandard: 'P99 < 300 ms' } });
    const id = created.data.createMilestone.milestone.id;
    const updated = await server.gql(UPDATE, { input: { id, status: 'IN_PROGRESS', actualSituation: '已完成 80%，支付链路待压' } });
    expect(updated.data.updateMilestone).toEqual({ milestone: { id, actualSituation: '已完成 80%，支付链路待压', status: 'IN_PROGRESS' }, userErrors: [] });
    const cleared = await server.gql(UPDATE, { input: { id, actualSituation: '' } });
    expect(cleared.data.updateMilestone.milestone.actualSituation).toBeNull();

    await expect.poll(() => seen).toEqual(['CREATED:NOT_STARTED:', 'UPDATED:IN_PROGRESS:已完成 80%，支付链路待压', 'UPDATED:IN_PROGRESS:']);
    // graphql-ws hands the subscriber the operation's errors: refused before anything streamed.
    expect(refusals).toEqual([[expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]]);
    const reader = bearer(await server.createKey({ name: 'reader', shopIds: [shopA], scopes: ['READ'] }));
    const refused = await server.gql(UPDATE, { input: { id, actualSituation: 'x' } }, reader);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    await Promise.all(clients.map((c) => c.dispose()));
  });

  it('ends a partner’s stream with FORBIDDEN once the campaign takes in a shop the partner does not see, while the admin’s keeps streaming', async () => {
    const partnerKey = bearer(await server.createKey({ name: 'partner A', shopIds: [shopA], scopes: ['READ'] }));
    const [admin, partner] = [server.wsParams, partnerKey].map((connectionParams) =>
      createClient({ url: server.wsUrl, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams }),
    );
    type Received = { data?: { milestoneChanged: { change: string; milestone: { status: string } } } | null; errors?: readonly { extensions?: Record<string, unknown> }[] };
    const adminSeen: string[] = [];
    const partnerGot: Received[] = [];
    let partnerCompleted = false;
    admin!.subscribe<Received['data']>(
      { query: WATCH, variables: { c: campaignId } },
      { next: (r) => void adminSeen.push(`${r.data!.milestoneChanged.change}:${r.data!.milestoneChanged.milestone.status}`), error: () => {}, complete: () => {} },
    );
    partner!.subscribe<Received['data']>(
      { query: WATCH, variables: { c: campaignId } },
      { next: (r) => void partnerGot.push(r as Received), error: (e) => void partnerGot.push({ errors: e as Received['errors'] }), complete: () => void (partnerCompleted = true) },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    // While the campaign is the partner's, both watch it.
    const created = await server.gql(CREATE, { input: { campaignId, name: '压测', owner: '张三', dueAt: '2026-11-08T18:00:00+08:00', completionStandard: 'P99 < 300 ms' } });
    const id = created.data.createMilestone.milestone.id;
    await expect.poll(() => partnerGot.map((r) => r.data?.milestoneChanged.change)).toEqual(['CREATED']);

    const widened = await server.gql(`mutation ($input: UpdateCampaignInput!) { updateCampaign(input: $input) { campaign { id } userErrors { code } } }`, {
      input: { id: campaignId, shopIds: [gid('Shop', shopA), gid('Shop', shopB)] },
    });
    expect(widened.data.updateCampaign.userErrors).toEqual([]);
    await server.gql(UPDATE, { input: { id, status: 'IN_PROGRESS', actualSituation: '乙店加入' } });
    await server.gql(UPDATE, { input: { id, status: 'DONE' } });

    await expect.poll(() => adminSeen).toEqual(['CREATED:NOT_STARTED', 'UPDATED:IN_PROGRESS', 'UPDATED:DONE']);
    await expect.poll(() => partnerCompleted).toBe(true);
    // The refusal is all the partner got after the widening: no row of the campaign it no longer sees.
    expect(partnerGot).toHaveLength(2);
    expect(partnerGot[1]).toMatchObject({ data: null, errors: [{ extensions: { code: 'FORBIDDEN' } }] });
    expect(JSON.stringify(partnerGot[1])).not.toContain('IN_PROGRESS');
    await Promise.all([admin, partner].map((c) => c!.dispose()));
  });
});
