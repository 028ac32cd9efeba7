import type { customers } from '../modules/customer/customer.table.js';
import type { DemoShop } from './demo.catalog.js';
import { HISTORY_DAYS } from './demo.history.js';
import type { Random } from './demo.random.js';
import { DAY_MS } from '../lib/time.js';

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

export function buildCustomers(shopList: readonly DemoShop[], random: Random, newId: () => string): DemoCustomer[] {
  const list: DemoCustomer[] = [];
  let sequence = 0;
  for (const shop of shopList) {
    for (let i = 0; i < shop.customerCount; i++) {
      sequence += 1;
      list.push({
        id: newId(),
        shopId: shop.id,
        externalId: `c-${String(sequence).padStart(6, '0')}`,
        nickname: nickname(random),
      });
    }
  }
  return list;
}

/**
 * Members as the loader inserts them: no orders yet. Ingesting the history's payments fills in
 * paid orders, spend, points and first/last order dates, so a customer's spend always equals the
 * sum of their paid orders. Members joined before the history starts; those the month never
 * reaches stay members with no orders (入会未购).
 */
export function customerRows(list: readonly DemoCustomer[], now: Date, random: Random) {
  return list.map((c): typeof customers.$inferInsert => {
    const joinedAt = new Date(now.getTime() - random.between(HISTORY_DAYS + 1, 400) * DAY_MS);
    return { ...c, createdAt: joinedAt, updatedAt: joinedAt };
  });
}
