import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { openConsole, SHOP } from '../../../test/console';
import { MAY_MANAGE, READ_ONLY, storedSession } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { expectAlertFollowsToggle } from '../../../test/refusals';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type {
  CreateWebhookMutation,
  DeleteWebhookMutation,
  DeliveryView,
  RedeliverMutation,
  TestWebhookMutation,
  UpdateWebhookMutation,
  WebhookDeliveriesQuery,
  WebhooksQuery,
  WebhookView,
} from './webhooks.documents';

useMockApi();

const ROBOT: WebhookView = {
  id: 'V2ViaG9vazox',
  name: '运营群 · 钉钉',
  url: 'https://oapi.dingtalk.com/robot/send?access_token=***',
  format: 'DINGTALK',
  events: ['ALERT_RESOLVED', 'ALERT_RAISED'],
  shops: null,
  signed: true,
  pausedAt: null,
  receiving: true,
  consecutiveFailures: 0,
  createdAt: '2026-11-01T02:00:00Z',
};
const PARTNER: WebhookView = {
  ...ROBOT,
  id: 'V2ViaG9vazoy',
  name: 'ERP',
  url: 'https://erp.example.cn/hooks',
  format: 'JSON',
  events: ['ALERT_RAISED'],
  shops: [SHOP],
  pausedAt: '2026-11-11T03:00:00Z',
  consecutiveFailures: 20,
};
const delivery = (overrides: Partial<DeliveryView>): DeliveryView => ({
  id: 'V2ViaG9va0RlbGl2ZXJ5OjE=',
  event: 'ALERT_RAISED',
  status: 'DELIVERED',
  attemptCount: 1,
  lastStatusCode: 200,
  lastError: null,
  deliveredAt: '2026-11-11T04:00:01Z',
  nextAttemptAt: null,
  createdAt: '2026-11-11T04:00:00Z',
  ...overrides,
});

type Written = { created: VariablesOf<typeof CreateWebhookMutation>['input'][]; updated: VariablesOf<typeof UpdateWebhookMutation>['input'][]; deleted: string[]; tested: string[]; redelivered: string[] };
type TestAnswer = ResultOf<typeof TestWebhookMutation>['testWebhook'];

/** A server with `hooks`, changed by what the page writes; returns what was written and how often the list was read. */
function answerWebhooks(hooks: WebhookView[], options: { test?: TestAnswer; deliveries?: DeliveryView[]; secret?: string } = {}) {
  let list = [...hooks];
  const written: Written = { created: [], updated: [], deleted: [], tested: [], redelivered: [] };
  const reads = { list: 0 };
  const ok = { userErrors: [] };
  server.use(
    api.query<ResultOf<typeof WebhooksQuery>>('ConsoleWebhooks', () => {
      reads.list++;
      return HttpResponse.json({ data: { viewer: { allShops: true }, webhooks: list } });
    }),
    api.query<ResultOf<typeof WebhookDeliveriesQuery>>('ConsoleWebhookDeliveries', () => {
      const edges = (options.deliveries ?? []).map((node) => ({ node }));
      return HttpResponse.json({ data: { node: { __typename: 'Webhook', id: ROBOT.id, deliveries: { totalCount: edges.length + 40, edges } } } as never });
    }),
    api.mutation<ResultOf<typeof CreateWebhookMutation>, VariablesOf<typeof CreateWebhookMutation>>('ConsoleCreateWebhook', ({ variables }) => {
      written.created.push(variables.input);
      const made: WebhookView = { ...ROBOT, id: 'V2ViaG9vazoz', name: variables.input.name ?? 'DINGTALK → oapi.dingtalk.com', format: variables.input.format, events: variables.input.events };
      list = [made, ...list];
      return HttpResponse.json({ data: { createWebhook: { secret: options.secret ?? null, webhook: made, ...ok } } });
    }),
    api.mutation<ResultOf<typeof UpdateWebhookMutation>, VariablesOf<typeof UpdateWebhookMutation>>('ConsoleUpdateWebhook', ({ variables }) => {
      written.updated.push(variables.input);
      list = list.map((w) => (w.id === variables.input.id ? { ...w, ...(variables.input.resume ? { pausedAt: null, consecutiveFailures: 0 } : {}), events: variables.input.events ?? w.events } : w));
      return HttpResponse.json({ data: { updateWebhook: { webhook: list.find((w) => w.id === variables.input.id)!, ...ok } } });
    }),
    api.mutation<ResultOf<typeof DeleteWebhookMutation>, VariablesOf<typeof DeleteWebhookMutation>>('ConsoleDeleteWebhook', ({ variables }) => {
      written.deleted.push(variables.id);
      list = list.filter((w) => w.id !== variables.id);
      return HttpResponse.json({ data: { deleteWebhook: { webhook: { id: variables.id }, ...ok } } });
    }),
    api.mutation<ResultOf<typeof TestWebhookMutation>, VariablesOf<typeof TestWebhookMutation>>('ConsoleTestWebhook', ({ variables }) => {
      written.tested.push(variables.id);
      return HttpResponse.json({ data: { testWebhook: options.test ?? { attempt: { statusCode: 200, error: null, durationMs: 84 }, ...ok } } });
    }),
    api.mutation<ResultOf<typeof RedeliverMutation>, VariablesOf<typeof RedeliverMutation>>('ConsoleRedeliverWebhookDelivery', ({ variables }) => {
      written.redelivered.push(variables.id);
      return HttpResponse.json({ data: { redeliverWebhookDelivery: { delivery: { id: variables.id, status: 'PENDING' }, ...ok } } });
    }),
  );
  return { written, reads };
}

