import type { Channel } from '../db/enums.js';
import {
  DEFAULT_LOW_STOCK_THRESHOLD,
  type ProductRole,
  type products,
  type skus,
} from '../modules/product/product.table.js';
import type { shops } from '../modules/shop/shop.table.js';
import type { Random } from './demo.random.js';
import { DAY_MS } from '../lib/time.js';


export interface DemoShop {
  id: string;
  name: string;
  platform: Channel;
  platformShopId: string;
  /** Order ids on each platform start with its own letters, as real exports do. */
  orderPrefix: string;
  /** Writes the shop's daily reports and answers for its alerts. */
  owner: string;
  baseDailyOrders: number;
  customerCount: number;
}

/** One merchant on four platforms: the multi-shop case partners integrate for. */
export const DEMO_SHOPS: readonly Omit<DemoShop, 'id'>[] = [
  shop('峰值家居天猫旗舰店', 'TMALL', '2208841573', 'TM', '李娜', 150, 860),
  shop('峰值家居京东官方旗舰店', 'JD', '1000093817', 'JD', '王磊', 130, 770),
  shop('峰值家居抖音官方旗舰店', 'DOUYIN', '58329107', 'DY', '陈静', 115, 710),
  shop('峰值家居拼多多品牌店', 'PINDUODUO', '730215486', 'PDD', '刘洋', 105, 660),
];

function shop(
  name: string,
  platform: Channel,
  platformShopId: string,
  orderPrefix: string,
  owner: string,
  baseDailyOrders: number,
  customerCount: number,
): Omit<DemoShop, 'id'> {
  return { name, platform, platformShopId, orderPrefix, owner, baseDailyOrders, customerCount };
}

export interface DemoSku {
  id: string;
  shopId: string;
  code: string;
  /** The product's name: what the LOW_STOCK rule names a SKU by, with its code. */
  productName: string;
  role: ProductRole;
  priceFen: number;
  stock: number;
  /** The product's listing time: orders before it cannot contain the SKU. */
  listedAt: Date;
  onSale: boolean;
  /** Relative sales weight; steep on purpose so a few products make most of the GMV (Pareto). */
  popularity: number;
}

interface Template {
  name: string;
  category: string;
  role: ProductRole;
  /** Yuan; variants further down the last spec dimension cost more (bigger, more pieces). */
  price: number;
  specs: readonly (readonly string[])[];
}

const COLORS = ['白色', '浅灰', '原木色', '雾蓝'];
const SIZES = ['小号', '中号', '大号'];
const PACKS = ['单只装', '2只装', '4只装'];
const BED = ['1.5m 床', '1.8m 床'];

