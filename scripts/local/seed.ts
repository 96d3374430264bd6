/**
 * Demo data for the local product: a supplier's catalog (60+ SKUs with 件/箱 units), three
 * customers on different price levels plus one waiting for its invitation code, two
 * merchandisers, an admin, stock (some SKUs out of stock) and orders in several states, placed
 * through the same services the functions use, so reservations and timelines are consistent.
 */
import {
  addDays,
  businessDate,
  newStock,
  type Customer,
  type Order,
  type PriceEntry,
  type Sku,
  withVisibleTo,
} from '@dinghuo/shared';
import type { Store } from '../../cloudfunctions/_lib/data/store';
import { loadConfig } from '../../cloudfunctions/_lib/config';
import { changeStatus, submitOrder } from '../../cloudfunctions/_lib/services/orders';
import { review } from '../../cloudfunctions/_lib/services/followup';
import { priceEntryId } from '../../cloudfunctions/_lib/services/pricingData';

export const DEMO_IDENTITIES = [
  { openid: 'demo-customer-hualian', label: '华联超市（一级经销商）', role: 'customer', description: '客户：一级经销商价，有专属价' },
  { openid: 'demo-customer-yonghui', label: '永辉便利（二级批发）', role: 'customer', description: '客户：二级批发价' },
  { openid: 'demo-customer-xiaoma', label: '小马副食店（零售门店）', role: 'customer', description: '客户：零售门店价，信用额度较低' },
  { openid: 'demo-newuser', label: '新微信用户（未绑定）', role: null, description: '可用邀请码 XINDA2026 绑定鑫达商贸' },
  { openid: 'demo-merch-wang', label: '跟单员 王敏', role: 'merchandiser', description: '负责华联、永辉、小马' },
  { openid: 'demo-merch-li', label: '跟单员 李强', role: 'merchandiser', description: '负责鑫达商贸' },
  { openid: 'demo-admin', label: '管理员 赵总', role: 'admin', description: '供应商管理员' },
] as const;

const DAY = 86_400_000;
/** Indexes (in buildSkus order) of SKUs seeded out of stock, and with only two cases left. */
const OUT_OF_STOCK = [10, 24, 33, 45];
const SHORT_STOCK = [8, 19, 30];

const CATEGORIES = [
  { _id: 'cat_drinks', name: '饮料', sort: 1 },
  { _id: 'cat_snacks', name: '休闲零食', sort: 2 },
  { _id: 'cat_grain', name: '粮油调味', sort: 3 },
  { _id: 'cat_daily', name: '日化清洁', sort: 4 },
  { _id: 'cat_liquor', name: '酒类', sort: 5 },
  { _id: 'cat_gift', name: '定制礼盒', sort: 6 },
];

