import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { openConsole, SHOP } from '../../../test/console';
import { MAY_MANAGE, READ_ONLY, storedSession } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { expectAlertFollowsToggle } from '../../../test/refusals';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { RecordSpendMutation, SpendCampaign, SpendCampaignsQuery, SpendDay, SpendDayQuery, SpendEntriesQuery, SpendEntry, VoidSpendMutation } from './spend.documents';

useMockApi();

const DOUBLE_11: SpendCampaign = { id: 'Q2FtcGFpZ246MQ==', name: '双11狂欢节', startsAt: '2026-10-31T20:00:00+08:00', endsAt: '2026-11-12T00:00:00+08:00', status: 'ENDED', shops: [{ id: SHOP.id }] };
const OTHER_SHOPS: SpendCampaign = { id: 'Q2FtcGFpZ246Mg==', name: '京东专场', startsAt: '2026-11-01T00:00:00+08:00', endsAt: '2026-11-30T00:00:00+08:00', status: 'ENDED', shops: [{ id: 'U2hvcDoy' }] };
/** The shop's too, but running only from 20:00 of the day. */
const EVENING: SpendCampaign = { id: 'Q2FtcGFpZ246Mw==', name: '晚八点专场', startsAt: '2026-11-11T20:00:00+08:00', endsAt: '2026-11-12T00:00:00+08:00', status: 'ENDED', shops: [{ id: SHOP.id }] };
/** The shop's, over the whole day, but called off. */
const CALLED_OFF: SpendCampaign = { id: 'Q2FtcGFpZ246NA==', name: '取消的专场', startsAt: '2026-11-01T00:00:00+08:00', endsAt: '2026-11-30T00:00:00+08:00', status: 'CANCELLED', shops: [{ id: SHOP.id }] };
const DAY: SpendDay = {
  gmv: '52000.00',
  spend: '9000.00',
  roi: 52000 / 9000,
  // As the API may order them: best ROI first is not what this page reads first.
  bySource: [
    { source: 'SEARCH', gmv: '1600.00', spend: '0.00', roi: null },
    { source: 'OTHER', gmv: '0.00', spend: '0.00', roi: null },
    { source: 'SOCIAL', gmv: '2400.00', spend: '3000.00', roi: 0.8 },
    { source: 'PAID', gmv: '48000.00', spend: '6000.00', roi: 8 },
  ],
};
const entry = (overrides: Partial<SpendEntry>): SpendEntry => ({
  id: 'TWFya2V0aW5nU3BlbmQ6MQ==',
  entryId: 'ztc-2026111110',
  spentAt: '2026-11-11T10:00:00+08:00',
  source: 'PAID',
  campaignId: DOUBLE_11.id,
  amount: '6000.00',
  recordedAt: '2026-11-11T11:02:00+08:00',
  voidedAt: null,
  voidedBy: null,
  voidReason: null,
  ...overrides,
});
const VOIDED = entry({ id: 'TWFya2V0aW5nU3BlbmQ6Mg==', entryId: 'qc-2026111109', source: 'SOCIAL', amount: '30000.00', campaignId: null, voidedAt: '2026-11-11T12:00:00+08:00', voidedBy: '王运营', voidReason: '把 3000 输成了 30000' });

type Recorded = VariablesOf<typeof RecordSpendMutation>['input'];
type Voided = VariablesOf<typeof VoidSpendMutation>['input'];

/** Answers the page's questions for 2026-11-11; returns what was asked and written. */
function answerSpend(options: { record?: (input: Recorded, n: number) => Response | undefined } = {}) {
  const asked: VariablesOf<typeof SpendDayQuery>[] = [];
  const recorded: Recorded[] = [];
  const voided: Voided[] = [];
  let entries = [entry({}), VOIDED];
  server.use(
    api.query<ResultOf<typeof SpendCampaignsQuery>>('ConsoleSpendCampaigns', () => HttpResponse.json({ data: { campaigns: { edges: [DOUBLE_11, OTHER_SHOPS, EVENING, CALLED_OFF].map((node) => ({ node })) } } })),
    api.query<ResultOf<typeof SpendDayQuery>, VariablesOf<typeof SpendDayQuery>>('ConsoleSpendDay', ({ variables }) => {
      asked.push(variables);
      return HttpResponse.json({ data: { metrics: DAY } });
    }),
    api.query<ResultOf<typeof SpendEntriesQuery>>('ConsoleSpendEntries', () =>
      HttpResponse.json({ data: { marketingSpend: { totalCount: entries.length, edges: entries.map((node) => ({ node })), pageInfo: { hasNextPage: false, endCursor: null } } } }),
    ),
    api.mutation<ResultOf<typeof RecordSpendMutation>, VariablesOf<typeof RecordSpendMutation>>('ConsoleRecordSpend', ({ variables }) => {
      recorded.push(variables.input);
      const answer = options.record?.(variables.input, recorded.length);
      if (answer) return answer;
      const [e] = variables.input.entries;
      entries = [entry({ id: `n${recorded.length}`, entryId: e!.id, spentAt: e!.spentAt as string, source: e!.source, amount: e!.amount as string, campaignId: e!.campaignId ?? null }), ...entries];
      return HttpResponse.json({ data: { recordMarketingSpend: { accepted: 1, duplicates: 0, userErrors: [] } } });
    }),
    api.mutation<ResultOf<typeof VoidSpendMutation>, VariablesOf<typeof VoidSpendMutation>>('ConsoleVoidSpend', ({ variables }) => {
      voided.push(variables.input);
      entries = entries.map((e) => (e.entryId === variables.input.entries[0]!.id ? { ...e, voidedAt: '2026-11-11T13:00:00+08:00', voidedBy: 'admin', voidReason: variables.input.reason } : e));
      return HttpResponse.json({ data: { voidMarketingSpend: { voided: 1, alreadyVoided: 0, userErrors: [] } } });
    }),
  );
  return { asked, recorded, voided };
}