const TEMPLATES: readonly Template[] = [
  { name: '加厚珊瑚绒毛巾', category: '家居', role: 'TRAFFIC', price: 12.9, specs: [COLORS, PACKS] },
  { name: '北欧风桌面收纳盒', category: '家居', role: 'TRAFFIC', price: 19.9, specs: [COLORS, SIZES] },
  { name: '硅藻泥速干地垫', category: '家居', role: 'TRAFFIC', price: 29.9, specs: [COLORS, ['40×60cm', '50×80cm']] },
  { name: '真丝遮光眼罩', category: '家居', role: 'TRAFFIC', price: 19.9, specs: [['香槟色', '黛紫', '墨黑']] },
  { name: '免打孔浴室置物架', category: '家居', role: 'PROFIT', price: 69, specs: [['太空铝', '哑光黑'], ['单层', '双层']] },
  { name: '慢回弹记忆棉靠枕', category: '家居', role: 'PROFIT', price: 89, specs: [COLORS] },
  { name: '新疆长绒棉四件套', category: '家居', role: 'PROFIT', price: 169, specs: [['米白', '燕麦', '灰蓝'], BED] },
  { name: '大豆蜡香薰蜡烛礼盒', category: '家居', role: 'PROFIT', price: 129, specs: [['白茶', '雪松', '无花果']] },
  { name: '北美白橡木床头柜', category: '家居', role: 'IMAGE', price: 699, specs: [['原木色', '胡桃色']] },
  { name: '泰国天然乳胶床垫', category: '家居', role: 'IMAGE', price: 1599, specs: [['10cm', '15cm'], BED] },
  { name: '316 不锈钢保温杯', category: '厨具', role: 'TRAFFIC', price: 35, specs: [COLORS, ['350ml', '500ml']] },
  { name: '食品级硅胶保鲜盖', category: '厨具', role: 'TRAFFIC', price: 9.9, specs: [['6件套', '10件套']] },
  { name: '玻璃密封储物罐', category: '厨具', role: 'TRAFFIC', price: 15.9, specs: [['500ml', '800ml', '1200ml']] },
  { name: '整竹加厚砧板', category: '厨具', role: 'TRAFFIC', price: 29.9, specs: [SIZES] },
  { name: '釉下彩陶瓷餐具套装', category: '厨具', role: 'PROFIT', price: 159, specs: [['2人食', '4人食']] },
  { name: '麦饭石不粘炒锅', category: '厨具', role: 'PROFIT', price: 149, specs: [['28cm', '32cm']] },
  { name: '手冲咖啡壶套装', category: '厨具', role: 'PROFIT', price: 129, specs: [['磨砂黑', '珍珠白']] },
  { name: '多功能电煮料理锅', category: '厨具', role: 'IMAGE', price: 399, specs: [['奶油白', '薄荷绿'], ['2L', '3L']] },
  { name: '德式锻打刀具七件套', category: '厨具', role: 'IMAGE', price: 599, specs: [['标准款']] },
  { name: '静音破壁料理机', category: '厨具', role: 'IMAGE', price: 1299, specs: [['月光白', '曜石黑']] },
  { name: '氨基酸温和洗面奶', category: '个护', role: 'TRAFFIC', price: 29.9, specs: [['100g', '150g']] },
  { name: '便携细线牙线棒', category: '个护', role: 'TRAFFIC', price: 9.9, specs: [['50支', '150支']] },
  { name: '护手霜四支礼盒', category: '个护', role: 'TRAFFIC', price: 25.9, specs: [['花香款', '果香款']] },
  { name: '声波电动牙刷', category: '个护', role: 'PROFIT', price: 99, specs: [['樱花粉', '星空黑', '薄荷绿']] },
  { name: '负离子速干吹风机', category: '个护', role: 'PROFIT', price: 179, specs: [['珍珠白', '玫瑰金']] },
  { name: '香氛氨基酸沐浴露', category: '个护', role: 'PROFIT', price: 59, specs: [['白麝香', '小苍兰'], ['500ml', '1L']] },
  { name: '颈肩热敷按摩仪', category: '个护', role: 'IMAGE', price: 499, specs: [['标准版', '旗舰版']] },
  { name: '射频美容仪', category: '个护', role: 'IMAGE', price: 1599, specs: [['香槟金']] },
  { name: '编织快充数据线', category: '数码配件', role: 'TRAFFIC', price: 12.9, specs: [['Type-C', 'Lightning'], ['1m', '2m']] },
  { name: '懒人桌面手机支架', category: '数码配件', role: 'TRAFFIC', price: 15.9, specs: [['银色', '深空灰']] },
  { name: '磁吸平板保护套', category: '数码配件', role: 'TRAFFIC', price: 35, specs: [['11英寸', '13英寸']] },
  { name: '氮化镓快充充电器', category: '数码配件', role: 'PROFIT', price: 99, specs: [['65W', '100W']] },
  { name: '磁吸无线充电宝', category: '数码配件', role: 'PROFIT', price: 149, specs: [['5000mAh', '10000mAh']] },
  { name: '主动降噪蓝牙耳机', category: '数码配件', role: 'IMAGE', price: 899, specs: [['云雾白', '深海蓝']] },
  { name: '三模机械键盘', category: '数码配件', role: 'IMAGE', price: 399, specs: [['茶轴', '红轴']] },
  { name: '厨房去油湿巾', category: '清洁', role: 'TRAFFIC', price: 9.9, specs: [['80抽', '80抽×3包']] },
  { name: '持久留香洗衣凝珠', category: '清洁', role: 'TRAFFIC', price: 29.9, specs: [['30颗', '60颗']] },
  { name: '免手洗平板拖把', category: '清洁', role: 'PROFIT', price: 79, specs: [['标准款', '加大款']] },
  { name: '紫外线除螨仪', category: '清洁', role: 'PROFIT', price: 199, specs: [['标准版']] },
  { name: '扫拖一体机器人', category: '清洁', role: 'IMAGE', price: 1899, specs: [['自动集尘版']] },
];

