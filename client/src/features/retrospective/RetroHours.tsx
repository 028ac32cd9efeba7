import { For } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { useI18n } from '../../i18n/i18n';
import { formatCnyExact, formatHourMinute, formatPercentReached } from '../../lib/format';
import { money } from '../console/console-format';
import { byDay, pace, type RetroDay } from './retro-days';
import { RetroSection } from './RetroSection';
import type { Retrospective } from './retrospective.documents';

/** Hour by hour against the plan, a line per day that opens to its hours (the XLSX has every hour flat). */
export function RetroHours(props: { retrospective: Retrospective }) {
  const { t, locale } = useI18n();
  const fen = (value: number | null) => (value === null ? '—' : formatCnyExact(value, locale()));
  const days = () => byDay(props.retrospective.hours);
  // Cut like 达成率 above and pace on the wall: the last day's pace is the achievement (the plan sums to the
  // target), so a rounding here would read 72.2% under a 72.1%, and 100.0% before the target was reached.
  const paceText = (day: RetroDay) => {
    const value = pace(day.cumulativeActualFen, day.cumulativePlannedFen);
    return value === null ? '—' : formatPercentReached(value, locale(), 1);
  };
  return (
    <RetroSection title={t('retro.hours')} testId="retro-hours">
      <ConsoleTable class="retro-hours" columns={[t('retro.day'), t('retro.planned'), t('retro.actual'), t('retro.cumulativePlanned'), t('retro.cumulativeActual'), t('retro.pace')]}>
        <For each={days()}>
          {(day) => (
            <tbody data-testid="retro-day">
              <tr>
                <th scope="row">
                  <details>
                    <summary>{day.date}</summary>
                    <ol class="retro-hour-list">
                      <For each={day.hours}>
                        {(h) => (
                          <li>
                            {formatHourMinute(Date.parse(h.at), locale())} · {t('retro.planned')} {money(h.plannedGmv, locale())} · {t('retro.actual')}{' '}
                            {h.actualGmv === null ? '—' : money(h.actualGmv, locale())}
                          </li>
                        )}
                      </For>
                    </ol>
                  </details>
                </th>
                <td class="num">{fen(day.plannedFen)}</td>
                <td class="num">{fen(day.actualFen)}</td>
                <td class="num">{fen(day.cumulativePlannedFen)}</td>
                <td class="num">{fen(day.cumulativeActualFen)}</td>
                <td class="num" data-testid="retro-day-pace">{paceText(day)}</td>
              </tr>
            </tbody>
          )}
        </For>
      </ConsoleTable>
    </RetroSection>
  );
}
