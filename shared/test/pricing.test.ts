import fc from 'fast-check';
import {
  applyDiscountBp,
  buildPricingContext,
  defaultLevel,
  DomainError,
  formatFen,
  isSkuSoldTo,
  skuVisibleTo,
  customerVisibilityKeys,
  withVisibleTo,
  parseYuanToFen,
  priceCart,
  priceLine,
  requireValidCart,
  resolveSkuPrice,
  toBaseQuantity,
  unitPriceForQuantity,
  findShortage,
  quantitiesBySku,
  findDuplicateLine,
  planReorder,
} from '../src';
import { customer, entry, lists, sku } from './fixtures';

const level = { discountBp: 9000 };

describe('price resolution: own price > level price list > list price × level discount', () => {
  const s = sku({ _id: 'sku_1', listPriceFen: 1000 });

  it('uses the customer own price when there is one', () => {
    const ctx = buildPricingContext(customer(), level, lists, [entry('pl_cus_1', 'sku_1', 700), entry('pl_lv_a', 'sku_1', 800)]);
    expect(resolveSkuPrice(s, ctx)).toMatchObject({ unitPriceFen: 700, source: 'customer' });
  });

  it('falls back to the level price list', () => {
    const ctx = buildPricingContext(customer(), level, lists, [entry('pl_lv_a', 'sku_1', 800), entry('pl_cus_2', 'sku_1', 1)]);
    expect(resolveSkuPrice(s, ctx)).toMatchObject({ unitPriceFen: 800, source: 'level' });
  });

  it('ignores other levels and other customers’ lists', () => {
    const ctx = buildPricingContext(customer(), level, lists, [entry('pl_lv_b', 'sku_1', 1), entry('pl_cus_2', 'sku_1', 2)]);
    expect(resolveSkuPrice(s, ctx)).toMatchObject({ unitPriceFen: 900, source: 'list_discount' });
  });

  it('list price × discount rounds half up to the fen', () => {
    expect(applyDiscountBp(999, 8500)).toBe(849); // 849.15
    expect(applyDiscountBp(1001, 9500)).toBe(951); // 950.95
    expect(applyDiscountBp(10, 2500)).toBe(3); // 2.5 → 3
  });

  it('the discount never exceeds the list price and stays an integer (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10000 }), (fen, bp) => {
        const p = applyDiscountBp(fen, bp);
        return Number.isInteger(p) && p >= 0 && p <= fen;
      }),
    );
  });

  it('takes the MOQ of the entry, else the SKU', () => {
    const withMoq = buildPricingContext(customer(), level, lists, [entry('pl_lv_a', 'sku_1', 800, { moq: 48 })]);
    expect(resolveSkuPrice(sku({ moq: 6 }), withMoq).moq).toBe(48);
    const without = buildPricingContext(customer(), level, lists, []);
    expect(resolveSkuPrice(sku({ moq: 6 }), without).moq).toBe(6);
  });
});

describe('quantity breaks (阶梯价)', () => {
  const price = { unitPriceFen: 100, breaks: [{ minQty: 50, priceFen: 90 }, { minQty: 10, priceFen: 95 }] };
  it.each([
    [1, 100],
    [9, 100],
    [10, 95],
    [49, 95],
    [50, 90],
    [5000, 90],
  ])('qty %i costs %i fen each', (qty, fen) => {
    expect(unitPriceForQuantity(price, qty)).toBe(fen);
  });

  it('never charges more per unit for a larger quantity when breaks go down (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        return unitPriceForQuantity(price, hi) <= unitPriceForQuantity(price, lo);
      }),
    );
  });
});

