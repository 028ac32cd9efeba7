import { For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { formatInteger } from '../../lib/format';
import { money, roiText } from '../console/console-format';
import { RetroSection } from './RetroSection';

export interface RankedRow {
  /** The channel or source, as the enum value. */
  name: string;
  gmv: string;
  orders: number;
  spend: string;
  roi: number | null;
  /** The ROI of the spend (the GMV of its lines with spend / spend): the server ranks by it. */
  attributedRoi: number | null;
  rank: number | null;
}

/** Channels or sources by ad ROI, best first (the server's order), the best and the worst named; without spend no rank. 全站 ROI beside it. */
export function RetroRanking(props: { title: string; testId: string; labels: 'channel' | 'source'; rows: readonly RankedRow[]; best: string | null; worst: string | null }) {
  const { t, locale } = useI18n();
  const label = (name: string) => t(`${props.labels}.${name}` as MessageKey);
  return (
    <RetroSection title={props.title} testId={props.testId}>
      <p class="retro-verdict">
        {t('retro.best', { name: props.best ? label(props.best) : '—' })} · {t('retro.worst', { name: props.worst ? label(props.worst) : '—' })}
      </p>
      <ConsoleTable columns={[t('retro.rank'), t(props.labels === 'channel' ? 'retro.channel' : 'retro.source'), t('retro.gmv'), t('retro.orders'), t('retro.spend'), t('retro.adRoi'), t('retro.allRoi')]}>
        <tbody>
          <For each={props.rows}>
            {(row) => (
              <tr data-testid="ranked-row" classList={{ best: row.name === props.best, worst: row.name === props.worst }}>
                <td class="num">{row.rank ?? '—'}</td>
                <th scope="row">
                  {label(row.name)}
                  <Show when={row.name === props.best}>
                    <span class="tag good">{t('retro.bestTag')}</span>
                  </Show>
                  <Show when={row.name === props.worst}>
                    <span class="tag bad">{t('retro.worstTag')}</span>
                  </Show>
                </th>
                <td class="num">{money(row.gmv, locale())}</td>
                <td class="num">{formatInteger(row.orders, locale())}</td>
                <td class="num">{money(row.spend, locale())}</td>
                <td class="num" classList={{ bad: row.attributedRoi !== null && row.attributedRoi < 1 }}>{roiText(row.attributedRoi, locale())}</td>
                <td class="num">{roiText(row.roi, locale())}</td>
              </tr>
            )}
          </For>
        </tbody>
      </ConsoleTable>
    </RetroSection>
  );
}
