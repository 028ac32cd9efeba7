import { fireEvent, screen, waitFor, within } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { openConsole, SHOP } from '../../../test/console';
import { MAY_MANAGE, READ_ONLY, storedSession } from '../../../test/fixtures';
import { api, server, useMockApi } from '../../../test/msw';
import { expectAlertFollowsToggle } from '../../../test/refusals';
import type { ResultOf, VariablesOf } from '../../graphql/graphql';
import type { AlertRulesQuery, AlertRuleSetting, AlertScopesQuery, UpdateAlertRuleMutation } from './alert-rules.documents';

useMockApi();

const CAMPAIGN = { id: 'Q2FtcGFpZ246MQ==', name: '双12年终盛典', partial: false };
const RULES: AlertRuleSetting[] = [
  // The clear levels as the server computes them: ⅔ × 0.3 and 0.9 + 0.05 in floating point.
  { rule: 'CONVERSION_DROP', enabled: true, threshold: 0.3, sustainMinutes: 5, minSample: 200, clearLevel: 0.19999999999999998, clearMinutes: 5, source: 'DEFAULT' },
  { rule: 'GMV_BEHIND_PACE', enabled: true, threshold: 0.9, sustainMinutes: 5, minSample: 1000, clearLevel: 0.9500000000000001, clearMinutes: 5, source: 'GLOBAL' },
  { rule: 'LOW_STOCK', enabled: true, threshold: 50, sustainMinutes: 0, minSample: 0, clearLevel: 61, clearMinutes: 0, source: 'DEFAULT' },
];

type Scope = VariablesOf<typeof AlertRulesQuery>;

/** Answers the page's questions; LOW_STOCK at the shop is whatever the last write left. Returns what was asked and written. */
function answerRules(options: { refuse?: ResultOf<typeof UpdateAlertRuleMutation>['updateAlertRule']['userErrors'][number]; allShops?: boolean; partial?: boolean } = {}) {
  const asked: Scope[] = [];
  const written: VariablesOf<typeof UpdateAlertRuleMutation>['input'][] = [];
  let shopStock: AlertRuleSetting | null = null;
  const rulesAt = (scope: Scope) => (scope.shopId && shopStock ? RULES.map((r) => (r.rule === 'LOW_STOCK' ? shopStock! : r)) : RULES);
  server.use(
    api.query<ResultOf<typeof AlertScopesQuery>>('ConsoleAlertScopes', () =>
      HttpResponse.json({ data: { viewer: { allShops: options.allShops ?? true }, active: { edges: [] }, upcoming: { edges: [{ node: { ...CAMPAIGN, partial: options.partial ?? false } }] } } }),
    ),
    api.query<ResultOf<typeof AlertRulesQuery>, Scope>('ConsoleAlertRules', ({ variables }) => {
      asked.push(variables);
      return HttpResponse.json({ data: { alertRules: rulesAt(variables) } });
    }),
    api.mutation<ResultOf<typeof UpdateAlertRuleMutation>, VariablesOf<typeof UpdateAlertRuleMutation>>('ConsoleUpdateAlertRule', ({ variables }) => {
      written.push(variables.input);
      if (options.refuse) return HttpResponse.json({ data: { updateAlertRule: { setting: null, userErrors: [options.refuse] } } });
      const before = RULES.find((r) => r.rule === variables.input.rule)!;
      shopStock = variables.input.reset ? null : { ...before, threshold: variables.input.threshold ?? before.threshold, source: 'SHOP' };
      return HttpResponse.json({ data: { updateAlertRule: { setting: shopStock ?? before, userErrors: [] } } });
    }),
  );
  return { asked, written };
}

const row = (rule: string) => screen.getAllByTestId('alert-rule').find((r) => r.dataset.rule === rule)!;
const chooseShop = () => fireEvent.change(screen.getByTestId('alert-rule-scope'), { target: { value: `shop:${SHOP.id}` } });