describe('units and lines', () => {
  it('converts cases to base units', () => {
    expect(toBaseQuantity(sku({ caseSize: 24 }), 'case', 3)).toBe(72);
    expect(toBaseQuantity(sku({ caseSize: 24 }), 'piece', 3)).toBe(3);
  });

  it('refuses pieces of a case-only SKU and cases of a SKU without cases', () => {
    expect(() => toBaseQuantity(sku({ caseOnly: true }), 'piece', 3)).toThrow(expect.objectContaining({ code: 'NOT_WHOLE_CASE' }));
    expect(() => toBaseQuantity(sku({ caseSize: 1 }), 'case', 1)).toThrow(expect.objectContaining({ code: 'UNIT_INVALID' }));
  });

  it('refuses non-positive or fractional counts', () => {
    for (const n of [0, -1, 1.5, Number.NaN]) {
      expect(() => toBaseQuantity(sku(), 'piece', n)).toThrow(DomainError);
    }
  });

  it('prices a line in integer fen and enforces the MOQ in base units', () => {
    const s = sku({ listPriceFen: 250, caseSize: 12 });
    const price = { skuId: s._id, unitPriceFen: 250, breaks: [{ minQty: 120, priceFen: 230 }], moq: 24, source: 'level' as const };
    expect(priceLine(s, price, 'case', 2)).toMatchObject({ qty: 24, unitPriceFen: 250, amountFen: 6000 });
    expect(priceLine(s, price, 'case', 10)).toMatchObject({ qty: 120, unitPriceFen: 230, amountFen: 27600 });
    expect(() => priceLine(s, price, 'piece', 23)).toThrow(expect.objectContaining({ code: 'BELOW_MOQ' }));
  });
});

describe('cart validation', () => {
  const ctx = buildPricingContext(customer(), level, lists, [entry('pl_lv_a', 'sku_1', 180)]);
  const skus = new Map([
    ['sku_1', sku({ _id: 'sku_1' })],
    ['sku_off', sku({ _id: 'sku_off', active: false })],
    ['sku_vip', sku({ _id: 'sku_vip', saleScope: { levelIds: ['lv_vip'] } })],
  ]);

  it('judges every line and reports each problem', () => {
    const r = priceCart(
      [
        { skuId: 'sku_1', unit: 'case', count: 1 },
        { skuId: 'sku_off', unit: 'piece', count: 1 },
        { skuId: 'nope', unit: 'piece', count: 1 },
        { skuId: 'sku_vip', unit: 'piece', count: 1 },
      ],
      skus,
      ctx,
      customer(),
    );
    expect(r.map((x) => (x.ok ? 'ok' : x.error.code))).toEqual(['ok', 'SKU_INACTIVE', 'SKU_NOT_FOUND', 'SKU_NOT_SOLD']);
    expect(() => requireValidCart(r)).toThrow(expect.objectContaining({ code: 'SKU_INACTIVE' }));
  });

  it('totals the valid cart in fen', () => {
    const r = priceCart([{ skuId: 'sku_1', unit: 'case', count: 2 }], skus, ctx, customer());
    expect(requireValidCart(r).totalFen).toBe(2 * 24 * 180);
  });

  it('finds duplicate lines, sums quantities per SKU and finds the first shortage', () => {
    expect(findDuplicateLine([{ skuId: 'a', unit: 'piece', count: 1 }, { skuId: 'a', unit: 'case', count: 1 }])).toBeNull();
    expect(findDuplicateLine([{ skuId: 'a', unit: 'piece', count: 1 }, { skuId: 'a', unit: 'piece', count: 2 }])).toMatchObject({ count: 2 });
    const q = quantitiesBySku([{ skuId: 'a', qty: 24 }, { skuId: 'a', qty: 3 }, { skuId: 'b', qty: 1 }]);
    expect([...q]).toEqual([['a', 27], ['b', 1]]);
    expect(findShortage(q, new Map([['a', 27], ['b', 1]]))).toBeNull();
    expect(findShortage(q, new Map([['a', 26], ['b', 1]]))).toEqual({ skuId: 'a', wanted: 27, available: 26 });
  });

  it('restricts SKUs by level or customer', () => {
    expect(isSkuSoldTo(sku({ saleScope: { levelIds: ['lv_a'] } }), customer())).toBe(true);
    expect(isSkuSoldTo(sku({ saleScope: { customerIds: ['cus_1'] } }), customer())).toBe(true);
    expect(isSkuSoldTo(sku({ saleScope: { customerIds: ['cus_9'] } }), customer())).toBe(false);
    expect(isSkuSoldTo(sku({ saleScope: {} }), customer())).toBe(true);
  });
});

