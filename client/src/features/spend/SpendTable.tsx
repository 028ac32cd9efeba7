import { createSignal, For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { InlineError } from '../../components/InlineError';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDateTime, formatHourMinute } from '../../lib/format';
import { money } from '../console/console-format';
import { useSaveFailure } from '../console/save-failure';
import type { SpendEntry } from './spend.documents';

export interface SpendTableProps {
  entries: readonly SpendEntry[];
  campaignNames: ReadonlyMap<string, string>;
  canVoid: boolean;
  onVoid: (entry: SpendEntry, reason: string) => Promise<MutationOutcome<unknown>>;
}

/** The day's entries: hour, source, amount, campaign, when recorded; a voided one with who, when and why. */
export function SpendTable(props: SpendTableProps) {
  const { t } = useI18n();
  return (
    <ConsoleTable class="spend-table" columns={[t('spend.hour'), t('spend.source'), t('spend.amount'), t('spend.campaign'), t('spend.recordedAt'), '']}>
      <tbody>
        <For each={props.entries}>{(entry) => <SpendRow entry={entry} campaignNames={props.campaignNames} canVoid={props.canVoid} onVoid={props.onVoid} />}</For>
      </tbody>
    </ConsoleTable>
  );
}

function SpendRow(props: { entry: SpendEntry; campaignNames: ReadonlyMap<string, string>; canVoid: boolean; onVoid: SpendTableProps['onVoid'] }) {
  const { t, locale } = useI18n();
  const [voiding, setVoiding] = createSignal(false);
  const [reason, setReason] = createSignal('');
  const [pending, setPending] = createSignal(false);
  const [missingReason, setMissingReason] = createSignal(false);
  const failure = useSaveFailure();
  const e = () => props.entry;
  const confirm = async (event: SubmitEvent) => {
    event.preventDefault();
    setMissingReason(reason().trim() === '');
    if (reason().trim() === '') return;
    setPending(true);
    const outcome = await props.onVoid(e(), reason().trim());
    setPending(false);
    failure.show(outcome);
    if (outcome.ok) setVoiding(false);
  };
  return (
    <>
      <tr data-testid="spend-entry" data-voided={e().voidedAt !== null} classList={{ voided: e().voidedAt !== null }}>
        <td>{formatHourMinute(new Date(e().spentAt), locale())}</td>
        <td>{t(`source.${e().source}` as MessageKey)}</td>
        <td class="num spend-amount">{money(e().amount, locale())}</td>
        <td>{e().campaignId ? (props.campaignNames.get(e().campaignId!) ?? '—') : '—'}</td>
        <td>{formatDateTime(e().recordedAt, locale())}</td>
        <td>
          <Show
            when={e().voidedAt}
            fallback={
              <Show when={props.canVoid && !voiding()}>
                <button type="button" class="link-button" onClick={() => setVoiding(true)}>
                  {t('spend.void')}
                </button>
              </Show>
            }
          >
            <span class="tag bad">{t('spend.voided')}</span>
          </Show>
        </td>
      </tr>
      <Show when={e().voidedAt}>
        {(at) => (
          <tr class="spend-void-note">
            <td colSpan={6} class="muted">
              {t('spend.voidedBy', { who: e().voidedBy ?? '—', at: formatDateTime(at(), locale()), reason: e().voidReason ?? '' })}
            </td>
          </tr>
        )}
      </Show>
      <Show when={voiding()}>
        <tr class="spend-void-form">
          <td colSpan={6}>
            <form onSubmit={(event) => void confirm(event)}>
              <label class="field field-inline">
                {t('spend.voidReason')}
                <input value={reason()} maxLength={500} aria-invalid={missingReason()} placeholder={t('spend.voidReasonPlaceholder')} onInput={(event) => setReason(event.currentTarget.value)} />
              </label>
              <button type="submit" class="danger" disabled={pending()}>
                {t('spend.confirmVoid')}
              </button>
              <button type="button" onClick={() => setVoiding(false)}>
                {t('milestones.cancel')}
              </button>
              <InlineError message={missingReason() ? t('spend.problem.reason') : failure.message()} />
            </form>
          </td>
        </tr>
      </Show>
    </>
  );
}