/** [category, product name, [spec, list price in fen, case size, base unit]...] */
const PRODUCTS: [string, string, [string, number, number, string][]][] = [
  ['cat_drinks', '清泉矿泉水', [['550ml', 200, 24, '瓶'], ['1.5L', 450, 12, '瓶'], ['4.5L', 1200, 4, '桶']]],
  ['cat_drinks', '冰爽绿茶', [['500ml', 350, 15, '瓶'], ['1L', 600, 12, '瓶']]],
  ['cat_drinks', '鲜橙汁', [['300ml', 450, 24, '瓶'], ['1L', 1280, 6, '瓶']]],
  ['cat_drinks', '可乐', [['330ml罐装', 300, 24, '罐'], ['2L', 750, 6, '瓶']]],
  ['cat_drinks', '纯牛奶', [['250ml', 380, 24, '盒'], ['1L', 1350, 12, '盒']]],
  ['cat_drinks', '椰汁', [['245ml', 420, 24, '罐']]],
  ['cat_drinks', '功能饮料', [['250ml', 600, 24, '罐']]],
  ['cat_snacks', '原味薯片', [['70g', 650, 20, '袋'], ['135g', 1150, 12, '袋']]],
  ['cat_snacks', '番茄味薯片', [['70g', 650, 20, '袋']]],
  ['cat_snacks', '苏打饼干', [['400g', 1290, 12, '盒']]],
  ['cat_snacks', '巧克力威化', [['180g', 990, 24, '包']]],
  ['cat_snacks', '牛肉干', [['100g', 2580, 20, '袋'], ['250g', 5980, 10, '袋']]],
  ['cat_snacks', '每日坚果', [['25g×7', 3990, 12, '盒']]],
  ['cat_snacks', '辣条', [['106g', 350, 40, '包']]],
  ['cat_snacks', '瓜子', [['260g', 1290, 20, '袋']]],
  ['cat_snacks', '海苔', [['4g×10', 1590, 24, '包']]],
  ['cat_grain', '东北大米', [['5kg', 4990, 4, '袋'], ['10kg', 9580, 2, '袋']]],
  ['cat_grain', '花生油', [['1.8L', 3990, 6, '桶'], ['5L', 9990, 4, '桶']]],
  ['cat_grain', '生抽酱油', [['500ml', 890, 12, '瓶'], ['1.28L', 1890, 6, '瓶']]],
  ['cat_grain', '陈醋', [['500ml', 790, 12, '瓶']]],
  ['cat_grain', '挂面', [['1kg', 890, 10, '包']]],
  ['cat_grain', '食盐', [['400g', 250, 40, '袋']]],
  ['cat_grain', '白砂糖', [['1kg', 990, 12, '袋']]],
  ['cat_grain', '蚝油', [['700g', 1290, 12, '瓶']]],
  ['cat_daily', '洗衣液', [['2kg', 3290, 6, '瓶'], ['3kg', 4590, 4, '瓶']]],
  ['cat_daily', '洗洁精', [['1.5kg', 1590, 8, '瓶']]],
  ['cat_daily', '抽纸', [['3层100抽×6包', 1990, 8, '提']]],
  ['cat_daily', '卷纸', [['4层×10卷', 2990, 6, '提']]],
  ['cat_daily', '牙膏', [['120g', 1290, 36, '支']]],
  ['cat_daily', '洗发水', [['400ml', 3990, 12, '瓶']]],
  ['cat_daily', '香皂', [['125g×3', 1590, 24, '组']]],
  ['cat_daily', '垃圾袋', [['45×50cm 100只', 990, 30, '卷']]],
  ['cat_liquor', '纯生啤酒', [['500ml罐装', 650, 12, '罐'], ['330ml罐装', 450, 24, '罐']]],
  ['cat_liquor', '精酿白啤', [['330ml瓶装', 1200, 12, '瓶']]],
  ['cat_liquor', '浓香白酒', [['500ml 52度', 12800, 6, '瓶'], ['250ml 42度', 4800, 12, '瓶']]],
  ['cat_liquor', '干红葡萄酒', [['750ml', 8800, 6, '瓶']]],
  ['cat_liquor', '黄酒', [['500ml 五年陈', 2200, 12, '瓶']]],
  ['cat_gift', '中秋月饼礼盒', [['8饼装 定制logo', 16800, 8, '盒']]],
  ['cat_gift', '年货坚果礼盒', [['1.5kg 定制', 19800, 6, '盒']]],
  ['cat_gift', '企业定制矿泉水', [['380ml 贴牌', 300, 24, '瓶']]],
  ['cat_gift', '茶叶礼盒', [['250g 定制', 26800, 6, '盒']]],
];

export function buildSkus(): Sku[] {
  const skus: Sku[] = [];
  let n = 0;
  PRODUCTS.forEach(([categoryId, productName, specs], p) => {
    specs.forEach(([spec, listPriceFen, caseSize, baseUnit], v) => {
      n += 1;
      const code = `SP${String(p + 1).padStart(3, '0')}-${v + 1}`;
      const gift = categoryId === 'cat_gift';
      // visibleTo (who sees it in the catalog) is derived from saleScope, as every SKU writer does.
      skus.push(withVisibleTo({
        _id: `sku_${String(n).padStart(4, '0')}`,
        code,
        productId: `prd_${String(p + 1).padStart(3, '0')}`,
        categoryId,
        name: productName,
        spec,
        baseUnit,
        caseUnit: '箱',
        caseSize,
        // Bulky goods are sold in whole cases only.
        caseOnly: gift || caseSize <= 4,
        listPriceFen,
        moq: gift ? caseSize * 5 : 1,
        active: !(productName === '功能饮料'),
        madeToOrder: gift,
        leadTimeDays: gift ? 15 : 3,
        ...(productName === '浓香白酒' ? { saleScope: { levelIds: ['lv_vip', 'lv_wholesale'] } } : {}),
      }));
    });
  });
  return skus;
}

/**
 * A demo price entry: the list price × bp (never below 1 fen), optionally with two quantity
 * breaks (10 cases: -3%, 50 cases: -6%). Used by the seed and the benchmark fixture.
 */
export function demoPriceEntry(listId: string, sku: Sku, bp: number, breaks: boolean): PriceEntry {
  const priceFen = Math.max(1, Math.round((sku.listPriceFen * bp) / 10000));
  return {
    _id: priceEntryId(listId, sku._id),
    priceListId: listId,
    skuId: sku._id,
    priceFen,
    breaks: breaks
      ? [
          { minQty: sku.caseSize * 10, priceFen: Math.round(priceFen * 0.97) },
          { minQty: sku.caseSize * 50, priceFen: Math.round(priceFen * 0.94) },
        ]
      : [],
  };
}

