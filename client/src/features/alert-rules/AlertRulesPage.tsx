import { useSearchParams } from '@solidjs/router';
import { createQuery, useClient } from '@urql/solid';
import { createMemo, For, Index, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { InlineError } from '../../components/InlineError';
import { sendMutation } from '../../graphql/mutation-outcome';
import { errorIn } from '../../graphql/refusal';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { canManage, useConsole } from '../console/console.context';
import { ConsoleShopsQuery } from '../reports/reports.documents';
import { scopeIds, scopeOf, scopeValue } from './alert-rule-form';
import { AlertRuleRow } from './AlertRuleRow';
import { AlertRulesQuery, AlertScopesQuery, UpdateAlertRuleMutation, type AlertRuleUpdate } from './alert-rules.documents';

/**
 * 告警规则: every rule's thresholds in force at one scope (`?scope=`: the installation's defaults, a shop, or a
 * campaign under way or to come, which beats its shops while it runs), where each value comes from, and, with
 * MANAGE, the values to change or forget. docs/ALERTS.md has the rules.
 */
export function AlertRulesPage() {
  const { t, locale } = useI18n();
  const services = useConsole();
  const client = useClient();
  const [search, setSearch] = useSearchParams<{ scope?: string }>();
  const scope = createMemo(() => scopeOf(search.scope), undefined, { equals: (a, b) => scopeValue(a) === scopeValue(b) });
  const [shops] = createQuery({ query: ConsoleShopsQuery });
  const [scopes] = createQuery({ query: AlertScopesQuery });
  const [rules, refetchRules] = createQuery({ query: AlertRulesQuery, variables: () => scopeIds(scope()) });
  const campaignOptions = () => [...(scopes.data?.active.edges ?? []), ...(scopes.data?.upcoming.edges ?? [])].map((e) => e.node);
  // The installation's defaults are set only by a caller over every shop; the server refuses others anyway.
  // A campaign seen in part has settings judging all its shops: theirs to read, not to change (the server refuses).
  const partialCampaign = () => {
    const s = scope();
    return s.kind === 'campaign' && campaignOptions().some((c) => c.id === s.campaignId && c.partial);
  };
  const canEdit = () => canManage(services.permissions()) && (scope().kind !== 'global' || scopes.data?.viewer.allShops === true) && !partialCampaign();
  const failure = () => rules.error ?? shops.error ?? scopes.error;

  // A setting has no id for the cache to update: the list is read again, and shows what the server stored.
  const save = async (input: AlertRuleUpdate) => {
    const outcome = await sendMutation(client, UpdateAlertRuleMutation, { input }, (data) => data.updateAlertRule, (payload) => payload.setting);
    if (outcome.ok) refetchRules({ requestPolicy: 'network-only' });
    return outcome;
  };

  return (
    <div class="console-page-body" data-testid="alert-rules-page">
      <div class="console-toolbar">
        <h2>{t('alertRules.title')}</h2>
        <label class="field field-inline">
          {t('alertRules.scope')}
          <select data-testid="alert-rule-scope" value={scopeValue(scope())} onChange={(e) => setSearch({ scope: e.currentTarget.value })}>
            <option value="global" selected={scope().kind === 'global'}>
              {t('alertRules.global')}
            </option>
            <optgroup label={t('alertRules.shops')}>
              <For each={shops.data?.shops.edges ?? []}>{(e) => <option value={`shop:${e.node.id}`} selected={scopeValue(scope()) === `shop:${e.node.id}`}>{e.node.name}</option>}</For>
            </optgroup>
            <optgroup label={t('alertRules.campaigns')}>
              <For each={campaignOptions()}>{(c) => <option value={`campaign:${c.id}`} selected={scopeValue(scope()) === `campaign:${c.id}`}>{c.name}</option>}</For>
            </optgroup>
          </select>
        </label>
      </div>
      <p class="muted rule-scope-note">{t(`alertRules.scopeNote.${scope().kind}` as MessageKey)}</p>
      <InlineError message={failure() && t('app.error', { message: errorIn(failure()!, locale()) })} />
      <section class="console-card">
        <Show when={rules.data} fallback={<p class="empty">{t('app.loading')}</p>}>
          {(data) => (
            <ConsoleTable class="alert-rules" columns={[t('alertRules.rule'), t('alertRules.enabled'), t('alertRules.threshold'), t('alertRules.sustain'), t('alertRules.minSample'), t('alertRules.from'), '']}>
              {/* By position: a refetch after a save keeps each row, and what is being typed in it. */}
              <Index each={data().alertRules}>
                {(setting) => <AlertRuleRow setting={setting()} scope={scope()} canEdit={canEdit()} onSave={save} />}
              </Index>
            </ConsoleTable>
          )}
        </Show>
      </section>
    </div>
  );
}
