import { For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatDateTime, formatDuration } from '../../lib/format';
import { RetroSection } from './RetroSection';
import type { Retrospective } from './retrospective.documents';

/** Each milestone on time or how late, the highest risk it reached, and its status and risk history. */
export function RetroMilestones(props: { milestones: Retrospective['milestones'] }) {
  const { t, locale } = useI18n();
  const timeliness = (m: Retrospective['milestones'][number]) => {
    if (m.onTime === null) return t('retro.notDone');
    if (m.onTime) return t('retro.onTime');
    return t('retro.late', { by: formatDuration(m.secondsLate ?? 0, locale(), t) });
  };
  return (
    <RetroSection title={t('retro.milestones')} testId="retro-milestones">
      <Show when={props.milestones.length > 0} fallback={<p class="empty">{t('milestones.empty')}</p>}>
        <ConsoleTable columns={[t('retro.milestone'), t('milestones.due'), t('retro.timeliness'), t('retro.highestRisk'), t('retro.history')]}>
          <tbody>
            <For each={props.milestones}>
              {(m) => (
                <tr data-testid="retro-milestone">
                  <th scope="row">
                    {m.milestone.name} <span class="muted">{m.milestone.owner}</span>
                  </th>
                  <td>{formatDateTime(m.milestone.dueAt, locale())}</td>
                  <td classList={{ bad: m.onTime === false, good: m.onTime === true }}>{timeliness(m)}</td>
                  <td>{t(`risk.${m.highestRisk}` as MessageKey)}</td>
                  <td>
                    <ol class="retro-history">
                      <For each={m.changes}>
                        {(c) => (
                          <li>
                            {formatDateTime(c.changedAt, locale())} {t(`milestone.${c.status}` as MessageKey)} · {t(`risk.${c.riskLevel}` as MessageKey)}
                            <Show when={c.changedBy}>{(who) => <span class="muted"> · {who()}</span>}</Show>
                          </li>
                        )}
                      </For>
                    </ol>
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </ConsoleTable>
      </Show>
    </RetroSection>
  );
}
