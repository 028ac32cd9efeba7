import { fireEvent, screen, within } from '@solidjs/testing-library';
import { describe, expect, it, vi } from 'vitest';
import { milestone } from '../../../test/fixtures';
import { renderWithProviders } from '../../../test/render';
import { useI18n, type I18n } from '../../i18n/i18n';
import type { SaveOutcome } from './milestones.data';
import { MilestoneEditor } from './MilestoneEditor';

/** The editor over a milestone whose save the server refuses with `outcome`; returns the screen's language to toggle. */
function openEditor(outcome: SaveOutcome) {
  let i18n!: I18n;
  function Screen() {
    i18n = useI18n();
    return <MilestoneEditor milestone={milestone({ name: '客服排班' })} onSave={vi.fn(async () => outcome)} onClose={() => {}} />;
  }
  renderWithProviders(() => <Screen />, { locale: 'zh-CN' });
  return (locale: 'zh-CN' | 'en') => i18n.setLocale(locale);
}

describe('a refused milestone save', () => {
  it('says why in the language the screen is toggled to, after it was refused', async () => {
    const setLocale = openEditor({ ok: false, forbidden: false, code: 'NOT_FOUND', message: 'Milestone not found', messageZh: '节点不存在' });
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('状态'), { target: { value: 'DONE' } });
    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(/^保存失败：节点不存在$/);

    setLocale('en');
    expect(within(dialog).getByRole('alert')).toHaveTextContent(/^Could not save: Milestone not found$/);
    expect(within(dialog).getByRole('alert')).not.toHaveTextContent('节点不存在');

    setLocale('zh-CN');
    expect(within(dialog).getByRole('alert')).toHaveTextContent(/^保存失败：节点不存在$/);
  });

  it('rewords a HIGH risk without a plan when the language changes', async () => {
    const setLocale = openEditor({ ok: false, forbidden: false, code: 'RESPONSE_PLAN_REQUIRED', message: 'A HIGH risk milestone needs a response plan', messageZh: '高风险节点需要风险应对方案' });
    const dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByLabelText('风险等级'), { target: { value: 'HIGH' } });
    fireEvent.click(within(dialog).getByRole('button', { name: '保存' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(/^高风险节点必须保留风险应对方案$/);

    setLocale('en');
    expect(within(dialog).getByRole('alert')).toHaveTextContent(/^A HIGH-risk milestone must keep its response plan$/);
  });
});
