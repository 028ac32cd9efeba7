import { screen, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { milestone } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { renderWithProviders, startApi } from '../../../test/render';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import { MilestoneBoard } from './MilestoneBoard';
import type { MilestonesQuery } from './milestones.documents';

useMockApi();

describe('MilestoneBoard', () => {
  it("loads the campaign's milestones and flags the HIGH risk that has no plan", async () => {
    const asked: string[] = [];
    server.use(
      api.query<ResultOf<typeof MilestonesQuery>, VariablesOf<typeof MilestonesQuery>>('WarRoomMilestones', ({ variables }) => {
        asked.push(variables.campaignId);
        return HttpResponse.json({
          data: {
            campaign: {
              id: variables.campaignId,
              milestones: [
                milestone({ id: 'm1', name: '支付通道扩容', riskLevel: 'HIGH' }),
                milestone({ id: 'm2', name: 'CDN 预热', riskLevel: 'HIGH', responsePlan: '切换备用 CDN 厂商' }),
              ],
            },
          },
        });
      }),
    );
    renderWithProviders(() => <MilestoneBoard campaignId="c-1111" />, { api: startApi(), locale: 'zh-CN' });

    const board = screen.getByTestId('milestone-board');
    expect(within(board).getByRole('heading')).toHaveTextContent('关键节点');
    const warning = await within(board).findByTestId('no-plan-warning');
    expect(warning.closest('li')).toHaveTextContent('支付通道扩容');
    expect(within(board).getAllByTestId('milestone')).toHaveLength(2);
    expect(asked).toEqual(['c-1111']);
  });

  it('shows the empty state for a campaign the API does not know', async () => {
    server.use(api.query('WarRoomMilestones', () => HttpResponse.json({ data: { campaign: null } })));
    renderWithProviders(() => <MilestoneBoard campaignId="gone" />, { api: startApi(), locale: 'zh-CN' });
    expect(await screen.findByText('没有关键节点')).toBeInTheDocument();
  });
});
