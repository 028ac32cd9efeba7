import { useSearchParams } from '@solidjs/router';
import { createMemo, For, Show } from 'solid-js';
import { useI18n } from '../../i18n/i18n';
import type { AlertSeverity } from './alert-log.documents';
import { SEVERITIES, severityOf, STATUS_VIEWS, statusViewOf, type AlertStatusView } from './alert-log-filter';
import { AlertLogList } from './AlertLogList';

const STATUS_LABEL = { open: 'alertLog.statusOpen', acknowledged: 'alertLog.statusAcknowledged', resolved: 'alertLog.statusResolved', all: 'alertLog.statusAll' } as const;

/** 告警: the alerts of the caller's shops (`?status=`, the unclaimed ones by default; `?severity=`), newest first, with 认领. */
export function AlertLogPage() {
  const { t } = useI18n();
  const [search, setSearch] = useSearchParams<{ status?: string; severity?: string }>();
  const status = createMemo(() => statusViewOf(search.status));
  const severity = createMemo(() => severityOf(search.severity));
  // A new list starts again at its first page: the list below is made anew for each pair.
  const view = createMemo<{ status: AlertStatusView; severity: AlertSeverity | null } | null>(() => ({ status: status(), severity: severity() }), null, {
    equals: (a, b) => a?.status === b?.status && a?.severity === b?.severity,
  });

  return (
    <div class="console-page-body" data-testid="alert-log-page">
      <div class="console-toolbar">
        <h2>{t('alertLog.title')}</h2>
        <div class="tabs" role="group" aria-label={t('alertLog.statuses')}>
          <For each={STATUS_VIEWS}>
            {(s) => (
              <button type="button" aria-pressed={status() === s} onClick={() => setSearch({ status: s === 'open' ? undefined : s })}>
                {t(STATUS_LABEL[s])}
              </button>
            )}
          </For>
        </div>
        <label class="field field-inline">
          {t('alertLog.severity')}
          <select data-testid="alert-severity" value={severity() ?? ''} onChange={(e) => setSearch({ severity: e.currentTarget.value || undefined })}>
            <option value="" selected={severity() === null}>
              {t('alertLog.severityAll')}
            </option>
            <For each={SEVERITIES}>
              {(s) => (
                <option value={s} selected={severity() === s}>
                  {t(`severity.${s}`)}
                </option>
              )}
            </For>
          </select>
        </label>
      </div>
      <Show when={view()} keyed>
        {(v) => <AlertLogList status={v.status} severity={v.severity} />}
      </Show>
    </div>
  );
}
