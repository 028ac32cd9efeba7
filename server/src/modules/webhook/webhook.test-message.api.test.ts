import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { describeEachBackend } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';
import { peakOpsSignature } from './webhook.formats.js';
import { TestReceiver } from './webhook.test-receiver.js';

const CREATE = `mutation ($input: CreateWebhookInput!) {
  createWebhook(input: $input) { secret webhook { id } userErrors { field message code } }
}`;
const TEST = `mutation ($id: ID!) {
  testWebhook(input: { id: $id }) { attempt { statusCode error durationMs attemptedAt } userErrors { field code message messageZh: message(locale: ZH_CN) } }
}`;
const STATE = `query ($id: ID!) { node(id: $id) { ... on Webhook { consecutiveFailures pausedAt deliveries(first: 5) { totalCount } } } }`;

describeEachBackend('testWebhook: a test message sent now', (backend) => {
  let server: TestServer;
  let receiver: TestReceiver;
  let shopA: string;
  let shopB: string;
  beforeAll(async () => {
    receiver = await TestReceiver.start();
  });
  afterAll(() => receiver.down());
  beforeEach(async () => {
    shopA = (await insertShop(backend().db, '甲店')).id;
    shopB = (await insertShop(backend().db, '乙店', 'JD')).id;
    receiver.received.length = 0;
    receiver.answer = () => ({ status: 200, body: '{"errcode":0,"code":0}' });
    // No dispatcher: only the test message may reach the receiver, so what it got was sent by testWebhook.
    server = await startTestServer(backend(), { webhooks: false });
  });
  afterEach(() => server.stop());

  const create = async (input: Record<string, unknown>, headers?: Record<string, string>) => {
    const created = await server.gql(CREATE, { input: { events: ['ALERT_RAISED', 'ALERT_RESOLVED'], ...input } }, headers);
    expect(created.data.createWebhook.userErrors).toEqual([]);
    return created.data.createWebhook as { secret: string | null; webhook: { id: string } };
  };

  it('sends a JSON endpoint one signed WEBHOOK_TEST message and answers what it said, leaving the delivery log alone', async () => {
    const { secret, webhook } = await create({ name: 'ERP', url: `${receiver.url}/erp`, format: 'JSON' });
    const result = await server.gql(TEST, { id: webhook.id });
    expect(result.data.testWebhook).toMatchObject({ attempt: { statusCode: 200, error: null }, userErrors: [] });
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    const body = JSON.parse(request!.body);
    expect(body).toEqual({
      id: expect.stringMatching(/^test_[0-9a-f-]{36}$/),
      type: 'WEBHOOK_TEST',
      createdAt: expect.any(String),
      data: { webhook: { id: webhook.id, name: 'ERP', events: ['ALERT_RAISED', 'ALERT_RESOLVED'] }, requestedBy: expect.any(String) },
    });
    expect(request!.deliveryId).toBe(body.id);
    // Signed as every delivery is, with the secret shown at creation.
    const t = /^t=(\d+),/.exec(String(request!.headers['peakops-signature']))![1]!;
    expect(request!.headers['peakops-signature']).toBe(peakOpsSignature(secret!, request!.body, new Date(Number(t) * 1000)));
    const state = await server.gql(STATE, { id: webhook.id });
    expect(state.data.node).toEqual({ consecutiveFailures: 0, pausedAt: null, deliveries: { totalCount: 0 } });
  });

  it('shows a robot’s refusal (a keyword it requires) and counts it toward nothing', async () => {
    receiver.answer = () => ({ status: 200, body: '{"errcode":310000,"errmsg":"keywords not in content"}' });
    const { webhook } = await create({ name: '运营群', url: `${receiver.url}/robot/send?access_token=abc`, format: 'DINGTALK', shopIds: [gid('Shop', shopA), gid('Shop', shopB)] });
    const result = await server.gql(TEST, { id: webhook.id });
    expect(result.data.testWebhook).toMatchObject({ attempt: { statusCode: 200, error: 'errcode 310000: keywords not in content' }, userErrors: [] });
    const message = JSON.parse(receiver.received[0]!.body);
    expect(message.msgtype).toBe('markdown');
    expect(message.markdown.title).toBe('【测试】PeakOps 预警推送');
    for (const part of ['测试消息', '运营群', '新预警、已恢复', '乙店、甲店', 'PeakOps 作战室自动推送']) expect(message.markdown.text).toContain(part);
    const state = await server.gql(STATE, { id: webhook.id });
    expect(state.data.node).toEqual({ consecutiveFailures: 0, pausedAt: null, deliveries: { totalCount: 0 } });
  });

  it('answers why an endpoint could not be reached', async () => {
    const { webhook } = await create({ url: 'http://127.0.0.1:9/closed', format: 'WECOM' });
    const result = await server.gql(TEST, { id: webhook.id });
    expect(result.data.testWebhook.userErrors).toEqual([]);
    expect(result.data.testWebhook.attempt.statusCode).toBeNull();
    expect(result.data.testWebhook.attempt.error).toMatch(/ECONNREFUSED|fetch failed/);
  });

  it('refuses callers who may not: a READ-only key before any work, another partner’s webhook as not found', async () => {
    const partnerA = bearer(await server.createKey({ name: 'A', shopIds: [shopA], scopes: ['READ', 'MANAGE'] }));
    const partnerB = bearer(await server.createKey({ name: 'B', shopIds: [shopB], scopes: ['READ', 'MANAGE'] }));
    const readOnly = bearer(await server.createKey({ name: 'A reads', shopIds: [shopA], scopes: ['READ'] }));
    const { webhook } = await create({ url: `${receiver.url}/a`, format: 'JSON' }, partnerA);
    const refused = await server.gql(TEST, { id: webhook.id }, readOnly);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.data).toBeNull();
    const foreign = await server.gql(TEST, { id: webhook.id }, partnerB);
    expect(foreign.data.testWebhook).toEqual({ attempt: null, userErrors: [expect.objectContaining({ field: ['input', 'id'], code: 'NOT_FOUND' })] });
    expect(receiver.received).toEqual([]);
    expect((await server.gql(TEST, { id: webhook.id }, partnerA)).data.testWebhook.attempt.error).toBeNull();
    expect(receiver.received).toHaveLength(1);
  });

  it('refuses a webhook whose creator was revoked: it sends nothing more, tests included', async () => {
    await server.createKey({ name: 'to revoke', shopIds: [shopA], scopes: ['READ', 'MANAGE'] }).then(async (key) => {
      await create({ url: `${receiver.url}/revoked`, format: 'JSON' }, bearer(key));
    });
    const keys = (await server.gql('{ apiKeys { id name } }')).data.apiKeys as { id: string; name: string }[];
    await server.gql('mutation ($id: ID!) { revokeApiKey(input: { id: $id }) { userErrors { code } } }', { id: keys.find((k) => k.name === 'to revoke')!.id });
    const [hook] = (await server.gql('{ webhooks { id receiving } }')).data.webhooks as { id: string; receiving: boolean }[];
    expect(hook!.receiving).toBe(false);
    const result = await server.gql(TEST, { id: hook!.id });
    expect(result.data.testWebhook).toEqual({
      attempt: null,
      userErrors: [
        {
          field: ['input', 'id'],
          code: 'CONFLICT',
          message: 'the credential that created this webhook can no longer read what it covers; it sends nothing more',
          messageZh: '创建此 Webhook 的凭证已无权查看它覆盖的店铺，它不再发送任何投递',
        },
      ],
    });
    expect(receiver.received).toEqual([]);
  });

  it('spaces tests to one webhook ten seconds apart, so a burst cannot get the group’s robot throttled', async () => {
    const { webhook } = await create({ url: `${receiver.url}/robot/send?access_token=abc`, format: 'DINGTALK' });
    const other = await create({ url: `${receiver.url}/robot/send?access_token=def`, format: 'DINGTALK' });
    expect((await server.gql(TEST, { id: webhook.id })).data.testWebhook.attempt.error).toBeNull();
    const again = await server.gql(TEST, { id: webhook.id });
    expect(again.data.testWebhook).toEqual({
      attempt: null,
      userErrors: [
        expect.objectContaining({
          field: ['input', 'id'],
          code: 'LIMIT_REACHED',
          message: expect.stringMatching(/^a test message was sent to this webhook less than 10 s ago; try again in (10|9) s/),
          messageZh: expect.stringMatching(/^10 秒内已向此 Webhook 发送过测试消息，请 (10|9) 秒后再试/),
        }),
      ],
    });
    // Another webhook has its own spacing.
    expect((await server.gql(TEST, { id: other.webhook.id })).data.testWebhook.attempt.error).toBeNull();
    expect(receiver.received).toHaveLength(2);
  });
});