const card = (name: string) => screen.getAllByTestId('webhook').find((c) => within(c).queryByRole('heading', { name: new RegExp(name) }))!;
const open = (hooks: WebhookView[], options: Parameters<typeof answerWebhooks>[1] = {}) => {
  const answered = answerWebhooks(hooks, options);
  openConsole('/console/webhooks', { credential: storedSession(1), permissions: MAY_MANAGE });
  return answered;
};

describe('the alert delivery page', () => {
  it('lists each webhook with its robot, masked address, events, shops and health', async () => {
    open([ROBOT, PARTNER]);
    await waitFor(() => expect(screen.getAllByTestId('webhook')).toHaveLength(2));
    expect(screen.getByRole('link', { name: '告警推送' })).toHaveClass('active');
    const robot = card('运营群');
    expect(robot).toHaveTextContent('钉钉群机器人');
    expect(robot).toHaveTextContent('https://oapi.dingtalk.com/robot/send?access_token=***');
    // The events in the page's order, in Chinese.
    expect([...robot.querySelectorAll('.webhook-facts .tag')].map((t) => t.textContent)).toEqual(['新预警', '已恢复']);
    expect(robot).toHaveTextContent('全部店铺（含以后新增的店铺）');
    expect(robot).toHaveTextContent('已加签');
    expect(robot.dataset.health).toBe('OK');
    const partner = card('ERP');
    expect(partner.dataset.health).toBe('PAUSED');
    expect(partner).toHaveTextContent(SHOP.name);
    expect(partner).toHaveTextContent('已暂停');
    expect(partner).toHaveTextContent('修好接收方后先发送测试，再恢复推送');
    expect(within(partner).getByRole('button', { name: '恢复推送' })).toBeEnabled();
    expect(within(robot).queryByRole('button', { name: '恢复推送' })).toBeNull();
  });

  it('says a viewer without MANAGE cannot see it, and asks the server nothing', async () => {
    const { reads } = answerWebhooks([ROBOT]);
    openConsole('/console/webhooks', { credential: storedSession(1), permissions: READ_ONLY });
    expect(await screen.findByTestId('webhooks-need-manage')).toHaveTextContent('需要管理权限');
    expect(screen.queryByRole('button', { name: '新建推送' })).toBeNull();
    expect(reads.list).toBe(0);
  });

  it('creates a DingTalk robot for one shop with its 加签 secret, exactly as typed, and shows it in the list', async () => {
    const { written } = open([]);
    expect(await screen.findByTestId('webhooks-empty')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('button', { name: '新建推送' }));
    const editor = screen.getByTestId('webhook-editor');
    // Nothing half-filled is sent.
    fireEvent.click(within(editor).getByRole('button', { name: '创建' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('未保存：请填写 Webhook 地址');
    fireEvent.input(within(editor).getByLabelText('名称'), { target: { value: ' 运营群 ' } });
    fireEvent.input(within(editor).getByLabelText('Webhook 地址'), { target: { value: 'https://oapi.dingtalk.com/robot/send?access_token=abc' } });
    fireEvent.input(within(editor).getByLabelText('加签密钥（SEC 开头，可选）'), { target: { value: 'SECxyz' } });
    fireEvent.click(within(editor).getByLabelText('已认领'));
    fireEvent.click(within(editor).getByLabelText('升级'));
    fireEvent.click(within(editor).getByLabelText('指定店铺'));
    fireEvent.click(within(editor).getByRole('button', { name: '创建' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('未保存：至少选择一个店铺');
    fireEvent.click(within(editor).getByLabelText(SHOP.name));
    fireEvent.click(within(editor).getByRole('button', { name: '创建' }));
    await waitFor(() => expect(screen.getAllByTestId('webhook')).toHaveLength(1));
    expect(written.created).toEqual([
      { format: 'DINGTALK', url: 'https://oapi.dingtalk.com/robot/send?access_token=abc', events: ['ALERT_RAISED', 'ALERT_RESPONSE_OVERDUE', 'ALERT_FIX_OVERDUE', 'ALERT_RESOLVED', 'ALERT_ACKNOWLEDGED'], name: '运营群', secret: 'SECxyz', shopIds: [SHOP.id] },
    ]);
    expect(screen.queryByTestId('webhook-editor')).toBeNull();
    expect(screen.queryByTestId('webhook-secret')).toBeNull();
  });

  it('shows a JSON webhook’s signing secret once, and takes no robot secret for it', async () => {
    const { written } = open([], { secret: 'whsec_abc123' });
    fireEvent.click(await screen.findByRole('button', { name: '新建推送' }));
    const editor = screen.getByTestId('webhook-editor');
    fireEvent.change(within(editor).getByLabelText('类型'), { target: { value: 'JSON' } });
    expect(within(editor).queryByLabelText(/密钥/)).toBeNull();
    fireEvent.input(within(editor).getByLabelText('Webhook 地址'), { target: { value: 'https://erp.example.cn/hooks' } });
    fireEvent.click(within(editor).getByRole('button', { name: '创建' }));
    const secret = await screen.findByTestId('webhook-secret');
    expect(secret).toHaveTextContent('whsec_abc123');
    expect(secret).toHaveTextContent('只显示这一次');
    expect(written.created[0]).toEqual({
      format: 'JSON',
      url: 'https://erp.example.cn/hooks',
      events: ['ALERT_RAISED', 'ALERT_ESCALATED', 'ALERT_RESPONSE_OVERDUE', 'ALERT_FIX_OVERDUE', 'ALERT_RESOLVED'],
    });
    fireEvent.click(within(secret).getByRole('button', { name: '我已保存' }));
    expect(screen.queryByTestId('webhook-secret')).toBeNull();
  });

  it('sends a test and shows what the endpoint answered: delivered, or the robot’s refusal', async () => {
    const { written } = open([ROBOT]);
    fireEvent.click(await within(await screen.findByTestId('webhook')).findByRole('button', { name: '发送测试' }));
    expect(await screen.findByTestId('webhook-test-result')).toHaveTextContent('测试消息已送达（HTTP 200，84 毫秒）');
    expect(written.tested).toEqual([ROBOT.id]);

    server.use(
      api.mutation('ConsoleTestWebhook', () =>
        HttpResponse.json({ data: { testWebhook: { attempt: { statusCode: 200, error: 'errcode 310000: keywords not in content', durationMs: 40 }, userErrors: [] } } }),
      ),
    );
    fireEvent.click(within(screen.getByTestId('webhook')).getByRole('button', { name: '发送测试' }));
    await waitFor(() => expect(screen.getByTestId('webhook-test-result')).toHaveTextContent('测试失败：errcode 310000: keywords not in content'));

    // Tests are spaced by the server: its refusal is said, in the language shown.
    server.use(
      api.mutation('ConsoleTestWebhook', () =>
        HttpResponse.json({
          data: {
            testWebhook: {
              attempt: null,
              userErrors: [
                {
                  field: ['input', 'id'],
                  code: 'LIMIT_REACHED',
                  message: 'a test message was sent to this webhook less than 10 s ago; try again in 7 s',
                  messageZh: '10 秒内已向此 Webhook 发送过测试消息，请 7 秒后再试',
                },
              ],
            },
          },
        }),
      ),
    );
    fireEvent.click(within(screen.getByTestId('webhook')).getByRole('button', { name: '发送测试' }));
    await waitFor(() => expect(screen.getByTestId('webhook-test-result')).toHaveTextContent('未发送：10 秒内已向此 Webhook 发送过测试消息，请 7 秒后再试'));
    fireEvent.click(screen.getByTestId('lang-toggle'));
    expect(screen.getByTestId('webhook-test-result')).toHaveTextContent('Not sent: a test message was sent to this webhook less than 10 s ago; try again in 7 s');
  });

  it('resumes a paused endpoint, and deletes only when asked twice', async () => {
    const { written } = open([ROBOT, PARTNER]);
    await waitFor(() => expect(screen.getAllByTestId('webhook')).toHaveLength(2));
    fireEvent.click(within(card('ERP')).getByRole('button', { name: '恢复推送' }));
    await waitFor(() => expect(card('ERP').dataset.health).toBe('OK'));
    expect(written.updated).toEqual([{ id: PARTNER.id, resume: true }]);

    fireEvent.click(within(card('运营群')).getByRole('button', { name: '删除' }));
    expect(written.deleted).toEqual([]);
    fireEvent.click(within(card('运营群')).getByRole('button', { name: '确认删除' }));
    await waitFor(() => expect(screen.getAllByTestId('webhook')).toHaveLength(1));
    expect(written.deleted).toEqual([ROBOT.id]);
  });

  it('edits only what changed, keeping the stored address and secret', async () => {
    const { written } = open([ROBOT]);
    fireEvent.click(await within(await screen.findByTestId('webhook')).findByRole('button', { name: '编辑' }));
    const editor = screen.getByTestId('webhook-editor');
    expect(within(editor).getByLabelText('类型')).toBeDisabled();
    expect(within(editor).getByLabelText('Webhook 地址')).toHaveValue('');
    fireEvent.click(within(editor).getByLabelText('升级'));
    fireEvent.click(within(editor).getByRole('button', { name: '保存修改' }));
    await waitFor(() => expect(screen.queryByTestId('webhook-editor')).toBeNull());
    expect(written.updated).toEqual([{ id: ROBOT.id, events: ['ALERT_RAISED', 'ALERT_ESCALATED', 'ALERT_RESOLVED'] }]);
    // The list is read again: the card shows what the server stored.
    await waitFor(() => expect([...screen.getByTestId('webhook').querySelectorAll('.webhook-facts .tag')].map((t) => t.textContent)).toEqual(['新预警', '升级', '已恢复']));
  });

  it('opens the delivery log with each delivery’s state and last answer, and redelivers a failed one', async () => {
    const failed = delivery({ id: 'V2ViaG9va0RlbGl2ZXJ5OjI=', status: 'FAILED', attemptCount: 31, lastStatusCode: 500, lastError: 'HTTP 500: down' });
    const retrying = delivery({ id: 'V2ViaG9va0RlbGl2ZXJ5OjM=', status: 'PENDING', attemptCount: 2, lastStatusCode: null, lastError: 'timed out after 10000 ms', nextAttemptAt: '2026-11-11T04:05:00Z' });
    // Never attempted yet: the robot's rate had no room this minute (WEBHOOKS.md), nothing has failed.
    const queued = delivery({ id: 'V2ViaG9va0RlbGl2ZXJ5OjQ=', status: 'PENDING', attemptCount: 0, lastStatusCode: null, lastError: null, nextAttemptAt: '2026-11-11T04:01:00Z' });
    const { written } = open([ROBOT], { deliveries: [retrying, failed, delivery({}), queued] });
    fireEvent.click(await within(await screen.findByTestId('webhook')).findByRole('button', { name: '查看投递记录' }));
    await waitFor(() => expect(screen.getAllByTestId('webhook-delivery')).toHaveLength(4));
    const rows = screen.getAllByTestId('webhook-delivery');
    expect(rows[3]).toHaveTextContent('排队中');
    expect(rows[3]).not.toHaveTextContent('重试中');
    expect(rows[0]).toHaveTextContent('重试中');
    expect(rows[0]).toHaveTextContent('timed out after 10000 ms');
    expect(rows[1]).toHaveTextContent('失败');
    expect(rows[1]).toHaveTextContent('HTTP 500: down');
    expect(rows[2]).toHaveTextContent('已送达');
    expect(screen.getByTestId('webhook-deliveries')).toHaveTextContent('最近 4 条，共 44 条');
    expect(within(rows[0]!).queryByRole('button', { name: '重新投递' })).toBeNull();
    fireEvent.click(within(rows[1]!).getByRole('button', { name: '重新投递' }));
    await waitFor(() => expect(written.redelivered).toEqual([failed.id]));
  });

  it('shows the server’s refusal of an address in the screen’s language, and in English after the toggle', async () => {
    open([]);
    server.use(
      api.mutation('ConsoleCreateWebhook', () =>
        HttpResponse.json({
          data: {
            createWebhook: {
              secret: null,
              webhook: null,
              userErrors: [
                {
                  field: ['input', 'url'],
                  code: 'INVALID_INPUT',
                  message: 'the host 10.0.0.8 resolves to 10.0.0.8 (private), which webhooks may not reach',
                  messageZh: '主机 10.0.0.8 解析到 10.0.0.8（私有地址），Webhook 不能访问该地址',
                },
              ],
            },
          },
        }),
      ),
    );
    fireEvent.click(await screen.findByRole('button', { name: '新建推送' }));
    const editor = screen.getByTestId('webhook-editor');
    fireEvent.input(within(editor).getByLabelText('Webhook 地址'), { target: { value: 'http://10.0.0.8/' } });
    fireEvent.click(within(editor).getByRole('button', { name: '创建' }));
    await expectAlertFollowsToggle(/^保存失败：主机 10.0.0.8 解析到 10.0.0.8（私有地址）/, /^Not saved: .*which webhooks may not reach/, '私有地址');
    // The form stays, with what was typed.
    expect(within(editor).getByLabelText('Webhook 地址')).toHaveValue('http://10.0.0.8/');
  });
});
