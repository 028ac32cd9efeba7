import { Show } from 'solid-js';
import type { CredentialStore } from '../../auth/credential-store';
import { useI18n } from '../../i18n/i18n';

/** The staff member signed in, and the way out. A kiosk key shows nothing: it is never put on screen. */
export function SignOutButton(props: { credentials: Pick<CredentialStore, 'current' | 'signOut'> }) {
  const { t } = useI18n();
  const session = () => {
    const credential = props.credentials.current();
    return credential?.kind === 'session' ? credential : undefined;
  };
  return (
    <Show when={session()}>
      {(signedIn) => (
        <div class="account">
          <span class="account-name" data-testid="account-name">
            {signedIn().user.name}
          </span>
          <button type="button" class="sign-out" data-testid="sign-out" onClick={() => void props.credentials.signOut()}>
            {t('auth.signOut')}
          </button>
        </div>
      )}
    </Show>
  );
}
