import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { customer, openConsole, segmentSummary } from '../../../test/console';
import { MAY_MANAGE } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { expectAlertFollowsToggle, refusedAnswer } from '../../../test/refusals';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { CustomerSegmentsQuery, CustomersQuery, RedeemPointsMutation, RfmSegment } from './customers.documents';

useMockApi();

const segments = [
  segmentSummary('IMPORTANT_VALUE', 1_204, { share: 0.1204, netSpend: '1836000.00', repurchaseRate: 0.912 }),
  segmentSummary('IMPORTANT_DEVELOPMENT', 2_310, { share: 0.231 }),
  segmentSummary('GENERAL_VALUE', 4_486, { share: 0.4486 }),
  segmentSummary('SLEEPING', 2_000, { share: 0.2, repurchaseRate: null }),
];
const sleeper = customer({ id: 'c-9', nickname: '老顾客阿强', tier: 'GOLD', points: 12_345, rfmSegment: 'SLEEPING', netSpend: '2580.40', paidOrders: 7, lastOrderAt: '2026-06-18T12:00:00Z' });
const regular = customer({ id: 'c-1', nickname: '小米粥', tier: 'NORMAL', points: 88, rfmSegment: 'GENERAL_VALUE' });

/** Answers segments and customers (sleepers for SLEEPING, everyone otherwise); returns the segment of each customers question. */
function answerCustomers(everyone = [sleeper, regular]) {
  const asked: (RfmSegment | null | undefined)[] = [];
  server.use(
    api.query<ResultOf<typeof CustomerSegmentsQuery>>('ConsoleCustomerSegments', () => HttpResponse.json({ data: { customerSegments: segments } })),
    api.query<ResultOf<typeof CustomersQuery>, VariablesOf<typeof CustomersQuery>>('ConsoleCustomers', ({ variables }) => {
      asked.push(variables.segment);
      const list = variables.segment === 'SLEEPING' ? [sleeper] : everyone;
      return HttpResponse.json({
        data: { customers: { totalCount: list.length, pageInfo: { hasNextPage: false, endCursor: null }, edges: list.map((node) => ({ node })) } },
      });
    }),
  );
  return asked;
}

describe('the customers page', () => {
  it('shows the four segments with their counts, and filters the list by the segment pressed', async () => {
    const asked = answerCustomers();
    openConsole('/console/customers');

    await waitFor(() => expect(screen.getAllByTestId('segment-card')).toHaveLength(4));
    const cards = screen.getAllByTestId('segment-card');
    expect(cards.map((c) => within(c).getByTestId('segment-count').textContent)).toEqual(['1,204', '2,310', '4,486', '2,000']);
    expect(cards[0]).toHaveTextContent('重要价值');
    expect(cards[0]).toHaveTextContent('占比 12.0% · 净消费 ¥183.60万');
    expect(cards[0]).toHaveTextContent('复购率 91.2%');
    expect(cards[3]).toHaveTextContent('复购率 —');
    expect(await screen.findByTestId('customer-total')).toHaveTextContent('2');

    fireEvent.click(cards[3]!);
    await waitFor(() => expect(screen.getAllByTestId('customer')).toHaveLength(1));
    expect(asked).toEqual([null, 'SLEEPING']);
    expect(new URLSearchParams(location.search).get('segment')).toBe('SLEEPING');
    expect(cards[3]).toHaveAttribute('aria-pressed', 'true');
    const row = screen.getByTestId('customer');
    expect(row).toHaveTextContent('老顾客阿强');
    expect(row).toHaveTextContent('沉睡');
    expect(row).toHaveTextContent('黄金');
    expect(row).toHaveTextContent('12,345');
    expect(row).toHaveTextContent('¥2,580.40');

    // Pressed again: every segment.
    fireEvent.click(cards[3]!);
    await waitFor(() => expect(screen.getAllByTestId('customer')).toHaveLength(2));
    expect(asked).toEqual([null, 'SLEEPING', null]);
  });

  it('opens on the segment in the address, in English when asked', async () => {
    const asked = answerCustomers();
    openConsole('/console/customers?segment=SLEEPING&lang=en');
    await waitFor(() => expect(screen.getAllByTestId('customer')).toHaveLength(1));
    expect(asked).toEqual(['SLEEPING']);
    expect(screen.getByRole('heading', { level: 3 })).toHaveTextContent('Sleeping customers');
    expect(screen.getByTestId('customer')).toHaveTextContent('Gold');
  });
});

type RedeemInput = VariablesOf<typeof RedeemPointsMutation>['input'];

/** Answers ConsoleRedeemPoints as the ledger would (refused when the balance is short), or with `refuse`'s answer; returns what was sent. */
function answerRedemptions(refuse?: () => Response) {
  const sent: RedeemInput[] = [];
  const balances = new Map([sleeper, regular].map((c) => [c.id, c.points]));
  server.use(
    api.mutation<ResultOf<typeof RedeemPointsMutation>, VariablesOf<typeof RedeemPointsMutation>>('ConsoleRedeemPoints', ({ variables: { input } }) => {
      sent.push(input);
      if (refuse) return refuse() as never;
      const balance = balances.get(input.customerId)!;
      if (balance < input.points) {
        const refusal = { field: ['input', 'points'], code: 'INVALID_AMOUNT' as const, message: `the balance is ${balance} points, fewer than ${input.points}`, messageZh: `积分余额为 ${balance}，少于要兑换的 ${input.points}` };
        return HttpResponse.json({ data: { redeemPoints: { redemption: null, userErrors: [refusal] } } });
      }
      balances.set(input.customerId, balance - input.points);
      const redemption = { value: (input.points / 100).toFixed(2), entry: { points: -input.points }, customer: { id: input.customerId, points: balance - input.points } };
      return HttpResponse.json({ data: { redeemPoints: { redemption, userErrors: [] } } });
    }),
  );
  return sent;
}

