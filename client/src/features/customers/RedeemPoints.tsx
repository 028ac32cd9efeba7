import { createSignal, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import { formatInteger } from '../../lib/format';
import { wholeNumberOf } from '../../lib/whole-number';
import { money } from '../console/console-format';
import { refusalIn } from '../../graphql/refusal';
import type { CustomerRow, Redemption } from './customers.documents';

export type Redeem = (customer: CustomerRow, points: number, requestId: string) => Promise<MutationOutcome<Redemption>>;

/**
 * 积分兑换 for a customer with points: the points typed, then what they were worth and the balance left, as
 * the server answers. Whether the balance covers them is the server's to say (points expire; the list may be
 * older than the ledger), and its refusal shows here in words.
 */
export function RedeemPoints(props: { customer: CustomerRow; balance: number; onRedeem: Redeem }) {
  const { t, locale } = useI18n();
  const [open, setOpen] = createSignal(false);
  const [done, setDone] = createSignal<Redemption | null>(null);
  return (
    <td class="redeem-points" data-testid="redeem-points">
      <Show when={done()}>
        {(r) => (
          <p class="saved-note" role="status" data-testid="redeemed">
            {t('customers.redeemed', { points: formatInteger(-r().entry.points, locale()), value: money(r().value, locale()), balance: formatInteger(r().customer.points, locale()) })}
          </p>
        )}
      </Show>
      <Show
        when={open()}
        fallback={
          <Show when={props.balance > 0}>
            <button type="button" class="link-button" onClick={() => (setDone(null), setOpen(true))}>
              {t('customers.redeem')}
            </button>
          </Show>
        }
      >
        <RedeemForm customer={props.customer} onRedeem={props.onRedeem} onClose={() => setOpen(false)} onDone={setDone} />
      </Show>
    </td>
  );
}

/**
 * The points, checked on the page (whole and above zero) before anything is sent. The form's requestId is kept
 * until it succeeds: sent again after a refusal or a lost answer, it redeems at most once.
 */
function RedeemForm(props: { customer: CustomerRow; onRedeem: Redeem; onClose: () => void; onDone: (r: Redemption) => void }) {
  const { t, locale } = useI18n();
  const [typed, setTyped] = createSignal('');
  const requestId = `console-${crypto.randomUUID()}`;
  const [pending, setPending] = createSignal(false);
  const [notPoints, setNotPoints] = createSignal(false);
  // The refusal is kept, not its wording, so the language toggle rewords it.
  const [refusal, setRefusal] = createSignal<Exclude<MutationOutcome<unknown>, { ok: true }> | null>(null);
  const failure = () => {
    if (notPoints()) return t('customers.problem.points');
    const refused = refusal();
    if (!refused) return null;
    return refused.forbidden ? t('customers.redeemReadOnly') : t('customers.redeemFailed', { message: refusalIn(refused, locale()) });
  };
  const send = async (event: SubmitEvent) => {
    event.preventDefault();
    const points = wholeNumberOf(typed());
    setNotPoints(!points);
    if (!points) return;
    setPending(true);
    const outcome = await props.onRedeem(props.customer, points, requestId);
    setPending(false);
    setRefusal(outcome.ok ? null : outcome);
    if (outcome.ok) {
      props.onDone(outcome.value);
      props.onClose();
    }
  };
  return (
    <form class="redeem-form" onSubmit={(event) => void send(event)}>
      <label class="field field-inline" title={t('customers.redeemRate')}>
        {t('customers.redeemPoints')}
        <input inputMode="numeric" size={7} value={typed()} aria-invalid={notPoints()} onInput={(event) => setTyped(event.currentTarget.value)} />
      </label>
      <button type="submit" class="primary" disabled={pending()}>
        {pending() ? t('customers.redeeming') : t('customers.confirmRedeem')}
      </button>
      <button type="button" onClick={() => props.onClose()}>
        {t('console.cancel')}
      </button>
      <InlineError message={failure()} />
    </form>
  );
}