/** Roles sell at different rates: 引流款 bring the volume, 形象款 are seldom bought. */
const ROLE_WEIGHT: Record<ProductRole, number> = { TRAFFIC: 3, PROFIT: 1.6, IMAGE: 0.35 };
/** Gross margin bands by role: 引流款 near cost, 利润款 high margin, 形象款 in between. */
const ROLE_COST_SHARE: Record<ProductRole, readonly [number, number]> = {
  TRAFFIC: [0.7, 0.85],
  PROFIT: [0.35, 0.5],
  IMAGE: [0.45, 0.6],
};
const ROLE_PRICE_FEN: Record<ProductRole, readonly [number, number]> = {
  TRAFFIC: [990, 3900],
  PROFIT: [5900, 19900],
  IMAGE: [29900, 199900],
};
const SKUS_PER_SHOP = 50;

/** Prices end in .9 (or 9 for premium items), the way shops actually price. */
function retailPriceFen(yuan: number, role: ProductRole): number {
  const raw = role === 'IMAGE' ? (Math.round(yuan / 10) * 10 - 1) * 100 : Math.round(yuan) * 100 - 10;
  const [low, high] = ROLE_PRICE_FEN[role];
  return Math.min(high, Math.max(low, raw));
}

function specCombinations(specs: readonly (readonly string[])[]): { spec: string; step: number }[] {
  let combos: { parts: string[]; step: number }[] = [{ parts: [], step: 0 }];
  specs.forEach((values, dim) => {
    const last = dim === specs.length - 1;
    combos = combos.flatMap((c) => values.map((v, i) => ({ parts: [...c.parts, v], step: last ? i : c.step })));
  });
  return combos.map((c) => ({ spec: c.parts.join(' / '), step: c.step }));
}

export interface Catalog {
  products: (typeof products.$inferInsert)[];
  skus: (typeof skus.$inferInsert)[];
  demoSkus: DemoSku[];
}

