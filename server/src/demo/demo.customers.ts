import { randomUUID } from 'node:crypto';
import type { customers } from '../modules/customer/customer.table.js';
import type { DemoShop } from './demo.catalog.js';
import type { DemoOrder } from './demo.history.js';
import type { Random } from './demo.random.js';

export interface DemoCustomer {
  id: string;
  shopId: string;
  externalId: string;
  nickname: string;
}

const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '林'];
const MOODS = ['快乐的', '爱吃', '不想上班的', '佛系', '元气', '认真的', '早睡', '熬夜', '会过日子的', '精致'];
const NOUNS = ['小猫', '橘子', '柠檬', '小熊', '打工人', '宝妈', '咸鱼', '奶茶', '星星', '小鹿', '芒果', '兔子'];

/** Nicknames as platforms expose them: masked real names, playful handles and raw account names. */
function nickname(random: Random): string {
  const style = random.next();
  if (style < 0.35) return `${random.pick(SURNAMES)}**`;
  if (style < 0.75) return `${random.pick(MOODS)}${random.pick(NOUNS)}`;
  if (style < 0.9) return `${random.pick(NOUNS)}${random.int(1, 999)}`;
  return `tb${random.int(100000, 999999)}_${random.int(10, 99)}`;
}

export function buildCustomers(shopList: readonly DemoShop[], random: Random): DemoCustomer[] {
  const list: DemoCustomer[] = [];
  let sequence = 0;
  for (const shop of shopList) {
    for (let i = 0; i < shop.customerCount; i++) {
      sequence += 1;
      list.push({
        id: randomUUID(),
        shopId: shop.id,
        externalId: `c-${String(sequence).padStart(6, '0')}`,
        nickname: nickname(random),
      });
    }
  }
  return list;
}

/**
 * Customers arrive over the month instead of all buying on day one, so first-order dates spread out
 * and a campaign's new-customer share (新客占比) means something. The first days win newcomers fast
 * (a month of history has to start somewhere); after that about one order in eleven, one in seven
 * during a campaign, comes from a new customer until the pool is used up.
 */
export class CustomerPool {
  /** list[0 .. seen) have ordered before; the rest are still to be won. */
  private seen = 0;

  constructor(private readonly list: readonly DemoCustomer[]) {
    if (list.length === 0) throw new Error('a shop needs customers');
  }

  next(random: Random, inCampaign: boolean): DemoCustomer {
    const size = this.list.length;
    const warmUp = 0.6 * Math.max(0, 1 - this.seen / (0.4 * size));
    if (this.seen === 0 || (this.seen < size && random.chance((inCampaign ? 0.15 : 0.09) + warmUp))) {
      return this.list[this.seen++]!;
    }
    // A tenth of the pool are regulars who take a fifth of the repeat orders (复购).
    const regulars = Math.min(this.seen, Math.max(1, Math.floor(size / 10)));
    return this.list[random.chance(0.2) ? random.int(0, regulars - 1) : random.int(0, this.seen - 1)]!;
  }
}

/**
 * Customer aggregates from the generated orders. Only paid orders count, refunds not deducted, the
 * same rule as GMV, so a customer's spend always equals the sum of their paid orders. Points are kept
 * simple: 1 point per whole yuan of that spend (redeemed at 100 points = ¥1); none is old enough to
 * expire. A customer the month never reached stays a member with no orders (入会未购).
 */
export function customerRows(list: readonly DemoCustomer[], orders: readonly DemoOrder[]) {
  const totals = new Map<string, { paidOrders: number; spendFen: number; first: Date; last: Date }>();
  for (const order of orders) {
    if (!order.paidAt) continue;
    const t = totals.get(order.customerId);
    if (!t) {
      const first = order.placedAt;
      totals.set(order.customerId, { paidOrders: 1, spendFen: order.amountFen, first, last: first });
      continue;
    }
    t.paidOrders += 1;
    t.spendFen += order.amountFen;
    if (order.placedAt < t.first) t.first = order.placedAt;
    if (order.placedAt > t.last) t.last = order.placedAt;
  }
  return list.map((c): typeof customers.$inferInsert => {
    const t = totals.get(c.id);
    return {
      ...c,
      firstOrderAt: t?.first ?? null,
      lastOrderAt: t?.last ?? null,
      paidOrders: t?.paidOrders ?? 0,
      spendFen: t?.spendFen ?? 0,
      points: Math.floor((t?.spendFen ?? 0) / 100),
      // Buyers became customers with their first order; the others keep the load time.
      ...(t ? { createdAt: t.first, updatedAt: t.last } : {}),
    };
  });
}
