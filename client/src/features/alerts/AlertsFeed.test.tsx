import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { delay, HttpResponse } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { acknowledgeResult, alert, alertRaisedPayload, MAY_MANAGE, openAlertsResult, READ_ONLY } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { renderWithProviders, startApi } from '../../../test/render';
import { answerViewer } from '../../../test/viewer';
import type { CredentialStore } from '../../auth/credential-store';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { Locale } from '../../i18n/messages';
import { createViewerPermissions } from '../access/viewer.data';
import type { Permission } from '../access/viewer.documents';
import { AlertRaisedSubscription, type AcknowledgeAlertMutation, type OpenAlertsQuery } from './alerts.documents';
import { AlertsFeed } from './AlertsFeed';

useMockApi();

/** The feed as the screen wires it: permissions asked of the server with the screen's credential. */
function FeedForViewer(props: { credentials: CredentialStore }) {
  const permissions = createViewerPermissions(() => props.credentials.current());
  return <AlertsFeed permissions={permissions()} />;
}

/**
 * Renders the feed for a viewer the server grants `permissions`, answered once `answered` resolves
 * (at once by default). Returns the live API and how many times the viewer was asked.
 */
function openFeed(options: { permissions: readonly Permission[]; locale?: Locale; answered?: Promise<void> }) {
  const asked = answerViewer(async () => {
    await options.answered;
    return options.permissions;
  });
  const testApi = startApi();
  renderWithProviders(() => <FeedForViewer credentials={testApi.credentials} />, { api: testApi, locale: options.locale ?? 'zh-CN' });
  return { ...testApi, viewerAsked: () => asked.length };
}

const conversion = alert({ id: 'a-conv', severity: 'CRITICAL', subject: '天猫旗舰店', message: '转化率 10 分钟内下降 35%' });
const stock = alert({ id: 'a-stock', rule: 'LOW_STOCK', severity: 'WARNING', subject: '保温杯 500ml', message: '库存仅剩 3 件' });

function openAlerts(...alerts: Parameters<typeof openAlertsResult>[0]) {
  return api.query<ResultOf<typeof OpenAlertsQuery>, VariablesOf<typeof OpenAlertsQuery>>('WarRoomAlerts', () =>
    HttpResponse.json({ data: openAlertsResult(alerts) }),
  );
}

type AckHandler = (id: string) => Promise<ResultOf<typeof AcknowledgeAlertMutation>> | ResultOf<typeof AcknowledgeAlertMutation>;

function acknowledgements(answer: AckHandler) {
  const asked: string[] = [];
  server.use(
    api.mutation<ResultOf<typeof AcknowledgeAlertMutation>, VariablesOf<typeof AcknowledgeAlertMutation>>('WarRoomAcknowledge', async ({ variables }) => {
      asked.push(variables.id);
      return HttpResponse.json({ data: await answer(variables.id) });
    }),
  );
  return asked;
}

const alertItem = (subject: string) => {
  const item = screen.getByText(subject).closest('li');
  if (!item) throw new Error(`no alert about ${subject}`);
  return item;
};

