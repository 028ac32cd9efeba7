import { fireEvent, screen, waitFor } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { answerDailyReports, openConsole } from '../../../test/console';
import { campaign, campaignsResult, milestonesResult, openAlertsResult } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';

useMockApi();

const active = campaign({ id: 'c-1111', name: '双11 主会场', status: 'ACTIVE', endsAt: '2026-11-11T16:00:00Z' });
const older = campaign({ id: 'c-520', name: '520 大促', status: 'ENDED', endsAt: '2026-05-20T16:00:00Z' });
const lastEnded = campaign({ id: 'c-618', name: '618 年中大促', status: 'ENDED', endsAt: '2026-06-18T16:00:00Z' });

/** Every page's questions answered, with nothing in them: these tests are about which page shows. */
function answerEverything() {
  answerDailyReports(() => []);
  server.use(
    api.query('WarRoomCampaigns', () => HttpResponse.json({ data: campaignsResult([older, active, lastEnded]) })),
    api.query('WarRoomMilestones', ({ variables }) => HttpResponse.json({ data: milestonesResult(String(variables.campaignId), []) })),
    api.query('WarRoomAlerts', () => HttpResponse.json({ data: openAlertsResult([]) })),
    api.query('ConsoleRetrospective', () => HttpResponse.json({ data: { campaign: null } })),
    api.query('ConsolePlans', () => HttpResponse.json({ data: { plans: { edges: [] } } })),
    api.query('ConsoleCustomerSegments', () => HttpResponse.json({ data: { customerSegments: [] } })),
    api.query('ConsoleCustomers', () => HttpResponse.json({ data: { customers: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } } })),
    api.query('ConsoleProducts', () => HttpResponse.json({ data: { products: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } } })),
  );
}

describe('the console routes', () => {
  it.each([
    ['/console', 'reports-page'],
    ['/console/reports', 'reports-page'],
    ['/console/retrospective/c-618', 'retrospective-page'],
    ['/console/milestones/c-1111', 'milestones-page'],
    ['/console/customers', 'customers-page'],
    ['/console/products', 'products-page'],
  ])('%s shows its page inside the console', async (path, page) => {
    answerEverything();
    openConsole(path);
    expect(await screen.findByTestId(page)).toBeInTheDocument();
    expect(screen.getByTestId('console')).toBeInTheDocument();
    expect(screen.queryByTestId('canvas')).not.toBeInTheDocument();
    expect(location.pathname).toBe(path);
  });

  it('shows one day of one shop at /console/reports/:shopId/:date, the id taken back out of the address', async () => {
    answerEverything();
    const asked = answerDailyReports(() => []); // the handler added last answers
    const shopId = 'U2hvcDo/MQ=='; // base64 ids may hold / and =
    openConsole(`/console/reports/${encodeURIComponent(shopId)}/2026-11-10`);
    await waitFor(() => expect(screen.getAllByTestId('day-report').map((d) => d.dataset.date)).toEqual(['2026-11-10']));
    await waitFor(() => expect(asked).toEqual([`${shopId} 2026-11-10`]));
  });

  it.each([
    ['/console/retrospective', '/console/retrospective/c-618', 'retrospective-page'],
    ['/console/milestones', '/console/milestones/c-1111', 'milestones-page'],
    ['/console/no-such-page', '/console/reports', 'reports-page'],
  ])('%s goes on to %s', async (path, target, page) => {
    answerEverything();
    openConsole(path);
    expect(await screen.findByTestId(page)).toBeInTheDocument();
    await waitFor(() => expect(location.pathname).toBe(target));
  });

  it('asks for the campaigns again when they fail to load, and then goes on to the default campaign', async () => {
    answerEverything();
    let asked = 0;
    server.use(
      api.query('WarRoomCampaigns', () => {
        asked += 1;
        return asked === 1 ? HttpResponse.error() : HttpResponse.json({ data: campaignsResult([older, active, lastEnded]) });
      }),
    );
    openConsole('/console/retrospective');
    expect(await screen.findByText(/^加载失败：.*正在重试…$/)).toBeInTheDocument();
    expect(await screen.findByTestId('retrospective-page', {}, { timeout: 3_000 })).toBeInTheDocument();
    await waitFor(() => expect(location.pathname).toBe('/console/retrospective/c-618'));
    expect(asked).toBe(2);
  });

  it('/ is the war room on the wall, as before', async () => {
    answerEverything();
    openConsole('/');
    expect(await screen.findByTestId('campaign-picker')).toBeInTheDocument();
    expect(document.querySelector('.war-room')).not.toBeNull();
    expect(screen.queryByTestId('console')).not.toBeInTheDocument();
  });

  it.each(['/m', '/m/'])('%s is the phone view', async (path) => {
    answerEverything();
    openConsole(path);
    expect(await screen.findByTestId('phone')).toBeInTheDocument();
    expect(screen.queryByTestId('console')).not.toBeInTheDocument();
  });

  it('goes from the war room to the console (运营台) and back (作战室) without reloading', async () => {
    answerEverything();
    openConsole('/');
    fireEvent.click(await screen.findByRole('link', { name: '运营台' }));
    expect(await screen.findByTestId('reports-page')).toBeInTheDocument();
    expect(location.pathname).toBe('/console');

    fireEvent.click(screen.getByRole('link', { name: '客户分层' }));
    expect(await screen.findByTestId('customers-page')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('link', { name: '商品库存' }));
    expect(await screen.findByTestId('products-page')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('link', { name: '作战室' }));
    expect(await screen.findByTestId('campaign-picker')).toBeInTheDocument();
    expect(location.pathname).toBe('/');
  });
});
