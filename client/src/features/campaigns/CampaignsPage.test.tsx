import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openConsole, SHOP } from '../../../test/console';
import { MAY_MANAGE, READ_ONLY, storedSession } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { expectAlertFollowsToggle } from '../../../test/refusals';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { CampaignRow, ConsoleCampaignsQuery, CreateCampaignMutation, DeleteCampaignMutation, UpdateCampaignMutation } from './campaigns.documents';

useMockApi();

// The console's clock, fixed: the forms below type December 2026 windows, which must stay ahead of it
// (an end already past is asked about first), whatever day the tests run.
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-05T10:00:00+08:00'));
});
afterEach(() => vi.useRealTimers());

const LIVE: CampaignRow = {
  id: 'Q2FtcGFpZ246MQ==',
  name: '双11全球狂欢节',
  theme: '满300减50',
  status: 'ACTIVE',
  startsAt: '2026-10-31T12:00:00.000Z',
  endsAt: '2099-11-11T16:00:00.000Z',
  gmvTarget: '5000000.00',
  conversionTarget: 0.03,
  partial: false,
  shopTargets: null,
  shops: [SHOP],
  progress: { gmv: '3250000.00', achievementRate: 0.65, pace: 1.02 },
};
const PAST: CampaignRow = { ...LIVE, id: 'Q2FtcGFpZ246Mg==', name: '618 年中大促', theme: null, status: 'ENDED', startsAt: '2026-06-01T16:00:00.000Z', endsAt: '2026-06-18T16:00:00.000Z', progress: { gmv: '2600000.00', achievementRate: 0.52, pace: null } };

type Created = VariablesOf<typeof CreateCampaignMutation>['input'];
type Updated = VariablesOf<typeof UpdateCampaignMutation>['input'];

function answerCampaigns(options: { refuseUpdate?: boolean } = {}) {
  let list = [LIVE, PAST];
  const asked: VariablesOf<typeof ConsoleCampaignsQuery>[] = [];
  const created: Created[] = [];
  const updated: Updated[] = [];
  server.use(
    api.query<ResultOf<typeof ConsoleCampaignsQuery>, VariablesOf<typeof ConsoleCampaignsQuery>>('ConsoleCampaigns', ({ variables }) => {
      asked.push(variables);
      const shown = list.filter((c) => !variables.status || c.status === variables.status);
      return HttpResponse.json({ data: { campaigns: { totalCount: shown.length, edges: shown.map((node) => ({ node })), pageInfo: { hasNextPage: false, endCursor: null } } } });
    }),
    api.mutation<ResultOf<typeof CreateCampaignMutation>, VariablesOf<typeof CreateCampaignMutation>>('ConsoleCreateCampaign', ({ variables }) => {
      created.push(variables.input);
      const made: CampaignRow = { ...LIVE, id: 'Q2FtcGFpZ246Mw==', status: 'UPCOMING', name: variables.input.name, theme: variables.input.theme ?? null, startsAt: variables.input.startsAt as string, endsAt: variables.input.endsAt as string, gmvTarget: variables.input.gmvTarget as string, conversionTarget: (variables.input.conversionTarget as number | null | undefined) ?? 0.03, progress: { gmv: '0.00', achievementRate: 0, pace: null } };
      list = [made, ...list];
      return HttpResponse.json({ data: { createCampaign: { campaign: made, userErrors: [] } } });
    }),
    api.mutation<ResultOf<typeof UpdateCampaignMutation>, VariablesOf<typeof UpdateCampaignMutation>>('ConsoleUpdateCampaign', ({ variables }) => {
      updated.push(variables.input);
      if (options.refuseUpdate) {
        return HttpResponse.json({
          data: { updateCampaign: { campaign: null, userErrors: [{ field: ['input', 'gmvTarget'], code: 'CAMPAIGN_ENDED', message: 'the campaign ended: its gmvTarget is part of its record and cannot change', messageZh: '活动已结束：gmvTarget 属于活动记录，不能再改' }] } },
        });
      }
      const { input } = variables;
      list = list.map((c) => (c.id === input.id ? { ...c, ...(input.name ? { name: input.name } : {}), ...(input.gmvTarget ? { gmvTarget: input.gmvTarget as string } : {}), ...(input.cancelled !== undefined && input.cancelled !== null ? { status: input.cancelled ? 'CANCELLED' : 'ACTIVE' } : {}) } : c));
      return HttpResponse.json({ data: { updateCampaign: { campaign: list.find((c) => c.id === input.id)!, userErrors: [] } } });
    }),
  );
  return { asked, created, updated };
}

