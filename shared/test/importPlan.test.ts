import {
  idPart,
  importIds,
  parseImportRow,
  planCustomers,
  planPrices,
  planProducts,
  planStock,
  sameDoc,
  type Category,
  type Customer,
  type ImportKind,
  type Parsed,
  type PriceEntry,
  type Product,
  type Sku,
  type Staff,
} from '../src';
import { customer, sku } from './fixtures';

function rows<K extends ImportKind>(kind: K, list: Record<string, string>[]): Parsed<K>[] {
  return list.map((values, i) => {
    const p = parseImportRow(kind, { row: i + 2, values });
    if (!p.ok) throw new Error(p.bad.reason);
    return { row: p.row, value: p.value };
  });
}

/** Applies a plan's writes to maps, as a store would. */
function apply(plan: ReturnType<typeof planProducts>, db: Record<string, Map<string, unknown>>) {
  for (const w of plan.writes) (db[w.coll] ??= new Map()).set(w.doc._id, w.doc);
}

describe('ids are deterministic', () => {
  it('uses plain codes as they are and hashes others', () => {
    expect(importIds.sku('QP-550')).toBe('sku_QP-550');
    expect(idPart('清泉 550ml')).toMatch(/^x[0-9a-f]{16}$/);
    expect(idPart('清泉 550ml')).toBe(idPart('清泉 550ml'));
    expect(idPart('清泉 550ml')).not.toBe(idPart('清泉 551ml'));
    expect(idPart('A'.repeat(25))).toMatch(/^x/);
  });

  it('compares documents regardless of key order and undefined fields', () => {
    expect(sameDoc({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, d: undefined })).toBe(true);
    expect(sameDoc({ a: 1 }, { a: 2 })).toBe(false);
  });
});

describe('planning products', () => {
  const file: Record<string, string>[] = [
    { code: 'QP-550', name: '山泉水', spec: '550ml', category: '饮料', baseUnit: '瓶', caseSize: '24', listPriceFen: '2' },
    { code: 'QP-1500', name: '山泉水', spec: '1.5L', category: '饮料', baseUnit: '瓶', caseSize: '12', listPriceFen: '4.5' },
    { code: 'MB-1', name: '月饼礼盒', category: '礼盒', caseSize: '8', caseOnly: '是', listPriceFen: '168', madeToOrder: '是', leadTimeDays: '20' },
  ];

  it('creates SKUs, their products and categories once, then finds nothing to change', () => {
    const db: Record<string, Map<string, unknown>> = {};
    const refs = () => {
      const skus = [...(db.skus?.values() ?? [])] as Sku[];
      const products = [...(db.products?.values() ?? [])] as Product[];
      return {
        skusByCode: new Map(skus.map((s) => [s.code, s])),
        productsByCode: new Map(products.map((p) => [p.code, p])),
        productsById: new Map(products.map((p) => [p._id, p])),
        categories: [...(db.categories?.values() ?? [])] as Category[],
      };
    };
    const first = planProducts(rows('products', file), refs());
    expect(first.outcomes.map((o) => o.action)).toEqual(['create', 'create', 'create']);
    expect(first.related.categories).toEqual(['饮料', '礼盒']);
    expect(first.related.products).toEqual(['山泉水', '月饼礼盒']);
    apply(first, db);
    const water = db.skus!.get('sku_QP-550') as Sku;
    expect(water).toMatchObject({ listPriceFen: 200, caseSize: 24, baseUnit: '瓶', moq: 1, active: true, leadTimeDays: 3 });
    expect((db.skus!.get('sku_QP-1500') as Sku).productId).toBe(water.productId);
    expect((db.skus!.get('sku_MB-1') as Sku)).toMatchObject({ caseOnly: true, madeToOrder: true, leadTimeDays: 20 });

    const again = planProducts(rows('products', file), refs());
    expect(again.outcomes.map((o) => o.action)).toEqual(['unchanged', 'unchanged', 'unchanged']);
    expect(again.writes).toEqual([]);
  });

  it('updates only the columns a file has, keeping the rest', () => {
    const existing = sku({ _id: 'sku_1', code: 'SP1', leadTimeDays: 15, madeToOrder: true, listPriceFen: 200 });
    const plan = planProducts(rows('products', [{ code: 'SP1', listPriceFen: '2.2' }]), {
      skusByCode: new Map([['SP1', existing]]),
      productsByCode: new Map(),
      productsById: new Map(),
      categories: [],
    });
    expect(plan.outcomes[0]!.action).toBe('update');
    expect(plan.writes).toHaveLength(1);
    expect(plan.writes[0]!.doc).toEqual({ ...existing, listPriceFen: 220, visibleTo: ['*'] });
  });

  it('writes visibleTo from the sale scope: new SKUs for everyone, a restricted SKU keeps its scope and keys', () => {
    const refs = (existing: Sku[]) => ({
      skusByCode: new Map(existing.map((s) => [s.code, s])),
      productsByCode: new Map(),
      productsById: new Map(),
      categories: [],
    });
    const created = planProducts(rows('products', [{ code: 'NEW', name: '新品', listPriceFen: '1' }]), refs([]));
    expect(created.writes.find((w) => w.coll === 'skus')!.doc).toMatchObject({ visibleTo: ['*'] });

    // A SKU written before visibleTo existed gets it on its next import, even with no other change.
    const legacy = sku({ _id: 'sku_R', code: 'R', saleScope: { levelIds: ['lv_b', 'lv_a'], customerIds: ['cus_1'] } });
    const backfill = planProducts(rows('products', [{ code: 'R', listPriceFen: '2' }]), refs([legacy]));
    expect(backfill.outcomes[0]!.action).toBe('update');
    expect(backfill.writes[0]!.doc).toEqual({ ...legacy, visibleTo: ['cu:cus_1', 'lv:lv_a', 'lv:lv_b'] });

    const again = planProducts(rows('products', [{ code: 'R', listPriceFen: '2' }]), refs([backfill.writes[0]!.doc as Sku]));
    expect(again.outcomes[0]!.action).toBe('unchanged');
  });

  it('refuses new SKUs without name or price, and case-only SKUs of one piece', () => {
    const plan = planProducts(rows('products', [{ code: 'N1', name: '新品' }, { code: 'N2', name: '整箱', listPriceFen: '1', caseOnly: '是' }]), {
      skusByCode: new Map(),
      productsByCode: new Map(),
      productsById: new Map(),
      categories: [],
    });
    expect(plan.bad).toEqual([
      { row: 2, key: 'N1', reason: '新商品必须填写标准价' },
      { row: 3, key: 'N2', reason: '只整箱的商品箱规应大于 1' },
    ]);
    // Nothing a bad row needed is created.
    expect(plan.writes).toEqual([]);
  });
});

