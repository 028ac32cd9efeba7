import { For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { useI18n } from '../../i18n/i18n';
import { formatInteger } from '../../lib/format';
import { money, rate } from '../console/console-format';
import { RetroSection } from './RetroSection';
import type { Retrospective } from './retrospective.documents';

/** New against returning buyers, and refunds by the reason the customer gave, the largest amount first. */
export function RetroBuyers(props: { retrospective: Retrospective }) {
  const { t, locale } = useI18n();
  return (
    <RetroSection title={t('retro.buyersAndRefunds')} testId="retro-buyers">
      <dl class="retro-facts">
        <div>
          <dt>{t('retro.newBuyers')}</dt>
          <dd>{formatInteger(props.retrospective.newBuyers, locale())}</dd>
        </div>
        <div>
          <dt>{t('retro.returningBuyers')}</dt>
          <dd>{formatInteger(props.retrospective.returningBuyers, locale())}</dd>
        </div>
        <div>
          <dt>{t('retro.newBuyerShare')}</dt>
          <dd>{rate(props.retrospective.newBuyerShare, locale(), 1)}</dd>
        </div>
      </dl>
      <h4>{t('retro.refunds')}</h4>
      <Show when={props.retrospective.refundsByReason.length > 0} fallback={<p class="empty">{t('retro.noRefunds')}</p>}>
        <ConsoleTable columns={[t('retro.reason'), t('retro.refundCount'), t('retro.refundAmount'), t('retro.share')]}>
          <tbody>
            <For each={props.retrospective.refundsByReason}>
              {(r) => (
                <tr data-testid="refund-reason">
                  <th scope="row">{r.reason}</th>
                  <td class="num">{formatInteger(r.refunds, locale())}</td>
                  <td class="num">{money(r.amount, locale())}</td>
                  <td class="num">{rate(r.share, locale(), 1)}</td>
                </tr>
              )}
            </For>
          </tbody>
        </ConsoleTable>
      </Show>
    </RetroSection>
  );
}