const openDay = (permissions = MAY_MANAGE) => openConsole('/console/spend?date=2026-11-11', { credential: storedSession(1), permissions });
const form = () => screen.getByTestId('spend-form');

describe('the ad spend page', () => {
  it('shows the day’s GMV, spend and ROI by source, flags a source below 1, and lists the entries with the voided ones’ reasons', async () => {
    const { asked } = answerSpend();
    openDay(READ_ONLY);
    await waitFor(() => expect(screen.getAllByTestId('spend-entry')).toHaveLength(2));
    expect(screen.getByRole('link', { name: '投放花费' })).toHaveClass('active');
    expect(asked[0]).toEqual({ from: '2026-11-11T00:00:00+08:00', to: '2026-11-12T00:00:00+08:00', shopId: SHOP.id });
    expect(screen.getByTestId('spend-total')).toHaveTextContent('¥9,000.00');
    // 5.777… cut as every ROI is (formatRoi), never rounded up.
    expect(screen.getByTestId('spend-roi')).toHaveTextContent('5.77');
    // What the ads returned leaves out search's ¥1,600 that sold without spend: (2,400 + 48,000) / 9,000.
    expect(screen.getByTestId('spend-paid-roi')).toHaveTextContent('5.60');
    expect(screen.getByText('投放 ROI')).toBeInTheDocument();
    expect(screen.getByText('全店 ROI')).toBeInTheDocument();
    // Most spent first, then those that sold without spend (—); neither: left out.
    const rows = screen.getAllByTestId('spend-source');
    expect(rows.map((r) => r.dataset.source)).toEqual(['PAID', 'SOCIAL', 'SEARCH']);
    expect(rows[1]).toHaveTextContent('社交分享');
    expect(rows[1]).toHaveTextContent('0.80');
    expect(rows[1]).toHaveTextContent('建议暂停');
    expect(rows[0]).not.toHaveTextContent('建议暂停');
    expect(rows[2]).toHaveTextContent('—');
    const [counted, voided] = screen.getAllByTestId('spend-entry');
    expect(counted).toHaveTextContent('10:00');
    expect(counted).toHaveTextContent('付费推广');
    expect(counted).toHaveTextContent('¥6,000.00');
    expect(counted).toHaveTextContent('双11狂欢节');
    expect(voided!.dataset.voided).toBe('true');
    expect(screen.getByTestId('spend-page')).toHaveTextContent('王运营 于 11月11日 12:00 作废：把 3000 输成了 30000');
    // Read-only: nothing to record or void.
    expect(screen.queryByTestId('spend-form')).toBeNull();
    expect(screen.queryByRole('button', { name: '作废' })).toBeNull();
  });

  it('records an hour’s spend exactly as typed, for the shop’s campaign live then, and a next one under a new key', async () => {
    const { recorded } = answerSpend();
    openDay();
    await waitFor(() => expect(screen.getAllByTestId('spend-entry')).toHaveLength(2));
    fireEvent.change(within(form()).getByLabelText('时段'), { target: { value: '10' } });
    fireEvent.input(within(form()).getByLabelText('金额（元）'), { target: { value: '1,250.5' } });
    // The campaign live at 10:00 for this shop; another shop's is not offered.
    expect(within(form()).getByLabelText('归属活动')).toHaveValue(DOUBLE_11.id);
    expect([...within(form()).getByLabelText<HTMLSelectElement>('归属活动').options].map((o) => o.textContent)).toEqual(['不归属活动', DOUBLE_11.name]);
    fireEvent.click(within(form()).getByRole('button', { name: '记录' }));
    expect(await within(form()).findByRole('status')).toHaveTextContent('已记录 ¥1,250.50（付费推广 10:00）');
    expect(recorded).toEqual([
      { entries: [{ id: expect.stringMatching(/^console-[0-9a-f-]{36}$/), shopId: SHOP.id, spentAt: '2026-11-11T10:00:00+08:00', source: 'PAID', amount: '1250.50', campaignId: DOUBLE_11.id }] },
    ]);
    await waitFor(() => expect(screen.getAllByTestId('spend-entry')).toHaveLength(3));
    expect(within(form()).getByLabelText('金额（元）')).toHaveValue('');

    fireEvent.change(within(form()).getByLabelText('来源'), { target: { value: 'SOCIAL' } });
    fireEvent.change(within(form()).getByLabelText('归属活动'), { target: { value: '' } });
    fireEvent.input(within(form()).getByLabelText('金额（元）'), { target: { value: '800' } });
    fireEvent.click(within(form()).getByRole('button', { name: '记录' }));
    await waitFor(() => expect(recorded).toHaveLength(2));
    const second = recorded[1]!.entries[0]!;
    expect(second).toEqual({ id: expect.stringMatching(/^console-/), shopId: SHOP.id, spentAt: '2026-11-11T10:00:00+08:00', source: 'SOCIAL', amount: '800.00' });
    expect(second.id).not.toBe(recorded[0]!.entries[0]!.id);
  });

  it('offers only the shop’s campaigns running at the entry’s hour, as the server takes them, and drops a choice the hour no longer allows', async () => {
    const { recorded } = answerSpend();
    openDay();
    await waitFor(() => expect(screen.getAllByTestId('spend-entry')).toHaveLength(2));
    const campaignSelect = () => within(form()).getByLabelText<HTMLSelectElement>('归属活动');
    const offered = () => [...campaignSelect().options].map((o) => o.textContent);
    fireEvent.change(within(form()).getByLabelText('时段'), { target: { value: '21' } });
    // The cancelled one is never offered, whatever its window.
    expect(offered()).toEqual(['不归属活动', DOUBLE_11.name, EVENING.name]);
    fireEvent.change(campaignSelect(), { target: { value: EVENING.id } });
    expect(campaignSelect()).toHaveValue(EVENING.id);
    // 19:00 is before the evening campaign: it is not offered, and the entry counts for the one running then.
    fireEvent.change(within(form()).getByLabelText('时段'), { target: { value: '19' } });
    expect(offered()).toEqual(['不归属活动', DOUBLE_11.name]);
    expect(campaignSelect()).toHaveValue(DOUBLE_11.id);
    fireEvent.input(within(form()).getByLabelText('金额（元）'), { target: { value: '300' } });
    fireEvent.click(within(form()).getByRole('button', { name: '记录' }));
    await waitFor(() => expect(recorded).toHaveLength(1));
    expect(recorded[0]!.entries[0]).toMatchObject({ spentAt: '2026-11-11T19:00:00+08:00', campaignId: DOUBLE_11.id });
  });

  it('sends nothing for an amount that is not one, and sends a refused entry again under the same key', async () => {
    const { recorded } = answerSpend({
      record: (_input, n) =>
        n === 1
          ? HttpResponse.json({ data: { recordMarketingSpend: { accepted: 0, duplicates: 0, userErrors: [{ field: ['input', 'entries', '0', 'amount'], code: 'INVALID_AMOUNT', message: 'amount is above ¥100,000,000.00', messageZh: '金额超过 ¥100,000,000.00' }] } } })
          : undefined,
    });
    openDay();
    await waitFor(() => expect(screen.getAllByTestId('spend-entry')).toHaveLength(2));
    fireEvent.input(within(form()).getByLabelText('金额（元）'), { target: { value: '12.345' } });
    fireEvent.click(within(form()).getByRole('button', { name: '记录' }));
    expect(await within(form()).findByRole('alert')).toHaveTextContent('未记录：金额须大于 0，最多两位小数');
    expect(recorded).toEqual([]);

    fireEvent.input(within(form()).getByLabelText('金额（元）'), { target: { value: '200000000' } });
    fireEvent.click(within(form()).getByRole('button', { name: '记录' }));
    await expectAlertFollowsToggle(/^保存失败：金额超过 ¥100,000,000.00$/, /^Not saved: amount is above ¥100,000,000.00$/);
    fireEvent.input(within(form()).getByLabelText('金额（元）'), { target: { value: '2000' } });
    fireEvent.click(within(form()).getByRole('button', { name: '记录' }));
    await waitFor(() => expect(recorded).toHaveLength(2));
    // Not stored the first time: the same key, so an answer lost on the way could never count it twice.
    expect(recorded[1]!.entries[0]!.id).toBe(recorded[0]!.entries[0]!.id);
  });

  it('voids an entry only with a reason, and shows it voided', async () => {
    const { voided } = answerSpend();
    openDay();
    await waitFor(() => expect(screen.getAllByTestId('spend-entry')).toHaveLength(2));
    const [counted] = screen.getAllByTestId('spend-entry');
    fireEvent.click(within(counted!).getByRole('button', { name: '作废' }));
    fireEvent.click(screen.getByRole('button', { name: '确认作废' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('未作废：请写明原因');
    expect(voided).toEqual([]);
    fireEvent.input(screen.getByLabelText('作废原因'), { target: { value: ' 重复记录 ' } });
    fireEvent.click(screen.getByRole('button', { name: '确认作废' }));
    await waitFor(() => expect(screen.getAllByTestId('spend-entry')[0]!.dataset.voided).toBe('true'));
    expect(voided).toEqual([{ entries: [{ shopId: SHOP.id, id: 'ztc-2026111110' }], reason: '重复记录' }]);
    expect(screen.getByTestId('spend-page')).toHaveTextContent('admin 于 11月11日 13:00 作废：重复记录');
  });
});