const customerRow = (name: string) => screen.getAllByTestId('customer').find((r) => within(r).getByRole('rowheader').textContent === name)!;

describe('积分兑换 on the customers page', () => {
  const openCustomers = async (permissions = MAY_MANAGE, everyone = [sleeper, regular]) => {
    answerCustomers(everyone);
    openConsole('/console/customers', { permissions });
    await waitFor(() => expect(screen.getAllByTestId('customer')).toHaveLength(everyone.length));
  };

  it('is not offered to a caller who may only read', async () => {
    await openCustomers(['READ']);
    expect(screen.queryByRole('button', { name: '积分兑换' })).toBeNull();
    expect(screen.queryByRole('columnheader', { name: '积分兑换' })).toBeNull();
  });

  it('offers it only for a customer with points', async () => {
    await openCustomers(MAY_MANAGE, [sleeper, customer({ id: 'c-2', nickname: '新客', points: 0 })]);
    expect(screen.getByRole('columnheader', { name: '积分兑换' })).toBeInTheDocument();
    expect(within(customerRow('老顾客阿强')).getByRole('button', { name: '积分兑换' })).toBeInTheDocument();
    expect(within(customerRow('新客')).queryByRole('button', { name: '积分兑换' })).toBeNull();
  });

  it('redeems the points typed and shows what they were worth and the new balance', async () => {
    const sent = answerRedemptions();
    await openCustomers();
    const row = () => customerRow('老顾客阿强');
    fireEvent.click(within(row()).getByRole('button', { name: '积分兑换' }));
    const points = within(row()).getByLabelText('兑换积分');

    for (const typed of ['0', '12.5', '']) {
      fireEvent.input(points, { target: { value: typed } });
      fireEvent.click(within(row()).getByRole('button', { name: '确认兑换' }));
      expect(await within(row()).findByRole('alert')).toHaveTextContent(/^未兑换：积分须为大于 0 的整数$/);
    }
    expect(sent).toEqual([]);

    fireEvent.input(points, { target: { value: '1,000' } });
    fireEvent.click(within(row()).getByRole('button', { name: '确认兑换' }));
    await waitFor(() => expect(within(row()).getByTestId('redeemed')).toHaveTextContent(/^已兑换 1,000 积分（¥10\.00），余额 11,345$/));
    expect(sent).toEqual([{ customerId: sleeper.id, points: 1000, requestId: expect.stringMatching(/^console-[0-9a-f-]{36}$/) }]);
    expect(within(row()).getByTestId('customer-points')).toHaveTextContent(/^11,345$/);
    expect(within(row()).queryByLabelText('兑换积分')).toBeNull();
    expect(within(row()).queryByRole('alert')).toBeNull();

    // Another redemption is another form, with a request id of its own.
    fireEvent.click(within(row()).getByRole('button', { name: '积分兑换' }));
    fireEvent.input(within(row()).getByLabelText('兑换积分'), { target: { value: '345' } });
    fireEvent.click(within(row()).getByRole('button', { name: '确认兑换' }));
    await waitFor(() => expect(within(row()).getByTestId('customer-points')).toHaveTextContent(/^11,000$/));
    expect(sent[1]!.requestId).not.toBe(sent[0]!.requestId);
  });

  it('says in words why the server refused more than the balance, in the language toggled to, and the form sent again keeps its request id', async () => {
    const sent = answerRedemptions();
    await openCustomers();
    const row = () => customerRow('小米粥');
    fireEvent.click(within(row()).getByRole('button', { name: '积分兑换' }));
    fireEvent.input(within(row()).getByLabelText('兑换积分'), { target: { value: '100' } });
    fireEvent.click(within(row()).getByRole('button', { name: '确认兑换' }));
    await expectAlertFollowsToggle(/^兑换失败：积分余额为 88，少于要兑换的 100$/, /^Not redeemed: the balance is 88 points, fewer than 100$/);
    expect(within(row()).getByTestId('customer-points')).toHaveTextContent(/^88$/);

    fireEvent.input(within(row()).getByLabelText('兑换积分'), { target: { value: '88' } });
    fireEvent.click(within(row()).getByRole('button', { name: '确认兑换' }));
    await waitFor(() => expect(within(row()).getByTestId('customer-points')).toHaveTextContent(/^0$/));
    expect(sent.map((s) => s.points)).toEqual([100, 88]);
    expect(sent[1]!.requestId).toBe(sent[0]!.requestId);
    expect(within(row()).getByTestId('redeemed')).toHaveTextContent('已兑换 88 积分（¥0.88），余额 0');
    // Nothing left to redeem.
    expect(within(row()).queryByRole('button', { name: '积分兑换' })).toBeNull();
  });

  it('says the account may only read when the server refuses it with FORBIDDEN', async () => {
    answerRedemptions(refusedAnswer('MANAGE scope required', '需要 MANAGE 权限'));
    await openCustomers();
    const row = () => customerRow('老顾客阿强');
    fireEvent.click(within(row()).getByRole('button', { name: '积分兑换' }));
    fireEvent.input(within(row()).getByLabelText('兑换积分'), { target: { value: '10' } });
    fireEvent.click(within(row()).getByRole('button', { name: '确认兑换' }));
    expect(await within(row()).findByRole('alert')).toHaveTextContent(/^兑换失败：此账号只有查看权限$/);
    expect(within(row()).getByTestId('customer-points')).toHaveTextContent(/^12,345$/);
  });
});