describe('AlertsFeed', () => {
  it('loads the open alerts with severity, subject, Beijing time and count', async () => {
    server.use(openAlerts(conversion, stock));
    openFeed({ permissions: MAY_MANAGE });

    expect(await screen.findAllByTestId('alert')).toHaveLength(2);
    const feed = screen.getByTestId('alerts-feed');
    expect(within(feed).getByRole('heading')).toHaveTextContent('告警');
    expect(feed.querySelector('.count')).toHaveTextContent('2');
    expect(alertItem('天猫旗舰店')).toHaveTextContent('严重');
    expect(alertItem('天猫旗舰店')).toHaveTextContent('11:58:00');
    expect(alertItem('天猫旗舰店')).toHaveClass('severity-critical');
    expect(alertItem('保温杯 500ml')).toHaveTextContent('警告');
    expect(alertItem('保温杯 500ml')).toHaveTextContent('库存仅剩 3 件');
  });

  it('says there is nothing open when the list is empty', async () => {
    server.use(openAlerts());
    openFeed({ permissions: MAY_MANAGE });
    expect(await screen.findByText('没有未处理的告警')).toBeInTheDocument();
  });

  it('shows a read-only viewer (a screen key, a VIEWER) every alert but no 确认', async () => {
    server.use(openAlerts(conversion, stock));
    const feed = openFeed({ permissions: READ_ONLY });

    expect(await screen.findAllByTestId('alert')).toHaveLength(2);
    await vi.waitFor(() => expect(feed.viewerAsked()).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 100)); // the answer, READ only, has landed
    expect(screen.queryByRole('button')).not.toBeInTheDocument();
    expect(screen.getByTestId('alerts-feed')).not.toHaveTextContent('确认');
    expect(screen.getByTestId('alerts-feed').querySelector('.count')).toHaveTextContent('2');
  });

  it('shows the alerts at once but 确认 only once the server has said the viewer may manage', async () => {
    server.use(openAlerts(conversion));
    let answer: () => void = () => undefined;
    const feed = openFeed({ permissions: MAY_MANAGE, answered: new Promise((resolve) => (answer = resolve)) });

    await screen.findAllByTestId('alert');
    await vi.waitFor(() => expect(feed.viewerAsked()).toBe(1));
    expect(screen.getByText('天猫旗舰店')).toBeInTheDocument();
    expect(screen.queryByRole('button')).not.toBeInTheDocument();

    answer();
    expect(await within(alertItem('天猫旗舰店')).findByRole('button', { name: '确认' })).toBeEnabled();
    expect(feed.viewerAsked()).toBe(1);
  });

  it('lets a viewer who may manage acknowledge, removing the alert only once the server confirms', async () => {
    server.use(openAlerts(conversion, stock));
    let confirm: () => void = () => undefined;
    const asked = acknowledgements(
      (id) =>
        new Promise((resolve) => {
          confirm = () => resolve(acknowledgeResult(id === conversion.id ? conversion : stock));
        }),
    );
    openFeed({ permissions: MAY_MANAGE });

    await screen.findAllByRole('button', { name: '确认' });
    fireEvent.click(within(alertItem('天猫旗舰店')).getByRole('button', { name: '确认' }));
    const button = within(alertItem('天猫旗舰店')).getByRole('button');
    expect(button).toBeDisabled();
    expect(button).toHaveTextContent('确认中…');
    await vi.waitFor(() => expect(asked).toEqual([conversion.id]));
    // In flight: still on screen.
    expect(screen.getByText('天猫旗舰店')).toBeInTheDocument();

    confirm();
    await waitFor(() => expect(screen.queryByText('天猫旗舰店')).not.toBeInTheDocument());
    expect(screen.getAllByTestId('alert')).toHaveLength(1);
    expect(screen.getByTestId('alerts-feed').querySelector('.count')).toHaveTextContent('1');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });

  it('keeps the alert and says why when the server refuses the acknowledgement', async () => {
    server.use(openAlerts(conversion));
    acknowledgements(() => acknowledgeResult(null, ['告警不存在或无权操作']));
    openFeed({ permissions: MAY_MANAGE });

    fireEvent.click(await screen.findByRole('button', { name: '确认' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('确认失败：告警不存在或无权操作');
    expect(screen.getByText('天猫旗舰店')).toBeInTheDocument();
    // Ready to try again.
    expect(screen.getByRole('button', { name: '确认' })).toBeEnabled();
  });

  it.each([
    { locale: 'zh-CN' as const, ack: '确认', says: '确认失败：此账号只有查看权限' },
    { locale: 'en' as const, ack: 'Acknowledge', says: 'Could not acknowledge: this account may only read' },
  ])('says in words ($locale) that the account may only read when the server answers FORBIDDEN', async ({ locale, ack, says }) => {
    // The screen was told MANAGE, but the server refuses (the grant changed since): its word is final.
    server.use(
      openAlerts(conversion),
      api.mutation('WarRoomAcknowledge', () =>
        HttpResponse.json({
          data: null,
          errors: [{ message: 'Not allowed: your credential does not permit Mutation.acknowledgeAlert', extensions: { code: 'FORBIDDEN' } }],
        }),
      ),
    );
    openFeed({ permissions: MAY_MANAGE, locale });

    fireEvent.click(await screen.findByRole('button', { name: ack }));
    expect(await screen.findByRole('alert')).toHaveTextContent(says);
    expect(screen.getByRole('alert')).not.toHaveTextContent('Not allowed');
    expect(screen.getByText('天猫旗舰店')).toBeInTheDocument();
  });

  it('keeps the alert and says why when the request itself fails', async () => {
    server.use(
      openAlerts(conversion),
      api.mutation('WarRoomAcknowledge', async () => {
        await delay(5);
        return HttpResponse.json({ errors: [{ message: 'Unexpected error.' }] });
      }),
    );
    openFeed({ permissions: MAY_MANAGE, locale: 'en' });

    fireEvent.click(await screen.findByRole('button', { name: 'Acknowledge' }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/^Could not acknowledge: .*Unexpected error\./);
    expect(screen.getByText('天猫旗舰店')).toBeInTheDocument();
  });

  it('puts a newly raised alert on top of the loaded ones', async () => {
    server.use(openAlerts(stock));
    const { live } = openFeed({ permissions: READ_ONLY });
    await screen.findAllByTestId('alert');
    await vi.waitFor(() => expect(live.isSubscribed('WarRoomAlertRaised')).toBe(true));

    live.push(AlertRaisedSubscription, alertRaisedPayload(conversion));
    await waitFor(() => expect(screen.getAllByTestId('alert')).toHaveLength(2));
    expect(screen.getAllByTestId('alert')[0]).toHaveTextContent('天猫旗舰店');

    // An alert already on screen (raised again, or raised and loaded) is not listed twice.
    live.push(AlertRaisedSubscription, alertRaisedPayload(conversion));
    live.push(AlertRaisedSubscription, alertRaisedPayload(stock));
    live.push(AlertRaisedSubscription, alertRaisedPayload(alert({ id: 'a-refund', subject: '京东自营店', message: '退款率升至 8%' })));
    await screen.findByText('京东自营店');
    expect(screen.getAllByTestId('alert').map((li) => li.querySelector('.alert-subject')?.textContent)).toEqual(['京东自营店', '保温杯 500ml', '天猫旗舰店']);
  });
});
