import { createEffect, createMemo, createSignal, For, on, Show } from 'solid-js';
import { InlineError } from '../../components/InlineError';
import type { MutationOutcome } from '../../graphql/mutation-outcome';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { useSave } from '../console/save-failure';
import { money } from '../console/console-format';
import { amountOf } from '../../lib/yuan';
import { campaignsAt, hourOf, newEntryKey, SPEND_SOURCES, type TrafficSource } from './spend-form';
import type { SpendCampaign, SpendEntryInput } from './spend.documents';

export interface SpendEntryFormProps {
  shopId: string;
  /** The Shanghai day the entry is for. */
  date: string;
  /** The latest hour that may be entered (the current one today, 23 for a past day). */
  lastHour: number;
  campaigns: readonly SpendCampaign[];
  onRecord: (entry: SpendEntryInput) => Promise<MutationOutcome<unknown>>;
}

const NO_CAMPAIGN = '';

/**
 * 记一笔花费: the source the money bought, the hour of the ad report, the amount in yuan and the campaign it
 * counts for (one of the shop's campaigns running at that hour, by default the first). The amount is checked
 * on the page; the entry keeps its idempotency key until stored, so a second press after a lost answer
 * records it once.
 */
export function SpendEntryForm(props: SpendEntryFormProps) {
  const { t, locale } = useI18n();
  const [source, setSource] = createSignal<TrafficSource>('PAID');
  const [hour, setHour] = createSignal(props.lastHour);
  const [amount, setAmount] = createSignal('');
  // Null: follow the hour (the campaign live then); a string: the operator's choice, NO_CAMPAIGN for none.
  const [chosenCampaign, setChosenCampaign] = createSignal<string | null>(null);
  const [problem, setProblem] = createSignal(false);
  const [key, setKey] = createSignal(newEntryKey());
  const [recorded, setRecorded] = createSignal<string | null>(null);
  const saving = useSave();
  // Another shop or day starts afresh: its hours and campaigns are others.
  createEffect(
    on(
      () => [props.shopId, props.date] as const,
      () => {
        setHour(props.lastHour);
        setChosenCampaign(null);
        setRecorded(null);
        saving.clear();
      },
      { defer: true },
    ),
  );
  // The clock passing an hour (or a day) keeps the hour chosen, if it may still be entered.
  createEffect(on(() => props.lastHour, (last) => hour() > last && setHour(last), { defer: true }));
  const hours = createMemo(() => Array.from({ length: props.lastHour + 1 }, (_, h) => h));
  const spentAt = () => hourOf(props.date, hour());
  // Only the shop's campaigns running at the entry's hour: the server refuses spend for any other.
  const campaignOptions = createMemo(() => campaignsAt(props.campaigns, props.shopId, spentAt()));
  // A choice the hour no longer allows falls back to the default, so the form never sends what is refused.
  const campaign = () => {
    const chosen = chosenCampaign();
    if (chosen !== null && (chosen === NO_CAMPAIGN || campaignOptions().some((c) => c.id === chosen))) return chosen;
    return campaignOptions()[0]?.id ?? NO_CAMPAIGN;
  };
  const edited = () => {
    saving.edited();
    setRecorded(null);
  };

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    const yuan = amountOf(amount());
    setProblem(yuan === null);
    if (yuan === null) return;
    const entry: SpendEntryInput = { id: key(), shopId: props.shopId, spentAt: spentAt(), source: source(), amount: yuan, ...(campaign() ? { campaignId: campaign() } : {}) };
    const outcome = await saving.run(() => props.onRecord(entry));
    if (!outcome.ok) return;
    setRecorded(t('spend.recorded', { amount: money(yuan, locale()), source: t(`source.${entry.source}` as MessageKey), hour: `${String(hour()).padStart(2, '0')}:00` }));
    setAmount('');
    setKey(newEntryKey());
  };

  return (
    <form class="spend-form" data-testid="spend-form" onSubmit={(e) => void submit(e)}>
      <label class="field">
        {t('spend.source')}
        <select value={source()} onChange={(e) => { edited(); setSource(e.currentTarget.value as TrafficSource); }}>
          <For each={SPEND_SOURCES}>{(s) => <option value={s} selected={s === source()}>{t(`source.${s}` as MessageKey)}</option>}</For>
        </select>
      </label>
      <label class="field">
        {t('spend.hour')}
        <select value={hour()} onChange={(e) => { edited(); setHour(Number(e.currentTarget.value)); }}>
          <For each={hours()}>{(h) => <option value={h} selected={h === hour()}>{`${String(h).padStart(2, '0')}:00–${String(h + 1).padStart(2, '0')}:00`}</option>}</For>
        </select>
      </label>
      <label class="field">
        {t('spend.amount')}
        <input inputMode="decimal" value={amount()} aria-invalid={problem()} placeholder="1250.00" onInput={(e) => { edited(); setAmount(e.currentTarget.value); }} />
      </label>
      <label class="field">
        {t('spend.campaign')}
        <select value={campaign()} onChange={(e) => { edited(); setChosenCampaign(e.currentTarget.value); }}>
          <option value={NO_CAMPAIGN} selected={campaign() === NO_CAMPAIGN}>
            {t('spend.noCampaign')}
          </option>
          <For each={campaignOptions()}>{(c) => <option value={c.id} selected={c.id === campaign()}>{c.name}</option>}</For>
        </select>
      </label>
      <div class="form-actions">
        <InlineError message={problem() ? t('spend.problem.amount') : saving.failure()} />
        <Show when={recorded()}>{(text) => <p class="saved-note" role="status">{text()}</p>}</Show>
        <button type="submit" class="primary" disabled={saving.pending()}>
          {saving.pending() ? t('console.saving') : t('spend.record')}
        </button>
      </div>
    </form>
  );
}
