import { fireEvent, render, screen, waitFor } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { campaign, campaignsResult, openAlertsResult } from '../../test/fixtures';
import { api, server, useMockApi } from '../../test/msw';
import { startApi } from '../../test/render';
import type { ResultOf } from '../graphql/graphql';
import type { CampaignsQuery } from '../features/war-room/war-room.documents';
import { App } from './App';

useMockApi();

const ended = campaign({ id: 'c-618', name: '618 年中大促', status: 'ENDED', endsAt: '2026-06-18T16:00:00Z' });
const active = campaign({ id: 'c-1111', name: '双11 主会场', status: 'ACTIVE' });

function campaigns(list: ReturnType<typeof campaign>[]) {
  server.use(
    api.query<ResultOf<typeof CampaignsQuery>>('WarRoomCampaigns', () => HttpResponse.json({ data: campaignsResult(list) })),
    api.query('WarRoomMilestones', () => HttpResponse.json({ data: { campaign: null } })),
    api.query('WarRoomAlerts', () => HttpResponse.json({ data: openAlertsResult([]) })),
  );
}

function openApp() {
  const testApi = startApi();
  render(() => <App clients={testApi.clients} connection={testApi.connection} staleAfterMs={8_000} />);
  return testApi;
}

const streamedCampaign = async (live: ReturnType<typeof startApi>['live']) => {
  await vi.waitFor(() => expect(live.isSubscribed('WarRoomProgress')).toBe(true));
  return live.variablesOf('WarRoomProgress').map((v) => v.campaignId);
};

describe('App', () => {
  it('says it is connecting, then opens the active campaign', async () => {
    campaigns([ended, active]);
    const { live } = openApp();
    expect(screen.getByText('正在连接实时数据…')).toBeInTheDocument();
    expect(await screen.findByTestId<HTMLSelectElement>('campaign-picker')).toHaveValue('c-1111');
    expect(await streamedCampaign(live)).toEqual(['c-1111']);
  });

  it('opens the campaign named in ?campaign=', async () => {
    history.replaceState(null, '', '/?campaign=c-618');
    campaigns([ended, active]);
    const { live } = openApp();
    expect(await streamedCampaign(live)).toEqual(['c-618']);
  });

  it('falls back to the active campaign for an unknown ?campaign=', async () => {
    history.replaceState(null, '', '/?campaign=c-gone');
    campaigns([ended, active]);
    const { live } = openApp();
    expect(await streamedCampaign(live)).toEqual(['c-1111']);
  });

  it('switches the war room to the campaign picked, and keeps it in the URL', async () => {
    campaigns([ended, active]);
    const { live } = openApp();
    const picker = await screen.findByTestId<HTMLSelectElement>('campaign-picker');
    await streamedCampaign(live);

    fireEvent.change(picker, { target: { value: 'c-618' } });
    // The old campaign's streams are closed, not left running beside the new ones.
    await waitFor(() => expect(live.variablesOf('WarRoomProgress')).toEqual([{ campaignId: 'c-618' }]));
    expect(live.variablesOf('WarRoomToday')).toEqual([{ campaignId: 'c-618' }]);
    expect(new URLSearchParams(location.search).get('campaign')).toBe('c-618');
    expect(screen.getByTestId<HTMLSelectElement>('campaign-picker')).toHaveValue('c-618');
  });

  it('asks for a campaign to be created when there is none', async () => {
    campaigns([]);
    openApp();
    expect(await screen.findByText('暂无活动。请先创建一个大促活动。')).toBeInTheDocument();
  });

  it('says what went wrong when the campaigns cannot be loaded', async () => {
    server.use(api.query('WarRoomCampaigns', () => HttpResponse.json({ errors: [{ message: 'Not authorised' }] })));
    openApp();
    expect(await screen.findByText(/^加载失败：.*Not authorised/)).toBeInTheDocument();
  });
});
