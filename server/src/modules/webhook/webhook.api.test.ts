import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachBackend, meetingAtALock } from '../../../test/backends.js';
import { gid, insertShop } from '../../../test/fixtures.js';
import { bearer, startTestServer, type TestServer } from '../../../test/http.js';

const CREATE = `mutation ($input: CreateWebhookInput!) {
  createWebhook(input: $input) { secret webhook { id name url format events signed shops { name } } userErrors { field message code } }
}`;
const LIST = '{ webhooks { id name url format signed shops { name } pausedAt consecutiveFailures } }';
const DINGTALK_URL = 'https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef0123456789abcdef';

describeEachBackend('webhooks API', (backend) => {
  let server: TestServer;
  let shopA: string;
  let shopB: string;
  beforeEach(async () => {
    shopA = (await insertShop(backend().db, '甲店')).id;
    shopB = (await insertShop(backend().db, '乙店', 'JD')).id;
    // No dispatcher: these tests are about the API; robot URLs below point at hosts nobody calls.
    server = await startTestServer(backend(), { webhooks: false });
  });
  afterEach(() => server.stop());

  const partner = async (shopId: string, scopes: ('READ' | 'MANAGE')[] = ['READ', 'MANAGE']) =>
    bearer(await server.createKey({ name: `partner of ${shopId}`, shopIds: [shopId], scopes }));

  it('creates a JSON webhook whose secret is shown once and never again', async () => {
    const created = await server.gql(CREATE, { input: { url: 'http://127.0.0.1:9/hook', events: ['ALERT_RAISED', 'ALERT_RESOLVED'], format: 'JSON' } });
    const { secret, webhook, userErrors } = created.data.createWebhook;
    expect(userErrors).toEqual([]);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(webhook).toMatchObject({ format: 'JSON', events: ['ALERT_RAISED', 'ALERT_RESOLVED'], signed: true, shops: null, name: 'JSON → 127.0.0.1:9' });
    const listed = await server.gql(LIST);
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(listed.data.webhooks).toEqual([expect.objectContaining({ id: webhook.id, pausedAt: null, consecutiveFailures: 0 })]);
  });

  it('takes a robot’s 加签 secret without ever showing it, and masks the robot’s token in lists and the audit trail', async () => {
    const robotSecret = 'SEC0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcd';
    const created = await server.gql(CREATE, { input: { name: '运营群', url: DINGTALK_URL, events: ['ALERT_RAISED'], format: 'DINGTALK', secret: robotSecret, shopIds: [gid('Shop', shopA)] } });
    expect(created.data.createWebhook).toMatchObject({ secret: null, userErrors: [], webhook: { signed: true, url: 'https://oapi.dingtalk.com/robot/send?access_token=***' } });
    const listed = await server.gql(LIST);
    expect(listed.data.webhooks[0]).toMatchObject({ name: '运营群', url: 'https://oapi.dingtalk.com/robot/send?access_token=***', shops: [{ name: '甲店' }] });
    const audit = await server.gql('{ auditLog(filter: { operations: ["createWebhook"] }) { edges { node { input outcome } } } }');
    const trail = JSON.stringify(audit.data.auditLog.edges);
    expect(trail).toContain('access_token=***');
    expect(trail).not.toContain('0123456789abcdef0123456789abcdef');
    expect(trail).not.toContain(robotSecret);
  });

  it('refuses secrets where the format has none of the caller’s: JSON generates its own, WeCom robots do not sign', async () => {
    const json = await server.gql(CREATE, { input: { url: 'http://127.0.0.1:9/', events: ['ALERT_RAISED'], format: 'JSON', secret: 'mine' } });
    expect(json.data.createWebhook.userErrors).toEqual([expect.objectContaining({ field: ['input', 'secret'], code: 'INVALID_INPUT' })]);
    const wecom = await server.gql(CREATE, { input: { url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', events: ['ALERT_RAISED'], format: 'WECOM', secret: 'x' } });
    expect(wecom.data.createWebhook.userErrors).toEqual([expect.objectContaining({ field: ['input', 'secret'] })]);
    const inChinese = await server.gql(
      'mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { userErrors { code messageZh: message(locale: ZH_CN) } } }',
      { input: { url: 'http://127.0.0.1:9/', events: [], format: 'JSON', secret: 'mine' } },
    );
    expect(inChinese.data.createWebhook.userErrors).toEqual([{ code: 'INVALID_INPUT', messageZh: '至少订阅一个事件' }]);
  });

  it('refuses a READ-only key before any work', async () => {
    const result = await server.gql(CREATE, { input: { url: 'http://127.0.0.1:9/', events: ['ALERT_RAISED'], format: 'JSON' } }, await partner(shopA, ['READ']));
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.data).toBeNull();
    expect((await server.gql(LIST)).data.webhooks).toEqual([]);
  });

  it('refuses a MANAGE-only key: what a webhook sends are figures only READ shows', async () => {
    const result = await server.gql(CREATE, { input: { url: 'http://127.0.0.1:9/', events: ['ALERT_RAISED'], format: 'JSON' } }, await partner(shopA, ['MANAGE']));
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(result.data).toBeNull();
    expect((await server.gql(LIST)).data.webhooks).toEqual([]);
  });

  it('keeps a partner within its shops: a foreign shop is refused, omitting shops means its own, and it sees only its own webhooks', async () => {
    const asPartner = await partner(shopA);
    const foreign = await server.gql(CREATE, { input: { url: 'http://127.0.0.1:9/', events: ['ALERT_RAISED'], format: 'JSON', shopIds: [gid('Shop', shopA), gid('Shop', shopB)] } }, asPartner);
    expect(foreign.data.createWebhook).toMatchObject({ webhook: null, secret: null, userErrors: [{ field: ['input', 'shopIds'], code: 'FORBIDDEN' }] });
    const own = await server.gql(CREATE, { input: { url: 'http://127.0.0.1:9/', events: ['ALERT_RAISED'], format: 'JSON' } }, asPartner);
    expect(own.data.createWebhook.webhook.shops).toEqual([{ name: '甲店' }]);
    await server.gql(CREATE, { input: { name: 'admin', url: 'http://127.0.0.1:9/', events: ['ALERT_RAISED'], format: 'JSON' } });
    const partnerList = await server.gql(LIST, {}, asPartner);
    expect(partnerList.data.webhooks.map((w: { id: string }) => w.id)).toEqual([own.data.createWebhook.webhook.id]);
    expect((await server.gql(LIST)).data.webhooks).toHaveLength(2);
    const adminHook = (await server.gql(LIST)).data.webhooks.find((w: { name: string }) => w.name === 'admin');
    const tamper = await server.gql(`mutation ($id: ID!) { deleteWebhook(input: { id: $id }) { userErrors { code } } }`, { id: adminHook.id }, asPartner);
    expect(tamper.data.deleteWebhook.userErrors).toEqual([{ code: 'NOT_FOUND' }]);
  });

  it('keeps at most 25 live webhooks per credential, counting none it deleted, and never lets two creates at once pass it', async () => {
    const asPartner = await partner(shopA);
    const create = (n: number) => server.gql(CREATE, { input: { name: `hook ${n}`, url: `http://127.0.0.1:9/${n}`, events: ['ALERT_RAISED'], format: 'JSON' } }, asPartner);
    for (let n = 1; n <= 23; n++) expect((await create(n)).data.createWebhook.userErrors).toEqual([]);
    // Three at once with room for two: exactly two get it. On PostgreSQL the table is held (SHARE) until all
    // three wait, so each has read the count before any inserts unless the creates queue for one another.
    const threeAtOnce = () => Promise.all([create(24), create(25), create(26)]);
    const [first, second, third] =
      backend().kind === 'postgres' ? await meetingAtALock(backend().db, (tx) => tx.execute(sql`lock table webhooks in share mode`), 3, threeAtOnce) : await threeAtOnce();
    const errors = [first, second, third].map((r) => r.data.createWebhook.userErrors);
    expect(errors.filter((e) => e.length === 0)).toHaveLength(2);
    expect(errors.filter((e) => e.length > 0)).toEqual([
      [{ field: null, message: 'a credential keeps at most 25 webhooks; delete one it no longer needs first', code: 'CONFLICT' }],
    ]);
    const mine = (await server.gql(LIST, {}, asPartner)).data.webhooks as { id: string }[];
    expect(mine).toHaveLength(25);

    const deleted = await server.gql(`mutation ($id: ID!) { deleteWebhook(input: { id: $id }) { userErrors { code } } }`, { id: mine[0]!.id }, asPartner);
    expect(deleted.data.deleteWebhook.userErrors).toEqual([]);
    expect((await create(27)).data.createWebhook.userErrors).toEqual([]);
    // Another credential has its own room.
    expect((await server.gql(CREATE, { input: { url: 'http://127.0.0.1:9/', events: ['ALERT_RAISED'], format: 'JSON' } }, await partner(shopB))).data.createWebhook.userErrors).toEqual([]);
  });

  it('changes name, URL, events and shops, and deletes', async () => {
    const created = await server.gql(CREATE, { input: { url: 'http://127.0.0.1:9/a', events: ['ALERT_RAISED'], format: 'JSON' } });
    const id = created.data.createWebhook.webhook.id;
    const updated = await server.gql(
      `mutation ($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { name url events shops { name } } userErrors { code } } }`,
      { input: { id, name: '新名字', url: 'http://127.0.0.1:9/b', events: ['ALERT_RAISED', 'ALERT_ACKNOWLEDGED'], shopIds: [gid('Shop', shopB)] } },
    );
    expect(updated.data.updateWebhook).toEqual({
      webhook: { name: '新名字', url: 'http://127.0.0.1:9/b', events: ['ALERT_RAISED', 'ALERT_ACKNOWLEDGED'], shops: [{ name: '乙店' }] },
      userErrors: [],
    });
    // An empty URL is refused as create refuses it, not taken as "leave it" (it was, without a word).
    for (const url of ['', '   ']) {
      const blank = await server.gql(`mutation ($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { url } userErrors { field code } } }`, { input: { id, url } });
      expect(blank.data.updateWebhook, JSON.stringify(url)).toEqual({ webhook: null, userErrors: [{ field: ['input', 'url'], code: 'INVALID_INPUT' }] });
    }
    expect((await server.gql(LIST)).data.webhooks).toEqual([expect.objectContaining({ url: 'http://127.0.0.1:9/b' })]);
    const deleted = await server.gql(`mutation ($id: ID!) { deleteWebhook(input: { id: $id }) { webhook { id } userErrors { code } } }`, { id });
    expect(deleted.data.deleteWebhook).toEqual({ webhook: { id }, userErrors: [] });
    expect((await server.gql(LIST)).data.webhooks).toEqual([]);
  });

  it('refuses private and loopback URLs unless the installation allows them', async () => {
    const strict = await startTestServer(backend(), { webhooks: false, webhookAllowPrivateUrls: false });
    try {
      for (const url of ['http://127.0.0.1:8080/hook', 'http://localhost/hook', 'http://[::1]/', 'http://10.0.0.8/', 'http://169.254.169.254/latest/meta-data/', 'http://[::ffff:192.168.1.1]/']) {
        const result = await strict.gql(CREATE, { input: { url, events: ['ALERT_RAISED'], format: 'JSON' } });
        expect(result.data.createWebhook.userErrors, url).toEqual([expect.objectContaining({ field: ['input', 'url'], code: 'INVALID_INPUT' })]);
      }
      const ftp = await strict.gql(CREATE, { input: { url: 'ftp://files.example.cn/x', events: ['ALERT_RAISED'], format: 'JSON' } });
      expect(ftp.data.createWebhook.userErrors[0].message).toMatch(/https:\/\/ or http:\/\//);
      // The console's Chinese keeps the host, its address and what kind of address it is.
      const inside = await strict.gql(
        'mutation ($input: CreateWebhookInput!) { createWebhook(input: $input) { userErrors { field code message messageZh: message(locale: ZH_CN) } } }',
        { input: { url: 'http://10.0.0.8/', events: ['ALERT_RAISED'], format: 'JSON' } },
      );
      expect(inside.data.createWebhook.userErrors).toEqual([
        {
          field: ['input', 'url'],
          code: 'INVALID_INPUT',
          message: 'the host 10.0.0.8 resolves to 10.0.0.8 (private), which webhooks may not reach',
          messageZh: '主机 10.0.0.8 解析到 10.0.0.8（私有地址），Webhook 不能访问该地址',
        },
      ]);
      expect((await strict.gql(LIST)).data.webhooks).toEqual([]);
    } finally {
      await strict.stop();
    }
  });
});