export function buildCatalog(shopList: readonly DemoShop[], random: Random, now: Date, newId: () => string): Catalog {
  const catalog: Catalog = { products: [], skus: [], demoSkus: [] };
  for (const shop of shopList) {
    // Same merchant, so the shops overlap in assortment, but each lists its own subset and order.
    const templates = random.shuffle(TEMPLATES);
    let remaining = SKUS_PER_SHOP;
    for (const [rank, template] of templates.entries()) {
      if (remaining === 0) break;
      const combos = random.shuffle(specCombinations(template.specs));
      const count = Math.min(remaining, combos.length, random.int(1, 3));
      remaining -= count;
      // Two products per shop are new, so the 7-day new-product rule (Product.launch) has something to show:
      // one still in its trial, one whose 7 days just ended and has a verdict.
      const listedDaysAgo = rank === 3 ? random.between(3, 6) : rank === 9 ? random.between(8, 12) : random.between(45, 420);
      const listedAt = new Date(now.getTime() - listedDaysAgo * DAY_MS);
      const onSale = !(template.role === 'IMAGE' && random.chance(0.12));
      const productId = newId();
      catalog.products.push({
        id: productId,
        shopId: shop.id,
        name: template.name,
        category: template.category,
        role: template.role,
        status: onSale ? 'ON_SALE' : 'OFF_SALE',
        createdAt: listedAt,
        updatedAt: listedAt,
      });
      const productWeight = ROLE_WEIGHT[template.role] / Math.pow(rank + 1, 1.1);
      combos.slice(0, count).forEach(({ spec, step }, variant) => {
        const priceFen = retailPriceFen(template.price * (1 + 0.18 * step), template.role);
        const [lowCost, highCost] = ROLE_COST_SHARE[template.role];
        // Most SKUs are well stocked; about one in twenty sits at or under the 库存≤50 line.
        const stock = random.chance(0.05) ? random.int(0, DEFAULT_LOW_STOCK_THRESHOLD) : random.int(80, 2000);
        const sku: DemoSku = {
          id: newId(),
          shopId: shop.id,
          code: `${shop.orderPrefix}-${String(TEMPLATES.indexOf(template) + 1).padStart(3, '0')}-${variant + 1}`,
          productName: template.name,
          role: template.role,
          priceFen,
          stock,
          listedAt,
          onSale,
          popularity: productWeight / (variant + 1),
        };
        catalog.demoSkus.push(sku);
        catalog.skus.push({
          id: sku.id,
          productId,
          shopId: shop.id,
          code: sku.code,
          spec,
          priceFen,
          costFen: Math.round(priceFen * random.between(lowCost, highCost)),
          stock,
          createdAt: listedAt,
          updatedAt: listedAt,
        });
      });
    }
  }
  // The low-stock alert is most telling on a best seller, so the first shop's top 引流款 is nearly sold out.
  const hot = catalog.demoSkus
    .filter((s) => s.shopId === shopList[0]?.id && s.role === 'TRAFFIC' && s.onSale)
    .sort((a, b) => b.popularity - a.popularity)[0];
  if (hot) {
    hot.stock = 36;
    const row = catalog.skus.find((s) => s.id === hot.id);
    if (row) row.stock = hot.stock;
  }
  // And one best seller of the second shop sits just above the line, so within minutes of `npm start`
  // the live traffic sells it under 50 and the rule engine raises LOW_STOCK by itself.
  const nearly = catalog.demoSkus
    .filter((s) => s.shopId === shopList[1]?.id && s.onSale && s.stock > DEFAULT_LOW_STOCK_THRESHOLD)
    .sort((a, b) => b.popularity - a.popularity)[0];
  if (nearly) {
    nearly.stock = DEFAULT_LOW_STOCK_THRESHOLD + 4;
    const row = catalog.skus.find((s) => s.id === nearly.id);
    if (row) row.stock = nearly.stock;
  }
  // And the third shop's best seller sold out just before the demo starts: the engine's first evaluation raises
  // LOW_STOCK CRITICAL, an incident on the manuals' clock (claim it within 10 minutes, fix it within 30), which the
  // wall counts down; the live traffic sells none of it (a platform stops at zero) until someone restocks it.
  const soldOut = catalog.demoSkus
    .filter((s) => s.shopId === shopList[2]?.id && s.onSale && s.stock > DEFAULT_LOW_STOCK_THRESHOLD)
    .sort((a, b) => b.popularity - a.popularity)[0];
  if (soldOut) {
    soldOut.stock = 0;
    const row = catalog.skus.find((s) => s.id === soldOut.id);
    if (row) row.stock = soldOut.stock;
  }
  return catalog;
}

/** The shops were opened in PeakOps when the demo was loaded: their creation time is the demo's clock. */
export function shopRows(shopList: readonly DemoShop[], now: Date): (typeof shops.$inferInsert)[] {
  return shopList.map((s) => ({ id: s.id, name: s.name, platform: s.platform, platformShopId: s.platformShopId, createdAt: now, updatedAt: now }));
}
