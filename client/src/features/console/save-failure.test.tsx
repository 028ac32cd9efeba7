import { screen } from '@solidjs/testing-library';
import { describe, expect, it } from 'vitest';
import { renderWithProviders } from '../../../test/render';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n, type I18n } from '../../i18n/i18n';
import { useSaveFailure, type SaveFailureOptions } from './save-failure';

/** An editor's failure line, and the screen's language to toggle as the console's 中文 ⇄ English does. */
function openEditor(options: SaveFailureOptions = {}) {
  let i18n!: I18n;
  let failure!: ReturnType<typeof useSaveFailure>;
  function Editor() {
    i18n = useI18n();
    failure = useSaveFailure(options);
    return <p data-testid="failure">{failure.message()}</p>;
  }
  renderWithProviders(() => <Editor />, { locale: 'zh-CN' });
  return { show: (outcome: MutationOutcome<unknown>) => failure.show(outcome), setLocale: (locale: 'zh-CN' | 'en') => i18n.setLocale(locale) };
}

const line = () => screen.getByTestId('failure');
const refused = (code: string | null, message: string, messageZh: string | null): MutationOutcome<unknown> => ({ ok: false, forbidden: false, code, message, messageZh });

describe('a refused save', () => {
  it('follows the language toggle after it is shown', () => {
    const editor = openEditor();
    editor.show(refused('NOT_FOUND', 'Report row not found', '日报行不存在'));
    expect(line()).toHaveTextContent(/^保存失败：日报行不存在$/);

    editor.setLocale('en');
    expect(line()).toHaveTextContent(/^Not saved: Report row not found$/);
    expect(line()).not.toHaveTextContent('日报行不存在');

    editor.setLocale('zh-CN');
    expect(line()).toHaveTextContent(/^保存失败：日报行不存在$/);
  });

  it('rewords a CONFLICT in its own framing, and a read-only refusal, when the language changes', () => {
    const editor = openEditor({ conflict: 'console.editConflict' });
    editor.show(refused('CONFLICT', 'the lessons were changed by 李娜', '经验教训已被李娜修改'));
    expect(line()).toHaveTextContent(/^未保存：经验教训已被李娜修改。你输入的内容仍在框中/);

    editor.setLocale('en');
    expect(line()).toHaveTextContent(/^Not saved: the lessons were changed by 李娜\. What you typed is still in the box/);
    expect(line()).not.toHaveTextContent('经验教训已被李娜修改');

    editor.show({ ok: false, forbidden: true, code: null, message: 'Not allowed', messageZh: null });
    expect(line()).toHaveTextContent(/^Not saved: this account may only read$/);
    editor.setLocale('zh-CN');
    expect(line()).toHaveTextContent(/^保存失败：此账号只有查看权限$/);
  });

  it('is cleared by the next success', () => {
    const editor = openEditor();
    editor.show(refused(null, 'Unexpected error.', null));
    expect(line()).toHaveTextContent('保存失败：Unexpected error.');
    editor.show({ ok: true, value: null });
    expect(line()).toBeEmptyDOMElement();
  });
});