describe('the alert rules page', () => {
  it('shows every rule at the installation with what it means and where its values come from; read-only without MANAGE', async () => {
    const { asked } = answerRules();
    openConsole('/console/alert-rules', { credential: storedSession(1), permissions: READ_ONLY });

    await waitFor(() => expect(screen.getAllByTestId('alert-rule')).toHaveLength(3));
    expect(asked[0]).toEqual({ shopId: null, campaignId: null });
    expect(screen.getByRole('link', { name: '告警规则' })).toHaveClass('active');
    expect(row('CONVERSION_DROP')).toHaveTextContent('转化率下跌');
    expect(row('CONVERSION_DROP')).toHaveTextContent('30% 即低三成');
    // A ratio is shown as the percentage the room says (0.3 is 30 %).
    expect(within(row('CONVERSION_DROP')).getByLabelText('转化率下跌：阈值')).toHaveValue('30');
    expect(row('CONVERSION_DROP').querySelector('.rule-unit')).toHaveTextContent('%');
    expect(row('CONVERSION_DROP')).toHaveTextContent('内置默认');
    // How an open alert clears: back past its level, held a while or at once.
    expect(row('CONVERSION_DROP')).toHaveTextContent('告警恢复：回到 20% 并保持 5 分钟');
    expect(row('GMV_BEHIND_PACE')).toHaveTextContent('告警恢复：回到 95% 并保持 5 分钟');
    expect(row('LOW_STOCK')).toHaveTextContent('告警恢复：回到 61 即恢复');
    expect(row('GMV_BEHIND_PACE')).toHaveTextContent('全局');
    expect(within(row('LOW_STOCK')).getByLabelText('库存预警：阈值')).toHaveValue('50');
    expect(within(row('LOW_STOCK')).getByLabelText('库存预警：阈值')).toBeDisabled();
    expect(within(row('LOW_STOCK')).getByLabelText('库存预警：启用')).toBeChecked();
    expect(screen.queryByRole('button', { name: '保存' })).toBeNull();
    // The campaigns a setting still matters for are offered as scopes beside the shops.
    const options = [...screen.getByTestId<HTMLSelectElement>('alert-rule-scope').options].map((o) => o.textContent);
    expect(options).toEqual(['全局默认（所有店铺）', SHOP.name, CAMPAIGN.name]);
  });

  it('sets a shop\'s own low-stock line, says it is saved, and lets it inherit again', async () => {
    const { asked, written } = answerRules();
    openConsole('/console/alert-rules', { credential: storedSession(1), permissions: MAY_MANAGE });
    await waitFor(() => expect(screen.getAllByTestId('alert-rule')).toHaveLength(3));

    chooseShop();
    await waitFor(() => expect(asked.at(-1)).toEqual({ shopId: SHOP.id, campaignId: null }));
    expect(new URLSearchParams(location.search).get('scope')).toBe(`shop:${SHOP.id}`);
    // Pace is judged per campaign: a shop cannot set it.
    expect(row('GMV_BEHIND_PACE')).toHaveTextContent('按活动设置');
    expect(within(row('GMV_BEHIND_PACE')).getByLabelText('GMV 落后计划：阈值')).toBeDisabled();
    expect(within(row('LOW_STOCK')).queryByRole('button', { name: '恢复继承' })).toBeNull();

    fireEvent.input(within(row('LOW_STOCK')).getByLabelText('库存预警：阈值'), { target: { value: '20' } });
    fireEvent.click(within(row('LOW_STOCK')).getByRole('button', { name: '保存' }));
    await waitFor(() => expect(row('LOW_STOCK')).toHaveTextContent('已保存'));
    // Only what changed, at the shop.
    expect(written).toEqual([{ rule: 'LOW_STOCK', shopId: SHOP.id, campaignId: null, threshold: 20 }]);
    // The list is read again after a save: the row then shows where its values now come from.
    await waitFor(() => expect(row('LOW_STOCK').dataset.source).toBe('SHOP'));
    expect(within(row('LOW_STOCK')).getByLabelText('库存预警：阈值')).toHaveValue('20');

    fireEvent.click(within(row('LOW_STOCK')).getByRole('button', { name: '恢复继承' }));
    await waitFor(() => expect(row('LOW_STOCK').dataset.source).toBe('DEFAULT'));
    expect(written[1]).toEqual({ rule: 'LOW_STOCK', shopId: SHOP.id, campaignId: null, reset: true });
    expect(within(row('LOW_STOCK')).getByLabelText('库存预警：阈值')).toHaveValue('50');
  });

  it('offers a partner over some shops its shops to set, not the installation\'s defaults', async () => {
    answerRules({ allShops: false });
    openConsole('/console/alert-rules', { credential: storedSession(1), permissions: MAY_MANAGE });
    await waitFor(() => expect(screen.getAllByTestId('alert-rule')).toHaveLength(3));
    await waitFor(() => expect(screen.getByTestId('alert-rule-scope')).toHaveTextContent(CAMPAIGN.name));
    expect(screen.queryByRole('button', { name: '保存' })).toBeNull();
    expect(within(row('LOW_STOCK')).getByLabelText('库存预警：阈值')).toBeDisabled();
    chooseShop();
    await waitFor(() => expect(within(row('LOW_STOCK')).getByRole('button', { name: '保存' })).toBeEnabled());
  });

  it('offers no save on a campaign seen only in part: its settings judge all its shops', async () => {
    answerRules({ allShops: false, partial: true });
    openConsole(`/console/alert-rules?scope=campaign:${CAMPAIGN.id}`, { credential: storedSession(1), permissions: MAY_MANAGE });
    await waitFor(() => expect(screen.getAllByTestId('alert-rule')).toHaveLength(3));
    expect(screen.queryByRole('button', { name: '保存' })).toBeNull();
  });

  it('sends a percentage typed as the ratio the API takes, exactly', async () => {
    const { written } = answerRules();
    openConsole('/console/alert-rules', { credential: storedSession(1), permissions: MAY_MANAGE });
    await waitFor(() => expect(screen.getAllByTestId('alert-rule')).toHaveLength(3));
    fireEvent.input(within(row('CONVERSION_DROP')).getByLabelText('转化率下跌：阈值'), { target: { value: '12.3' } });
    fireEvent.click(within(row('CONVERSION_DROP')).getByRole('button', { name: '保存' }));
    await waitFor(() => expect(written).toHaveLength(1));
    expect(written[0]).toEqual({ rule: 'CONVERSION_DROP', shopId: null, campaignId: null, threshold: 0.123 });
    // 90 typed back over 90 shown is no change: nothing is sent for it.
    fireEvent.input(within(row('GMV_BEHIND_PACE')).getByLabelText('GMV 落后计划：阈值'), { target: { value: '90' } });
    fireEvent.click(within(row('GMV_BEHIND_PACE')).getByRole('button', { name: '保存' }));
    expect(written).toHaveLength(1);
  });

  it('sends nothing for a threshold that is not a number, and says which', async () => {
    const { written } = answerRules();
    openConsole('/console/alert-rules', { credential: storedSession(1), permissions: MAY_MANAGE });
    await waitFor(() => expect(screen.getAllByTestId('alert-rule')).toHaveLength(3));
    const input = within(row('CONVERSION_DROP')).getByLabelText('转化率下跌：阈值');
    fireEvent.input(input, { target: { value: '三成' } });
    fireEvent.click(within(row('CONVERSION_DROP')).getByRole('button', { name: '保存' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('未保存：阈值须为数字');
    expect(input).toHaveAttribute('aria-invalid', 'true');
    expect(written).toEqual([]);
  });

  it('shows the server\'s refusal in the screen\'s language, and rewords it when toggled', async () => {
    answerRules({ refuse: { code: 'INVALID_INPUT', message: 'CONVERSION_DROP: threshold must be between 0.05 and 1', messageZh: 'CONVERSION_DROP：阈值必须是 0.05 到 1 之间的数' } });
    openConsole('/console/alert-rules', { credential: storedSession(1), permissions: MAY_MANAGE });
    await waitFor(() => expect(screen.getAllByTestId('alert-rule')).toHaveLength(3));
    fireEvent.input(within(row('CONVERSION_DROP')).getByLabelText('转化率下跌：阈值'), { target: { value: '2' } });
    fireEvent.click(within(row('CONVERSION_DROP')).getByRole('button', { name: '保存' }));
    await expectAlertFollowsToggle(/^保存失败：CONVERSION_DROP：阈值必须是 0.05 到 1 之间的数$/, /threshold must be between 0.05 and 1/, '阈值');
    expect(row('CONVERSION_DROP')).not.toHaveTextContent('已保存');
  });
});
