/**
 * A large, deterministic catalog for the benchmarks, with the same document shapes as the demo
 * seed (scripts/local/seed.ts): SKUs with 件/箱 units, case-only bulky goods, made-to-order gift
 * boxes with a case MOQ, a restricted sale scope, three customer levels with level price lists
 * (the VIP list with quantity breaks), customers' own price lists (breaks and a case MOQ),
 * merchandisers, WeChat users bound to customers, and stock. A set of "hot" SKUs holds little
 * stock so that concurrent submits compete for it.
 */
import { newStock, withVisibleTo, type Customer, type CustomerLevel, type PriceEntry, type PriceList, type Product, type Sku, type Staff, type Stock, type User } from '@dinghuo/shared';
import type { SqliteStore } from '../local/sqliteStore';
import { demoPriceEntry } from '../local/seed';
import type { CartLineInput } from '@dinghuo/shared';

/** A small deterministic PRNG (mulberry32), so every run uses the same catalog and carts. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FixtureOptions {
  skus: number;
  customers: number;
  /** SKUs with little stock (competed for). */
  hotSkus: number;
  seed: number;
}

/** Stock of a hot SKU, in cases. */
export const HOT_CASES = 250;

export const DEFAULT_FIXTURE: FixtureOptions = { skus: 10_000, customers: 1_000, hotSkus: 100, seed: 20260 };

export interface Fixture {
  opts: FixtureOptions;
  categories: { _id: string; name: string; sort: number }[];
  products: Product[];
  skus: Sku[];
  stock: Stock[];
  levels: CustomerLevel[];
  staff: Staff[];
  customers: Customer[];
  users: User[];
  priceLists: PriceList[];
  prices: PriceEntry[];
  /** SKUs a cart may draw from (active, sold to everyone). */
  orderable: Sku[];
  hot: Sku[];
}

const CATEGORIES = [
  { _id: 'cat_drinks', name: '饮料', sort: 1 },
  { _id: 'cat_snacks', name: '休闲零食', sort: 2 },
  { _id: 'cat_grain', name: '粮油调味', sort: 3 },
  { _id: 'cat_daily', name: '日化清洁', sort: 4 },
  { _id: 'cat_liquor', name: '酒类', sort: 5 },
  { _id: 'cat_gift', name: '定制礼盒', sort: 6 },
];
const NAMES = ['矿泉水', '绿茶', '橙汁', '薯片', '饼干', '牛肉干', '大米', '花生油', '酱油', '洗衣液', '抽纸', '啤酒', '白酒', '礼盒'];
const UNITS = ['瓶', '袋', '盒', '包', '罐', '桶'];
const CASE_SIZES = [2, 4, 6, 8, 10, 12, 20, 24, 36, 40];
const LEVELS: CustomerLevel[] = [
  { _id: 'lv_vip', name: '一级经销商', discountBp: 8500 },
  { _id: 'lv_wholesale', name: '二级批发', discountBp: 9200 },
  { _id: 'lv_retail', name: '零售门店', discountBp: 10000 },
];

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function customerOpenid(i: number): string {
  return `bench-customer-${pad(i + 1, 5)}`;
}