describe('planning price lists', () => {
  const skus = new Map([['A', sku({ _id: 'sku_A', code: 'A' })]]);
  const levels = [{ _id: 'lv_gold', name: '金牌', discountBp: 9000 }];
  const customers = new Map([['K1', customer({ _id: 'cus_K1', code: 'K1', name: '和平超市' })]]);

  it('creates the level and customer lists and entries with deterministic ids', () => {
    const plan = planPrices(
      rows('prices', [
        { levelName: '金牌', skuCode: 'A', priceFen: '1.8', 'break1.qty': '240', 'break1.price': '1.6' },
        { customerCode: 'K1', skuCode: 'A', priceFen: '1.5', moq: '24' },
      ]),
      { skusByCode: skus, levels, customersByCode: customers, priceLists: [], entries: new Map() },
    );
    expect(plan.related.priceLists).toEqual(['金牌价', '和平超市专属价']);
    const entries = plan.writes.filter((w) => w.coll === 'prices').map((w) => w.doc);
    expect(entries).toEqual([
      { _id: 'pl_lv_gold:sku_A', priceListId: 'pl_lv_gold', skuId: 'sku_A', priceFen: 180, breaks: [{ minQty: 240, priceFen: 160 }] },
      { _id: 'pl_cus_K1:sku_A', priceListId: 'pl_cus_K1', skuId: 'sku_A', priceFen: 150, breaks: [], moq: 24 },
    ]);
  });

  it('uses an existing list of the level and compares its entries', () => {
    const existing: PriceEntry = { _id: 'pl_old:sku_A', priceListId: 'pl_old', skuId: 'sku_A', priceFen: 180, breaks: [] };
    const plan = planPrices(rows('prices', [{ levelName: 'lv_gold', skuCode: 'A', priceFen: '1.80' }]), {
      skusByCode: skus,
      levels,
      customersByCode: customers,
      priceLists: [{ _id: 'pl_old', name: '金牌价', scope: 'level', levelId: 'lv_gold' }],
      entries: new Map([[existing._id, existing]]),
    });
    expect(plan.outcomes).toEqual([{ row: 2, key: 'A', action: 'unchanged' }]);
    expect(plan.writes).toEqual([]);
  });

  it('names unknown SKUs, levels and customers', () => {
    const plan = planPrices(rows('prices', [{ levelName: '钻石', skuCode: 'Z', priceFen: '1' }, { customerCode: 'K9', skuCode: 'A', priceFen: '1' }]), {
      skusByCode: skus,
      levels,
      customersByCode: customers,
      priceLists: [],
      entries: new Map(),
    });
    expect(plan.bad.map((b) => b.reason)).toEqual(['商品编码「Z」不存在，请先导入商品；客户等级「钻石」不存在', '客户编码「K9」不存在，请先导入客户']);
  });
});