export async function isSeeded(store: Store): Promise<boolean> {
  return (await store.count('skus', {})) > 0;
}

export async function seedDemo(store: Store, now = Date.now()): Promise<{ skus: number; orders: number }> {
  const config = loadConfig({} as NodeJS.ProcessEnv);
  const skus = buildSkus();

  await store.set('staff', { _id: 'stf_wang', name: '王敏', role: 'merchandiser', phone: '13800000001' });
  await store.set('staff', { _id: 'stf_li', name: '李强', role: 'merchandiser', phone: '13800000002' });
  await store.set('staff', { _id: 'stf_admin', name: '赵总', role: 'admin', phone: '13800000000' });
  await store.set('users', { _id: 'demo-merch-wang', role: 'merchandiser', staffId: 'stf_wang', name: '王敏' });
  await store.set('users', { _id: 'demo-merch-li', role: 'merchandiser', staffId: 'stf_li', name: '李强' });
  await store.set('users', { _id: 'demo-admin', role: 'admin', staffId: 'stf_admin', name: '赵总' });

  await store.set('levels', { _id: 'lv_vip', name: '一级经销商', discountBp: 8500 });
  await store.set('levels', { _id: 'lv_wholesale', name: '二级批发', discountBp: 9200 });
  await store.set('levels', { _id: 'lv_retail', name: '零售门店', discountBp: 10000 });

  const customers: Customer[] = [
    {
      _id: 'cus_hualian', code: 'C001', name: '华联超市', levelId: 'lv_vip', merchandiserId: 'stf_wang',
      creditLimitFen: 50_000_000, invitationCode: 'HUALIAN01', active: true,
      addresses: [
        { id: 'addr_1', contact: '陈经理', phone: '13911110001', address: '上海市浦东新区张杨路 1000 号 华联超市仓库', isDefault: true },
        { id: 'addr_2', contact: '刘主管', phone: '13911110002', address: '上海市徐汇区漕溪北路 88 号 华联二店', isDefault: false },
      ],
    },
    {
      _id: 'cus_yonghui', code: 'C002', name: '永辉便利', levelId: 'lv_wholesale', merchandiserId: 'stf_wang',
      creditLimitFen: 10_000_000, invitationCode: 'YONGHUI01', active: true,
      addresses: [{ id: 'addr_1', contact: '周店长', phone: '13922220001', address: '杭州市西湖区文三路 200 号', isDefault: true }],
    },
    {
      _id: 'cus_xiaoma', code: 'C003', name: '小马副食店', levelId: 'lv_retail', merchandiserId: 'stf_wang',
      creditLimitFen: 300_000, invitationCode: 'XIAOMA01', active: true,
      addresses: [{ id: 'addr_1', contact: '马老板', phone: '13933330001', address: '苏州市姑苏区人民路 66 号', isDefault: true }],
    },
    {
      _id: 'cus_xinda', code: 'C004', name: '鑫达商贸', levelId: 'lv_wholesale', merchandiserId: 'stf_li',
      creditLimitFen: null, invitationCode: 'XINDA2026', active: true,
      addresses: [{ id: 'addr_1', contact: '孙经理', phone: '13944440001', address: '南京市鼓楼区中山北路 300 号', isDefault: true }],
    },
  ];
  for (const c of customers) {
    await store.set('customers', c);
    await store.set('accounts', { _id: c._id, outstandingFen: 0 });
  }
  await store.set('users', { _id: 'demo-customer-hualian', role: 'customer', customerId: 'cus_hualian', name: '陈经理' });
  await store.set('users', { _id: 'demo-customer-yonghui', role: 'customer', customerId: 'cus_yonghui', name: '周店长' });
  await store.set('users', { _id: 'demo-customer-xiaoma', role: 'customer', customerId: 'cus_xiaoma', name: '马老板' });

  for (const c of CATEGORIES) await store.set('categories', c);
  const products = new Map<string, { code: string; name: string; categoryId: string }>();
  for (const s of skus) products.set(s.productId, { code: s.productId.replace('prd_', 'P'), name: s.name, categoryId: s.categoryId });
  for (const [id, p] of products) await store.set('products', { _id: id, ...p, description: '', active: true });

  // Stock: most SKUs plenty, a few short, a few out of stock.
  for (const [i, s] of skus.entries()) {
    const onHand = OUT_OF_STOCK.includes(i) ? 0 : SHORT_STOCK.includes(i) ? s.caseSize * 2 : s.caseSize * (40 + (i % 5) * 20);
    await store.set('skus', s);
    await store.set('stock', newStock(s._id, onHand));
  }

  // Price lists: the VIP level's list (with quantity breaks), the wholesale level's, and
  // 华联's own prices for a few SKUs.
  await store.set('priceLists', { _id: 'pl_vip', name: '一级经销商价', scope: 'level', levelId: 'lv_vip' });
  await store.set('priceLists', { _id: 'pl_wholesale', name: '二级批发价', scope: 'level', levelId: 'lv_wholesale' });
  await store.set('priceLists', { _id: 'pl_hualian', name: '华联超市专属价', scope: 'customer', customerId: 'cus_hualian' });
  const entry = (listId: string, sku: Sku, bp: number, breaks = true) => demoPriceEntry(listId, sku, bp, breaks);
  for (const [i, s] of skus.entries()) {
    if (i % 2 === 0) await store.set('prices', entry('pl_vip', s, 8000));
    if (i % 3 === 0) await store.set('prices', entry('pl_wholesale', s, 8800, false));
    if (i < 6) await store.set('prices', { ...entry('pl_hualian', s, 7500), moq: s.caseSize });
  }

  // Orders in several states, placed and moved through the services.
  const staffWang = { kind: 'merchandiser' as const, openid: 'demo-merch-wang', staffId: 'stf_wang', name: '王敏' };
  let orders = 0;
  const place = async (customerId: string, openid: string, name: string, daysAgo: number, picks: [number, 'piece' | 'case', number][], key: string) => {
    const at = now - daysAgo * DAY;
    const order = await submitOrder(
      store,
      customerId,
      { openid, role: 'customer', name },
      {
        requestId: `seed-${key}`,
        lines: picks.map(([i, unit, count]) => ({ skuId: skus[i]!._id, unit, count })),
        addressId: 'addr_1',
        requestedDate: null,
        remark: '',
      },
      at,
      { ...config, reservationHours: 24 * 365 },
    );
    orders += 1;
    return { order, at };
  };
  const confirm = (order: Order, at: number, dueInDays: number) =>
    review(store, staffWang, { decision: 'confirm', orderId: order._id, dueDate: addDays(businessDate(at), dueInDays), note: '' }, at);

  // 华联: one awaiting review, one confirmed and overdue, one due soon, one shipped, one completed.
  await place('cus_hualian', 'demo-customer-hualian', '陈经理', 0, [[0, 'case', 5], [7, 'case', 2], [16, 'case', 3]], 'h1');
  const h2 = await place('cus_hualian', 'demo-customer-hualian', '陈经理', 9, [[2, 'case', 10], [9, 'piece', 30]], 'h2');
  await confirm(h2.order, h2.at + DAY / 2, 3); // due 6 days ago: overdue
  const h3 = await place('cus_hualian', 'demo-customer-hualian', '陈经理', 2, [[4, 'case', 4], [20, 'piece', 12]], 'h3');
  await confirm(h3.order, h3.at + DAY / 4, 3); // due tomorrow: due soon
  const h4 = await place('cus_hualian', 'demo-customer-hualian', '陈经理', 6, [[17, 'case', 2]], 'h4');
  await confirm(h4.order, h4.at + DAY / 4, 2);
  await changeStatus(store, staffWang, h4.order._id, 'ready_to_ship', h4.at + 2 * DAY, { note: '质检通过' });
  await changeStatus(store, staffWang, h4.order._id, 'shipped', h4.at + 3 * DAY, { note: '顺丰 SF1234567890' });
  // 永辉: one submitted, one in review done and cancelled by the customer earlier, one rejected.
  await place('cus_yonghui', 'demo-customer-yonghui', '周店长', 1, [[1, 'case', 3], [26, 'case', 1]], 'y1');
  const y2 = await place('cus_yonghui', 'demo-customer-yonghui', '周店长', 4, [[3, 'case', 2]], 'y2');
  await changeStatus(
    store,
    { kind: 'customer', openid: 'demo-customer-yonghui', customerId: 'cus_yonghui', name: '周店长' },
    y2.order._id,
    'cancelled',
    y2.at + DAY / 8,
    { note: '下错规格' },
  );
  const y3 = await place('cus_yonghui', 'demo-customer-yonghui', '周店长', 3, [[5, 'case', 1]], 'y3');
  await review(store, staffWang, { decision: 'reject', orderId: y3.order._id, reason: '该规格停产，请改订 1L 装' }, y3.at + DAY / 3);
  // 小马: a confirmed order, stuck (no change for 5 days).
  const x1 = await place('cus_xiaoma', 'demo-customer-xiaoma', '马老板', 6, [[21, 'piece', 20], [13, 'piece', 40]], 'x1');
  await confirm(x1.order, x1.at + DAY / 6, 10);

  return { skus: skus.length, orders };
}
