import { createSignal, Show } from 'solid-js';
import type { CredentialStore, SignInFailure } from '../../auth/credential-store';
import { LangToggle } from '../../components/LangToggle';
import { refusalIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import { formatClock } from '../../lib/format';

/** Shown when the screen has no credential, or the one it had was refused (the notice says which). */
export function SignInPage(props: { credentials: Pick<CredentialStore, 'signIn' | 'notice'> }) {
  const { t, locale } = useI18n();
  const [busy, setBusy] = createSignal(false);
  const [failure, setFailure] = createSignal<SignInFailure | null>(null);

  const submit = async (event: SubmitEvent & { currentTarget: HTMLFormElement }) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setFailure(await props.credentials.signIn(String(form.get('email') ?? ''), String(form.get('password') ?? '')));
    setBusy(false);
  };
  const failureText = () => {
    const f = failure();
    if (!f) return null;
    if (f.code === 'INVALID_CREDENTIALS') return t('auth.invalidCredentials');
    if (f.code === 'LOCKED') return f.until ? t('auth.locked', { until: formatClock(f.until, locale()) }) : t('auth.lockedNoTime');
    return t('auth.failed', { message: refusalIn(f, locale()) });
  };

  return (
    <main class="sign-in" data-testid="sign-in">
      <form class="sign-in-card" onSubmit={(event) => void submit(event)}>
        <header class="sign-in-head">
          <h1>{t('app.title')}</h1>
          <LangToggle />
        </header>
        <h2>{t('auth.title')}</h2>
        <p class="sign-in-subtitle">{t('auth.subtitle')}</p>
        <Show when={props.credentials.notice()}>
          {(notice) => (
            <p class="sign-in-notice" role="alert" data-testid="sign-in-notice">
              {t(`auth.${notice()}`)}
            </p>
          )}
        </Show>
        <label class="field">
          <span>{t('auth.email')}</span>
          <input name="email" type="email" autocomplete="username" required autofocus />
        </label>
        <label class="field">
          <span>{t('auth.password')}</span>
          <input name="password" type="password" autocomplete="current-password" required />
        </label>
        <Show when={failureText()}>
          {(text) => (
            <p class="sign-in-error" role="alert" data-testid="sign-in-error">
              {text()}
            </p>
          )}
        </Show>
        <button type="submit" class="sign-in-submit" disabled={busy()}>
          <Show when={busy()} fallback={t('auth.submit')}>
            {t('auth.submitting')}
          </Show>
        </button>
      </form>
    </main>
  );
}