const row = (name: string) => screen.getAllByTestId('campaign').find((r) => r.textContent?.includes(name))!;

describe('the campaigns page', () => {
  it('lists the campaigns with window, target and how far each has come, and the ways to their pages; read-only without MANAGE', async () => {
    const { asked } = answerCampaigns();
    openConsole('/console/campaigns', { credential: storedSession(1), permissions: READ_ONLY });
    await waitFor(() => expect(screen.getAllByTestId('campaign')).toHaveLength(2));
    expect(screen.getByRole('link', { name: '活动管理' })).toHaveClass('active');
    const live = row('双11全球狂欢节');
    expect(live).toHaveTextContent('进行中');
    expect(live).toHaveTextContent('满300减50');
    expect(live).toHaveTextContent('¥5,000,000.00');
    expect(live).toHaveTextContent('¥3,250,000.00');
    expect(live).toHaveTextContent('达成 65.0%');
    expect(within(live).getByRole('link', { name: '作战室' })).toHaveAttribute('href', `/?campaign=${encodeURIComponent(LIVE.id)}`);
    expect(within(row('618')).getByRole('link', { name: '活动复盘' })).toHaveAttribute('href', `/console/retrospective/${encodeURIComponent(PAST.id)}`);
    expect(screen.queryByRole('button', { name: '新建活动' })).toBeNull();
    expect(screen.queryByRole('button', { name: '编辑' })).toBeNull();
    // By status.
    fireEvent.click(screen.getByRole('button', { name: '已结束' }));
    await waitFor(() => expect(screen.getAllByTestId('campaign')).toHaveLength(1));
    expect(asked.at(-1)).toEqual({ status: 'ENDED', after: null });
    expect(new URLSearchParams(location.search).get('status')).toBe('ENDED');
  });

  it('creates a campaign in Beijing time with its target exactly as typed', async () => {
    const { created } = answerCampaigns();
    openConsole('/console/campaigns', { credential: storedSession(1), permissions: MAY_MANAGE });
    fireEvent.click(await screen.findByRole('button', { name: '新建活动' }));
    const editor = screen.getByTestId('campaign-editor');
    fireEvent.input(within(editor).getByLabelText('活动名称'), { target: { value: '双12年终盛典' } });
    fireEvent.click(within(editor).getByRole('button', { name: '创建活动' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('未保存：至少选择一个参与店铺');
    fireEvent.click(within(editor).getByLabelText(SHOP.name));
    fireEvent.change(within(editor).getByLabelText('开始（北京时间）'), { target: { value: '2026-12-12T00:00' } });
    fireEvent.change(within(editor).getByLabelText('结束（北京时间）'), { target: { value: '2026-12-11T00:00' } });
    fireEvent.click(within(editor).getByRole('button', { name: '创建活动' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('结束须晚于开始');
    fireEvent.change(within(editor).getByLabelText('结束（北京时间）'), { target: { value: '2026-12-13T00:00' } });
    fireEvent.input(within(editor).getByLabelText('GMV 目标（元）'), { target: { value: '3,000,000' } });
    fireEvent.input(within(editor).getByLabelText('活动主题（满减等，可不填）'), { target: { value: '满200减30' } });
    fireEvent.input(within(editor).getByLabelText('目标转化率（%，空为不设）'), { target: { value: '3.5.' } });
    fireEvent.click(within(editor).getByRole('button', { name: '创建活动' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('目标转化率须大于 0');
    fireEvent.input(within(editor).getByLabelText('目标转化率（%，空为不设）'), { target: { value: '3.5' } });
    fireEvent.click(within(editor).getByRole('button', { name: '创建活动' }));
    await waitFor(() => expect(screen.getAllByTestId('campaign')).toHaveLength(3));
    expect(created).toEqual([
      { name: '双12年终盛典', shopIds: [SHOP.id], startsAt: '2026-12-12T00:00:00+08:00', endsAt: '2026-12-13T00:00:00+08:00', gmvTarget: '3000000.00', conversionTarget: 0.035, theme: '满200减30', requestId: expect.stringMatching(/^console-[0-9a-f-]{36}$/) },
    ]);
    expect(screen.queryByTestId('campaign-editor')).toBeNull();
  });

  it('sends a requestId of its own with each new campaign form: the server makes one campaign however often that form is saved', async () => {
    const { created } = answerCampaigns();
    openConsole('/console/campaigns', { credential: storedSession(1), permissions: MAY_MANAGE });
    const fill = async (name: string) => {
      fireEvent.click(await screen.findByRole('button', { name: '新建活动' }));
      const editor = screen.getByTestId('campaign-editor');
      fireEvent.input(within(editor).getByLabelText('活动名称'), { target: { value: name } });
      fireEvent.click(within(editor).getByLabelText(SHOP.name));
      fireEvent.change(within(editor).getByLabelText('开始（北京时间）'), { target: { value: '2026-12-12T00:00' } });
      fireEvent.change(within(editor).getByLabelText('结束（北京时间）'), { target: { value: '2026-12-13T00:00' } });
      fireEvent.input(within(editor).getByLabelText('GMV 目标（元）'), { target: { value: '1000000' } });
      fireEvent.click(within(editor).getByRole('button', { name: '创建活动' }));
      await waitFor(() => expect(screen.queryByTestId('campaign-editor')).toBeNull());
    };
    await fill('双12');
    await fill('年货节');
    expect(created).toHaveLength(2);
    // A new form is a new campaign: its own requestId.
    expect(created[0]!.requestId).not.toBe(created[1]!.requestId);
  });

  it('edits only what changed, and cancels a live campaign only when asked twice', async () => {
    const { updated } = answerCampaigns();
    openConsole('/console/campaigns', { credential: storedSession(1), permissions: MAY_MANAGE });
    await waitFor(() => expect(screen.getAllByTestId('campaign')).toHaveLength(2));
    fireEvent.click(within(row('双11全球狂欢节')).getByRole('button', { name: '编辑' }));
    const editor = screen.getByTestId('campaign-editor');
    expect(within(editor).getByLabelText('开始（北京时间）')).toHaveValue('2026-10-31T20:00');
    fireEvent.input(within(editor).getByLabelText('GMV 目标（元）'), { target: { value: '6000000' } });
    fireEvent.click(within(editor).getByRole('button', { name: '保存修改' }));
    await waitFor(() => expect(row('双11全球狂欢节')).toHaveTextContent('¥6,000,000.00'));
    expect(updated).toEqual([{ id: LIVE.id, gmvTarget: '6000000.00' }]);

    fireEvent.click(within(row('双11全球狂欢节')).getByRole('button', { name: '取消活动' }));
    expect(updated).toHaveLength(1);
    fireEvent.click(within(row('双11全球狂欢节')).getByRole('button', { name: '确认取消活动' }));
    await waitFor(() => expect(row('双11全球狂欢节').dataset.status).toBe('CANCELLED'));
    expect(updated[1]).toEqual({ id: LIVE.id, cancelled: true });
    fireEvent.click(within(row('双11全球狂欢节')).getByRole('button', { name: '恢复活动' }));
    await waitFor(() => expect(row('双11全球狂欢节').dataset.status).toBe('ACTIVE'));
    expect(updated[2]).toEqual({ id: LIVE.id, cancelled: false });
  });

  it('keeps an ended campaign’s record: only its name and theme are offered, and the server’s refusal is said', async () => {
    answerCampaigns({ refuseUpdate: true });
    openConsole('/console/campaigns', { credential: storedSession(1), permissions: MAY_MANAGE });
    await waitFor(() => expect(screen.getAllByTestId('campaign')).toHaveLength(2));
    expect(within(row('618')).queryByRole('button', { name: '取消活动' })).toBeNull();
    fireEvent.click(within(row('618')).getByRole('button', { name: '编辑' }));
    const editor = screen.getByTestId('campaign-editor');
    expect(within(editor).getByLabelText('GMV 目标（元）')).toBeDisabled();
    expect(within(editor).getByLabelText(SHOP.name)).toBeDisabled();
    expect(editor).toHaveTextContent('只能改名称和主题');
    fireEvent.input(within(editor).getByLabelText('活动名称'), { target: { value: '618 年中大促（复盘版）' } });
    fireEvent.click(within(editor).getByRole('button', { name: '保存修改' }));
    await expectAlertFollowsToggle(/^保存失败：活动已结束：gmvTarget 属于活动记录，不能再改$/, /^Not saved: the campaign ended/);
  });

  it('splits a new campaign’s target by shop, says what is left to give, and refuses a split that does not add up', async () => {
    const { created } = answerCampaigns();
    const JD = { id: 'U2hvcDoy', name: '京东旗舰店', platform: 'JD' as const };
    openConsole('/console/campaigns', {
      credential: storedSession(1),
      permissions: MAY_MANAGE,
      shops: () => HttpResponse.json({ data: { shops: { edges: [{ node: SHOP }, { node: JD }] } } }),
    });
    fireEvent.click(await screen.findByRole('button', { name: '新建活动' }));
    const editor = screen.getByTestId('campaign-editor');
    fireEvent.input(within(editor).getByLabelText('活动名称'), { target: { value: '双12' } });
    fireEvent.change(within(editor).getByLabelText('开始（北京时间）'), { target: { value: '2026-12-12T00:00' } });
    fireEvent.change(within(editor).getByLabelText('结束（北京时间）'), { target: { value: '2026-12-13T00:00' } });
    fireEvent.input(within(editor).getByLabelText('GMV 目标（元）'), { target: { value: '1000000' } });
    fireEvent.click(within(editor).getByLabelText(SHOP.name));
    // One shop: nothing to split.
    expect(screen.queryByTestId('campaign-split')).toBeNull();
    fireEvent.click(within(editor).getByLabelText(JD.name));
    const split = screen.getByTestId('campaign-split');
    fireEvent.click(within(split).getByLabelText('按店铺拆解目标'));
    fireEvent.input(within(split).getByLabelText(SHOP.name), { target: { value: '600000' } });
    fireEvent.input(within(split).getByLabelText(JD.name), { target: { value: '300000' } });
    expect(screen.getByTestId('campaign-split-sum')).toHaveTextContent('已分配 ¥900,000.00 / 目标 ¥1,000,000.00');
    fireEvent.click(within(editor).getByRole('button', { name: '创建活动' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('合计须等于 GMV 目标');
    expect(created).toEqual([]);
    fireEvent.input(within(split).getByLabelText(JD.name), { target: { value: '400,000' } });
    fireEvent.click(within(editor).getByRole('button', { name: '创建活动' }));
    await waitFor(() => expect(created).toHaveLength(1));
    expect(created[0]!.shopTargets).toEqual([
      { shopId: SHOP.id, gmvTarget: '600000.00' },
      { shopId: JD.id, gmvTarget: '400000.00' },
    ]);
  });

  it('marks a campaign seen in part as 本店部分 and offers no edit of it, even with MANAGE', async () => {
    const part: CampaignRow = { ...LIVE, partial: true, gmvTarget: '1500000.00', shopTargets: [{ shop: { id: SHOP.id }, gmvTarget: '1500000.00' }] };
    server.use(
      api.query<ResultOf<typeof ConsoleCampaignsQuery>, VariablesOf<typeof ConsoleCampaignsQuery>>('ConsoleCampaigns', () =>
        HttpResponse.json({ data: { campaigns: { totalCount: 1, edges: [{ node: part }], pageInfo: { hasNextPage: false, endCursor: null } } } }),
      ),
    );
    openConsole('/console/campaigns', { credential: storedSession(1), permissions: MAY_MANAGE });
    const live = await waitFor(() => row('双11全球狂欢节'));
    expect(within(live).getByTestId('campaign-partial')).toHaveTextContent('本店部分');
    expect(live).toHaveTextContent('¥1,500,000.00');
    expect(within(live).queryByRole('button', { name: '编辑' })).toBeNull();
    expect(within(live).getByRole('link', { name: '作战室' })).toBeInTheDocument();
  });

  it('asks before making a campaign whose end has passed (last year typed for this), and deletes one made by mistake', async () => {
    const { created } = answerCampaigns();
    const deleted: string[] = [];
    server.use(
      api.mutation<ResultOf<typeof DeleteCampaignMutation>, VariablesOf<typeof DeleteCampaignMutation>>('ConsoleDeleteCampaign', ({ variables }) => {
        deleted.push(variables.input.id);
        if (variables.input.id === LIVE.id) {
          return HttpResponse.json({
            data: {
              deleteCampaign: {
                campaign: null,
                userErrors: [{ field: ['input', 'id'], code: 'CONFLICT', message: 'orders or traffic is attributed to this campaign: it is a record and stays; cancel it instead', messageZh: '已有订单或流量归属此活动：它是记录，不能删除；请改为取消活动' }],
              },
            },
          });
        }
        return HttpResponse.json({ data: { deleteCampaign: { campaign: { id: variables.input.id }, userErrors: [] } } });
      }),
    );
    openConsole('/console/campaigns', { credential: storedSession(1), permissions: MAY_MANAGE });
    fireEvent.click(await screen.findByRole('button', { name: '新建活动' }));
    const editor = screen.getByTestId('campaign-editor');
    fireEvent.input(within(editor).getByLabelText('活动名称'), { target: { value: '双11全球狂欢节' } });
    fireEvent.click(within(editor).getByLabelText(SHOP.name));
    fireEvent.change(within(editor).getByLabelText('开始（北京时间）'), { target: { value: '2025-11-01T00:00' } });
    fireEvent.change(within(editor).getByLabelText('结束（北京时间）'), { target: { value: '2025-11-12T00:00' } });
    fireEvent.input(within(editor).getByLabelText('GMV 目标（元）'), { target: { value: '1000000' } });
    fireEvent.click(within(editor).getByRole('button', { name: '创建活动' }));
    expect(await within(editor).findByRole('alert')).toHaveTextContent('结束时间已过');
    expect(created).toEqual([]);
    fireEvent.click(within(screen.getByTestId('campaign-past')).getByRole('checkbox'));
    fireEvent.click(within(editor).getByRole('button', { name: '创建活动' }));
    await waitFor(() => expect(created).toHaveLength(1));

    // A campaign with orders is a record: the refusal is said in its row.
    await waitFor(() => expect(screen.getAllByTestId('campaign')).toHaveLength(3));
    const live = screen.getAllByTestId('campaign').find((r) => r.textContent?.includes('¥3,250,000.00'))!;
    fireEvent.click(within(live).getByRole('button', { name: '删除' }));
    fireEvent.click(within(live).getByRole('button', { name: '确认删除' }));
    expect(await within(live).findByRole('alert')).toHaveTextContent('删除失败：已有订单或流量归属此活动：它是记录，不能删除');
    expect(deleted).toContain(LIVE.id);
  });
});
