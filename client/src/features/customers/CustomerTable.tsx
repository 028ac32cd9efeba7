import { For, Show } from 'solid-js';
import { ConsoleTable } from '../../components/ConsoleTable';
import { useI18n } from '../../i18n/i18n';
import type { MessageKey } from '../../i18n/messages';
import { decimalToFen } from '../../lib/decimal';
import { formatCnyExact, formatDateTime, formatInteger } from '../../lib/format';
import type { CustomerRow } from './customers.documents';
import { RedeemPoints, type Redeem } from './RedeemPoints';

/** What the table needs to offer 积分兑换 (only to those who may manage): a balance as last redeemed, and the redemption. */
export interface PointsRedeeming {
  balance(customer: CustomerRow): number;
  redeem: Redeem;
}

/** Customers with their segment, tier and points balance (100 points = ¥1); with `points`, 积分兑换. */
export function CustomerTable(props: { customers: readonly CustomerRow[]; points: PointsRedeeming | null }) {
  const { t, locale } = useI18n();
  const columns = () => [
    t('customers.customer'),
    t('customers.shop'),
    t('customers.segment'),
    t('customers.tier'),
    t('customers.points'),
    t('customers.netSpendColumn'),
    t('customers.orders'),
    t('customers.lastOrder'),
    ...(props.points ? [t('customers.redeem')] : []),
  ];
  const balance = (c: CustomerRow) => props.points?.balance(c) ?? c.points;
  return (
    <Show when={props.customers.length > 0} fallback={<p class="empty">{t('customers.none')}</p>}>
      <ConsoleTable class="customer-table" testId="customer-table" columns={columns()}>
        <tbody>
          <For each={props.customers}>
            {(c) => (
              <tr data-testid="customer">
                <th scope="row">{c.nickname ?? c.externalId}</th>
                <td>{c.shop.name}</td>
                <td>{t(`segment.${c.rfmSegment}` as MessageKey)}</td>
                <td>
                  <span class={`tier tier-${c.tier.toLowerCase()}`}>{t(`tier.${c.tier}` as MessageKey)}</span>
                </td>
                <td class="num" data-testid="customer-points">{formatInteger(balance(c), locale())}</td>
                <td class="num">{formatCnyExact(decimalToFen(c.netSpend), locale())}</td>
                <td class="num">{formatInteger(c.paidOrders, locale())}</td>
                <td>{c.lastOrderAt ? formatDateTime(c.lastOrderAt, locale()) : '—'}</td>
                <Show when={props.points}>{(points) => <RedeemPoints customer={c} balance={balance(c)} onRedeem={points().redeem} />}</Show>
              </tr>
            )}
          </For>
        </tbody>
      </ConsoleTable>
    </Show>
  );
}