describe('planning customers', () => {
  const staff: Staff[] = [{ _id: 'stf_wang', name: '王敏', role: 'merchandiser', phone: '' }];
  const base = { customersByCode: new Map<string, Customer>(), customersByInvitation: new Map<string, Customer>(), levels: [{ _id: 'lv_gold', name: '金牌', discountBp: 9000 }], staff };

  it('creates customers with level, merchandiser, credit limit and default address; new levels and staff once', () => {
    const plan = planCustomers(
      rows('customers', [
        { code: 'K1', name: '和平超市', levelName: '金牌', merchandiser: '王敏', creditLimitFen: '2000', invitationCode: 'HP01', contact: '王', phone: '13800000000', address: '上海' },
        { code: 'K2', name: '好邻居', levelName: '银牌', merchandiser: '刘洋' },
        { code: 'K3', name: '东方', levelName: '银牌', merchandiser: '刘洋', creditLimitFen: '不限' },
      ]),
      base,
      (code) => `GEN${code}`,
    );
    expect(plan.bad).toEqual([]);
    expect(plan.related).toMatchObject({ levels: ['银牌'], staff: ['刘洋'] });
    const docs = plan.writes.filter((w) => w.coll === 'customers').map((w) => w.doc as Customer);
    expect(docs[0]).toMatchObject({
      _id: 'cus_K1', levelId: 'lv_gold', merchandiserId: 'stf_wang', creditLimitFen: 200000, invitationCode: 'HP01',
      addresses: [{ id: 'addr_1', contact: '王', phone: '13800000000', address: '上海', isDefault: true }],
    });
    expect(docs[1]).toMatchObject({ levelId: importIds.level('银牌'), merchandiserId: importIds.staff('刘洋'), invitationCode: 'GENK2', creditLimitFen: null });
  });

  it('keeps what the sheet leaves blank, and patches an existing customer', () => {
    const existing = customer({ _id: 'cus_1', code: 'C1', creditLimitFen: 100, invitationCode: 'KEEP1' });
    const plan = planCustomers(rows('customers', [{ code: 'C1', name: '新名字' }]), { ...base, customersByCode: new Map([['C1', existing]]) }, () => 'NEVER');
    expect(plan.writes).toEqual([{ coll: 'customers', doc: { ...existing, name: '新名字' }, existing: true }]);
  });

  it('refuses an invitation code held by another customer or repeated in the file, and partial addresses', () => {
    const other = customer({ _id: 'cus_x', code: 'X', invitationCode: 'TAKEN1' });
    const plan = planCustomers(
      rows('customers', [
        { code: 'K1', name: 'a', levelName: '金牌', merchandiser: '王敏', invitationCode: 'TAKEN1' },
        { code: 'K2', name: 'b', levelName: '金牌', merchandiser: '王敏', invitationCode: 'SAME1' },
        { code: 'K3', name: 'c', levelName: '金牌', merchandiser: '王敏', invitationCode: 'SAME1', phone: '13800000000' },
      ]),
      { ...base, customersByInvitation: new Map([['TAKEN1', other]]) },
      () => 'GEN',
    );
    expect(plan.bad).toEqual([
      { row: 2, key: 'K1', reason: '邀请码「TAKEN1」已被客户 X 使用' },
      { row: 4, key: 'K3', reason: '联系人、电话、地址需同时填写；邀请码「SAME1」与第 3 行重复' },
    ]);
  });
});

describe('planning stock', () => {
  it('counts cases in base units, keeps reservations, and warns when stock falls below them', () => {
    const s = sku({ _id: 'sku_A', code: 'A', caseSize: 24 });
    const plan = planStock(rows('stock', [{ skuCode: 'A', onHand: '2', unit: '箱' }]), {
      skusByCode: new Map([['A', s]]),
      stockById: new Map([['sku_A', { _id: 'sku_A', onHand: 100, reserved: 60, available: 40 }]]),
    });
    expect(plan.writes).toEqual([{ coll: 'stock', doc: { _id: 'sku_A', onHand: 48, reserved: 60, available: -12 }, onHandOnly: true }]);
    expect(plan.warnings[0]!.reason).toContain('少于已预占 60');
  });
});
