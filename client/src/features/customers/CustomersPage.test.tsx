import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { customer, openConsole, segmentSummary } from '../../../test/console';
import { api, server, useMockApi } from '../../../test/msw';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { CustomerSegmentsQuery, CustomersQuery, RfmSegment } from './customers.documents';

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
function answerCustomers() {
  const asked: (RfmSegment | null | undefined)[] = [];
  server.use(
    api.query<ResultOf<typeof CustomerSegmentsQuery>>('ConsoleCustomerSegments', () => HttpResponse.json({ data: { customerSegments: segments } })),
    api.query<ResultOf<typeof CustomersQuery>, VariablesOf<typeof CustomersQuery>>('ConsoleCustomers', ({ variables }) => {
      asked.push(variables.segment);
      const list = variables.segment === 'SLEEPING' ? [sleeper] : [sleeper, regular];
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
