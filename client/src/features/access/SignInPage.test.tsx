import { fireEvent, screen } from '@solidjs/testing-library';
import { createSignal } from 'solid-js';
import { describe, expect, it, vi } from 'vitest';
import { renderWithProviders } from '../../../test/render';
import type { AccessNotice, SignInFailure } from '../../auth/credential-store';
import { SignInPage } from './SignInPage';

function openPage(answer: SignInFailure | null, notice: AccessNotice | null = null, locale?: 'zh-CN' | 'en') {
  const signIn = vi.fn(async (_email: string, _password: string) => answer);
  const [current] = createSignal(notice);
  renderWithProviders(() => <SignInPage credentials={{ signIn, notice: current }} />, { locale });
  return signIn;
}

function submit(email: string, password: string) {
  fireEvent.input(screen.getByLabelText(/邮箱|Email/), { target: { value: email } });
  fireEvent.input(screen.getByLabelText(/密码|Password/), { target: { value: password } });
  fireEvent.submit(screen.getByRole('button', { name: /登录|Sign in/ }).closest('form')!);
}

describe('SignInPage', () => {
  it('asks for email and password in Chinese, and in English behind the toggle', () => {
    openPage(null);
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('登录');
    expect(screen.getByLabelText('邮箱')).toHaveAttribute('type', 'email');
    expect(screen.getByLabelText('密码')).toHaveAttribute('type', 'password');
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    fireEvent.click(screen.getByTestId('lang-toggle'));
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('Sign in');
    expect(screen.getByLabelText('Email')).toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toBeInTheDocument();
  });

  it('signs in with what was typed', async () => {
    const signIn = openPage(null);
    submit('wang.lei@example.com', 'correct horse battery');
    await vi.waitFor(() => expect(signIn).toHaveBeenCalledWith('wang.lei@example.com', 'correct horse battery'));
    expect(screen.queryByTestId('sign-in-error')).not.toBeInTheDocument();
  });

  it('says in words that the email or password is wrong', async () => {
    openPage({ code: 'INVALID_CREDENTIALS' });
    submit('wang.lei@example.com', 'wrong password!');
    expect(await screen.findByTestId('sign-in-error')).toHaveTextContent('邮箱或密码错误。');
  });

  it('says until when a locked account is locked, on a Beijing clock', async () => {
    openPage({ code: 'LOCKED', until: '2026-11-11T04:15:30.000Z' });
    submit('wang.lei@example.com', 'wrong password!');
    expect(await screen.findByTestId('sign-in-error')).toHaveTextContent('账号已锁定，请在北京时间 12:15:30 之后再试。');
  });

  it('says so in English too', async () => {
    openPage({ code: 'LOCKED', until: '2026-11-11T04:15:30.000Z' }, null, 'en');
    submit('wang.lei@example.com', 'wrong password!');
    expect(await screen.findByTestId('sign-in-error')).toHaveTextContent('the account is locked until 12:15:30 (Beijing time)');
  });

  it('tells a screen whose key was refused why it is asking', () => {
    openPage(null, 'keyRefused');
    expect(screen.getByTestId('sign-in-notice')).toHaveTextContent('此屏幕的访问密钥已被拒绝');
  });
});