export function buildFixture(opts: FixtureOptions = DEFAULT_FIXTURE): Fixture {
  const rand = rng(opts.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

  const skus: Sku[] = [];
  const products: Product[] = [];
  for (let i = 0; i < opts.skus; i++) {
    const p = Math.floor(i / 2); // two specs per product
    const category = CATEGORIES[p % CATEGORIES.length]!;
    const gift = category._id === 'cat_gift' && p % 5 === 0;
    const caseSize = pick(CASE_SIZES);
    const productId = `prd_${pad(p + 1, 5)}`;
    const name = `${NAMES[p % NAMES.length]}${pad(p + 1, 5)}`;
    if (i % 2 === 0) {
      products.push({ _id: productId, code: `P${pad(p + 1, 5)}`, name, categoryId: category._id, description: '', active: true });
    }
    skus.push(withVisibleTo({
      _id: `sku_${pad(i + 1, 5)}`,
      code: `SP${pad(p + 1, 5)}-${(i % 2) + 1}`,
      productId,
      categoryId: category._id,
      name,
      spec: `${(i % 7) + 1}00ml`,
      baseUnit: pick(UNITS),
      caseUnit: '箱',
      caseSize,
      caseOnly: gift || caseSize <= 4,
      listPriceFen: 100 + Math.floor(rand() * 30_000),
      moq: gift ? caseSize * 5 : 1,
      active: i % 97 !== 0,
      madeToOrder: gift,
      leadTimeDays: gift ? 15 : 3,
      ...(i % 113 === 0 ? { saleScope: { levelIds: ['lv_vip', 'lv_wholesale'] } } : {}),
    }));
  }
  const orderable = skus.filter((s) => s.active && !s.saleScope);
  const hot = orderable.slice(0, opts.hotSkus);
  const hotIds = new Set(hot.map((s) => s._id));
  // Hot SKUs: a few cases, sold out during a run; the rest: plenty.
  const stock: Stock[] = skus.map((s) => newStock(s._id, hotIds.has(s._id) ? s.caseSize * HOT_CASES : s.caseSize * 100_000));

  const staff: Staff[] = Array.from({ length: 20 }, (_, i) => ({
    _id: `stf_${pad(i + 1, 3)}`,
    name: `跟单员${pad(i + 1, 2)}`,
    role: 'merchandiser' as const,
    phone: `138000${pad(i, 5)}`,
  }));

  const customers: Customer[] = [];
  const users: User[] = [];
  for (let i = 0; i < opts.customers; i++) {
    const id = `cus_${pad(i + 1, 5)}`;
    customers.push({
      _id: id,
      code: `C${pad(i + 1, 5)}`,
      name: `客户${pad(i + 1, 5)}商行`,
      levelId: LEVELS[i % LEVELS.length]!._id,
      merchandiserId: staff[i % staff.length]!._id,
      creditLimitFen: null,
      invitationCode: `INV${pad(i + 1, 6)}`,
      active: true,
      addresses: [
        { id: 'addr_1', contact: '张经理', phone: '13900000000', address: `上海市浦东新区某路 ${i + 1} 号仓库`, isDefault: true },
        { id: 'addr_2', contact: '李主管', phone: '13900000001', address: `上海市徐汇区某路 ${i + 1} 号门店`, isDefault: false },
      ],
    });
    users.push({ _id: customerOpenid(i), role: 'customer', customerId: id, name: '张经理' });
  }

  const priceLists: PriceList[] = [
    { _id: 'pl_vip', name: '一级经销商价', scope: 'level', levelId: 'lv_vip' },
    { _id: 'pl_wholesale', name: '二级批发价', scope: 'level', levelId: 'lv_wholesale' },
  ];
  const prices: PriceEntry[] = [];
  const entry = demoPriceEntry;
  for (const [i, s] of skus.entries()) {
    if (i % 2 === 0) prices.push(entry('pl_vip', s, 8000, true));
    if (i % 3 === 0) prices.push(entry('pl_wholesale', s, 8800, false));
  }
  // Every tenth customer has its own list of 200 SKUs, with breaks and a whole-case MOQ.
  for (const [i, c] of customers.entries()) {
    if (i % 10 !== 0) continue;
    const listId = `pl_${c._id}`;
    priceLists.push({ _id: listId, name: `${c.name}专属价`, scope: 'customer', customerId: c._id });
    for (let k = 0; k < 200; k++) {
      const s = skus[(i * 37 + k * 53) % skus.length]!;
      prices.push({ ...entry(listId, s, 7500, true), moq: s.caseSize });
    }
  }

  return { opts, categories: CATEGORIES, products, skus, stock, levels: LEVELS, staff, customers, users, priceLists, prices, orderable, hot };
}

/** Writes the fixture in one SQLite transaction (the Store API would take one call per document). */
export function loadFixture(store: SqliteStore, f: Fixture): number {
  let n = 0;
  store.db.transaction(() => {
    const put = <C extends Parameters<SqliteStore['setSync']>[0]>(coll: C, docs: readonly Parameters<SqliteStore['setSync']>[1][]) => {
      for (const d of docs) store.setSync(coll, d as never);
      n += docs.length;
    };
    put('categories', f.categories);
    put('products', f.products);
    put('skus', f.skus);
    put('stock', f.stock);
    put('levels', f.levels);
    put('staff', f.staff);
    put('customers', f.customers);
    put('accounts', f.customers.map((c) => ({ _id: c._id, outstandingFen: 0 })));
    put('users', f.users);
    put('priceLists', f.priceLists);
    put('prices', f.prices);
  })();
  return n;
}

/**
 * A cart of `lines` distinct orderable SKUs, valid for any customer (MOQs met: whole cases for
 * case-only SKUs and at least one case otherwise, which also meets a customer list's case MOQ).
 * Half the carts include one hot SKU. Counts sometimes reach the quantity breaks.
 */
export function buildCart(f: Fixture, rand: () => number, lines = 20): CartLineInput[] {
  const chosen = new Map<string, Sku>();
  if (rand() < 0.5 && f.hot.length > 0) {
    const h = f.hot[Math.floor(rand() * f.hot.length)]!;
    chosen.set(h._id, h);
  }
  while (chosen.size < lines) {
    const s = f.orderable[Math.floor(rand() * f.orderable.length)]!;
    chosen.set(s._id, s);
  }
  return [...chosen.values()].map((s) => {
    const minCases = Math.max(1, Math.ceil(s.moq / s.caseSize));
    const cases = minCases + Math.floor(rand() * (rand() < 0.1 ? 12 : 3));
    if (s.caseOnly || rand() < 0.6) return { skuId: s._id, unit: 'case' as const, count: cases };
    return { skuId: s._id, unit: 'piece' as const, count: cases * s.caseSize + Math.floor(rand() * s.caseSize) };
  });
}