describe('catalog visibility keys (visibleTo) follow isSkuSoldTo', () => {
  it('everyone for no scope or an empty one; level and customer keys otherwise, sorted and unique', () => {
    expect(skuVisibleTo(sku())).toEqual(['*']);
    expect(skuVisibleTo(sku({ saleScope: {} }))).toEqual(['*']);
    expect(skuVisibleTo(sku({ saleScope: { levelIds: [], customerIds: [] } }))).toEqual(['*']);
    expect(skuVisibleTo(sku({ saleScope: { levelIds: ['lv_b', 'lv_a', 'lv_b'], customerIds: ['cus_9'] } }))).toEqual([
      'cu:cus_9',
      'lv:lv_a',
      'lv:lv_b',
    ]);
    expect(customerVisibilityKeys(customer())).toEqual(['*', 'lv:lv_a', 'cu:cus_1']);
    expect(withVisibleTo(sku({ saleScope: { customerIds: ['cus_1'] } })).visibleTo).toEqual(['cu:cus_1']);
  });

  it('a customer sees a SKU by its keys exactly when isSkuSoldTo says it is sold to them (property)', () => {
    // Small id alphabets so that scopes and customers often overlap.
    const levelId = fc.constantFrom('lv_a', 'lv_b', 'lv_c');
    const customerId = fc.constantFrom('cus_1', 'cus_2', 'cus_3', 'cus_4');
    const scope = fc.option(
      fc.record({ levelIds: fc.option(fc.array(levelId, { maxLength: 3 }), { nil: undefined }), customerIds: fc.option(fc.array(customerId, { maxLength: 3 }), { nil: undefined }) }),
      { nil: undefined },
    );
    fc.assert(
      fc.property(scope, levelId, customerId, (saleScope, lv, cus) => {
        const s = sku(saleScope === undefined ? {} : { saleScope });
        const c = customer({ _id: cus, levelId: lv });
        const keys = new Set(customerVisibilityKeys(c));
        const visible = skuVisibleTo(s).some((k) => keys.has(k));
        return visible === isSkuSoldTo(s, c);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('money', () => {
  it('formats fen as yuan', () => {
    expect(formatFen(1234)).toBe('¥12.34');
    expect(formatFen(5)).toBe('¥0.05');
    expect(formatFen(123456789)).toBe('¥1,234,567.89');
    expect(formatFen(-250)).toBe('-¥2.50');
  });

  it('parses yuan text into fen and back (property)', () => {
    expect(parseYuanToFen('12.3')).toBe(1230);
    expect(parseYuanToFen('¥1,000')).toBe(100000);
    expect(parseYuanToFen('1.234')).toBeNull();
    expect(parseYuanToFen('abc')).toBeNull();
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e12 }), (fen) => parseYuanToFen(formatFen(fen)) === fen));
  });
});

describe('reorder plan (再来一单)', () => {
  const line = (skuId: string, unit: 'piece' | 'case', count: number, qty: number) => ({ skuId, name: skuId, unit, count, qty });
  const skus = new Map([
    ['same', sku({ _id: 'same' })],
    ['now_pieces', sku({ _id: 'now_pieces', caseSize: 1 })],
    ['now_cases', sku({ _id: 'now_cases', caseSize: 12, caseOnly: true })],
    ['off', sku({ _id: 'off', active: false })],
    ['vip', sku({ _id: 'vip', saleScope: { levelIds: ['lv_vip'] } })],
  ]);

  it('keeps what can still be ordered, converts units the SKU no longer offers, drops the rest with a reason', () => {
    const plan = planReorder(
      [line('same', 'case', 2, 48), line('now_pieces', 'case', 3, 72), line('now_cases', 'piece', 13, 13), line('off', 'piece', 1, 1), line('vip', 'piece', 1, 1), line('gone', 'piece', 1, 1)],
      skus,
      customer(),
    );
    expect(plan.lines).toEqual([
      { skuId: 'same', unit: 'case', count: 2 },
      { skuId: 'now_pieces', unit: 'piece', count: 72 },
      { skuId: 'now_cases', unit: 'case', count: 2 },
    ]);
    expect(plan.dropped.map((d) => [d.skuId, d.reason])).toEqual([
      ['off', '商品已下架'],
      ['vip', '该商品不再对您销售'],
      ['gone', '商品已删除'],
    ]);
  });
});

describe('a customer whose level does not exist', () => {
  it('is priced at the default level, 默认: list price, no discount', () => {
    const ctx = buildPricingContext(customer({ levelId: 'lv_gone' }), defaultLevel('lv_gone'), [], []);
    expect(defaultLevel('lv_gone')).toMatchObject({ _id: 'lv_gone', name: '默认' });
    expect(resolveSkuPrice(sku({ _id: 'sku_1', listPriceFen: 1234 }), ctx)).toMatchObject({ unitPriceFen: 1234, source: 'list_discount' });
  });
});
