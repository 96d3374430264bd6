import fc from 'fast-check';
import {
  backOrderOfferFor,
  backOrderOffersForSubmitError,
  buildShortfall,
  checkAllocation,
  DomainError,
  fillBackOrder,
  fillLine,
  fillRequestId,
  parseImportRow,
  planCustomers,
  rankDemands,
  requireShort,
  suggestAllocation,
  type BackOrder,
  type Demand,
} from '../src';

const demandArb = fc.record({
  id: fc.string({ minLength: 1, maxLength: 6 }),
  priority: fc.integer({ min: 0, max: 9 }),
  requestedAt: fc.integer({ min: 0, max: 1000 }),
  qty: fc.integer({ min: 0, max: 500 }),
  step: fc.constantFrom(1, 1, 6, 12, 24),
});
const demandsArb = fc.uniqueArray(demandArb, { selector: (d) => d.id, maxLength: 12 });

describe('suggestAllocation', () => {
  it('never allocates more than the stock, nor more than a demand wants, and only whole steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 3000 }), demandsArb, (available, demands) => {
        const alloc = suggestAllocation(available, demands);
        const total = alloc.reduce((n, a) => n + a.qty, 0);
        expect(total).toBeLessThanOrEqual(Math.max(0, available));
        const byId = new Map(demands.map((d) => [d.id, d]));
        for (const a of alloc) {
          const d = byId.get(a.id)!;
          expect(a.qty).toBeGreaterThanOrEqual(0);
          expect(a.qty).toBeLessThanOrEqual(d.qty);
          expect(a.qty % d.step).toBe(0);
        }
        expect(alloc).toHaveLength(demands.length);
      }),
    );
  });

  it('respects priority order: a demand is left short only when what is left after it (or what it still wants) is less than one of its steps', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3000 }), demandsArb, (available, demands) => {
        const alloc = suggestAllocation(available, demands);
        const ranked = rankDemands(demands);
        expect(alloc.map((a) => a.id)).toEqual(ranked.map((d) => d.id));
        let used = 0;
        ranked.forEach((d, i) => {
          used += alloc[i]!.qty;
          if (alloc[i]!.qty < d.qty) expect(Math.min(available - used, d.qty - alloc[i]!.qty)).toBeLessThan(d.step);
        });
      }),
    );
  });

  it('serves a higher priority before an earlier request, and when all steps are 1 a lower rank gets nothing while a higher one is short', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), demandsArb, (available, raw) => {
        const demands = raw.map((d) => ({ ...d, step: 1 }));
        const alloc = suggestAllocation(available, demands);
        const firstShort = alloc.findIndex((a, i) => a.qty < rankDemands(demands)[i]!.qty);
        if (firstShort >= 0) for (const a of alloc.slice(firstShort + 1)) expect(a.qty).toBe(0);
        // enough stock: everyone filled
        const want = demands.reduce((n, d) => n + d.qty, 0);
        if (available >= want) expect(alloc.reduce((n, a) => n + a.qty, 0)).toBe(want);
      }),
    );
    const ds: Demand[] = [
      { id: 'early-normal', priority: 0, requestedAt: 1, qty: 10, step: 1 },
      { id: 'late-key', priority: 8, requestedAt: 9, qty: 8, step: 1 },
    ];
    expect(suggestAllocation(12, ds)).toEqual([
      { id: 'late-key', qty: 8 },
      { id: 'early-normal', qty: 4 },
    ]);
  });
});

describe('checkAllocation', () => {
  const ds: Demand[] = [
    { id: 'a', priority: 5, requestedAt: 1, qty: 24, step: 12 },
    { id: 'b', priority: 0, requestedAt: 2, qty: 10, step: 1 },
  ];
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return (e as DomainError).code;
    }
    return null;
  };
  it('accepts any valid allocation, even against the suggested order', () => {
    expect(checkAllocation(20, ds, [{ id: 'b', qty: 8 }, { id: 'a', qty: 12 }, ])).toEqual([{ id: 'b', qty: 8 }, { id: 'a', qty: 12 }]);
    expect(checkAllocation(20, ds, [{ id: 'a', qty: 0 }])).toEqual([]);
  });
  it('rejects more than the stock, more than wanted, broken cases, unknown or repeated demands', () => {
    expect(code(() => checkAllocation(20, ds, [{ id: 'a', qty: 12 }, { id: 'b', qty: 9 }]))).toBe('ALLOCATION_INVALID');
    expect(code(() => checkAllocation(100, ds, [{ id: 'b', qty: 11 }]))).toBe('ALLOCATION_INVALID');
    expect(code(() => checkAllocation(100, ds, [{ id: 'a', qty: 6 }]))).toBe('ALLOCATION_INVALID');
    expect(code(() => checkAllocation(100, ds, [{ id: 'x', qty: 1 }]))).toBe('ALLOCATION_INVALID');
    expect(code(() => checkAllocation(100, ds, [{ id: 'b', qty: 1 }, { id: 'b', qty: 1 }]))).toBe('ALLOCATION_INVALID');
  });
  it('every allocation it accepts stays within stock and demands (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 500 }), demandsArb, fc.array(fc.integer({ min: 0, max: 600 })), (available, demands, qtys) => {
        const alloc = demands.map((d, i) => ({ id: d.id, qty: qtys[i] ?? 0 }));
        let ok: { id: string; qty: number }[] | null = null;
        try {
          ok = checkAllocation(available, demands, alloc);
        } catch (e) {
          expect((e as DomainError).code).toBe('ALLOCATION_INVALID');
          return;
        }
        expect(ok.reduce((n, a) => n + a.qty, 0)).toBeLessThanOrEqual(available);
        // the suggestion always passes the check
        expect(() => checkAllocation(available, demands, suggestAllocation(available, demands))).not.toThrow();
      }),
    );
  });
});

describe('back-orders', () => {
  const bo: BackOrder = {
    _id: 'bo_1',
    customerId: 'cus_a',
    customerName: '甲',
    merchandiserId: 'stf_1',
    priority: 0,
    skuId: 'sku_1',
    skuCode: 'S1',
    name: '可乐',
    spec: '330ml',
    baseUnit: '罐',
    caseUnit: '箱',
    caseSize: 24,
    unit: 'case',
    qty: 72,
    filledQty: 0,
    addressId: 'addr_1',
    status: 'waiting',
    orderIds: [],
    lastError: '',
    createdBy: { role: 'customer', name: '甲' },
    createdAt: 1,
    updatedAt: 1,
  };
  it('fills in whole cases, partly then fully, and never past what was wanted', () => {
    const part = fillBackOrder(bo, 48, 'o_1', 5);
    expect(part).toMatchObject({ filledQty: 48, status: 'waiting', orderIds: ['o_1'] });
    expect(fillLine(bo, 48)).toEqual({ skuId: 'sku_1', unit: 'case', count: 2 });
    const full = fillBackOrder({ ...bo, ...part }, 24, 'o_2', 6);
    expect(full).toMatchObject({ filledQty: 72, status: 'filled', orderIds: ['o_1', 'o_2'] });
    expect(() => fillBackOrder({ ...bo, ...part }, 48, 'o_3', 6)).toThrow(DomainError);
    expect(() => fillBackOrder(bo, 12, 'o_3', 6)).toThrow(DomainError);
    expect(() => fillBackOrder({ ...bo, status: 'cancelled' }, 24, 'o_3', 6)).toThrow('该缺货登记已补齐或已取消');
    expect(fillRequestId(bo)).not.toEqual(fillRequestId({ ...bo, ...part }));
  });
  it('is only for a SKU that is short', () => {
    expect(() => requireShort(10, 10)).toThrow(DomainError);
    expect(() => requireShort(11, 10)).not.toThrow();
  });
  it('the shortfall ranks by the customer’s current priority and suggests within what is available', () => {
    const a = { ...bo, _id: 'bo_a', customerId: 'cus_a', createdAt: 1, unit: 'piece' as const, qty: 30 };
    const b = { ...bo, _id: 'bo_b', customerId: 'cus_b', customerName: '乙', createdAt: 2, unit: 'piece' as const, qty: 30 };
    const row = buildShortfall({ skuId: 'sku_1', onHand: 50, reserved: 10 }, [a, b], new Map([['cus_b', { priority: 7, region: '华东' }]]));
    expect(row).toMatchObject({ available: 40, demandQty: 60, shortQty: 20 });
    expect(row.demands.map((d) => [d.backOrderId, d.suggestedQty, d.keyCustomer, d.region])).toEqual([
      ['bo_b', 30, true, '华东'],
      ['bo_a', 10, false, '未分区'],
    ]);
  });
});

describe('customers import: 优先级 and 区域', () => {
  it('reads priority 0–9 and region, and rejects a bad priority', () => {
    const good = parseImportRow('customers', { row: 2, values: { code: 'C1', name: '甲', levelName: '一级', merchandiser: '王敏', priority: '8', region: '华东' } });
    const bad = parseImportRow('customers', { row: 3, values: { code: 'C2', name: '乙', levelName: '一级', merchandiser: '王敏', priority: '高' } });
    if (!good.ok || bad.ok) throw new Error('expected one good and one bad row');
    expect([good.value.priority, good.value.region]).toEqual([8, '华东']);
    expect(bad.bad.reason).toContain('优先级');
    const plan = planCustomers([{ row: good.row, value: good.value }], { customersByCode: new Map(), customersByInvitation: new Map(), levels: [], staff: [] }, () => 'INV00001');
    const doc = plan.writes.find((w) => w.coll === 'customers')!.doc as { priority?: number; region?: string };
    expect(doc).toMatchObject({ priority: 8, region: '华东' });
  });
});

describe('back-order offers in the cart and submit (缺货登记)', () => {
  const line = (over: Partial<Parameters<typeof backOrderOfferFor>[0]> = {}) => ({ skuId: 'sku_1', unit: 'case' as const, count: 3, qty: 36, available: 10, error: { code: 'OUT_OF_STOCK' }, ...over });

  it('offers a line that wants more than is available, with what is wanted and available', () => {
    expect(backOrderOfferFor(line())).toEqual({ skuId: 'sku_1', unit: 'case', count: 3, qty: 36, available: 10 });
    expect(backOrderOfferFor(line({ available: -4 }))?.available).toBe(0);
  });

  it('offers nothing for a line that fits or has another problem', () => {
    expect(backOrderOfferFor(line({ qty: 10, error: null }))).toBeNull();
    expect(backOrderOfferFor(line({ error: { code: 'BELOW_MOQ' } }))).toBeNull();
    expect(backOrderOfferFor(line({ error: { code: 'SKU_INACTIVE' } }))).toBeNull();
    expect(backOrderOfferFor(line({ count: 0 }))).toBeNull();
  });

  it('after a submit refused OUT_OF_STOCK: the cart lines of the SKU named', () => {
    const cart = [{ skuId: 'sku_1', unit: 'case' as const, count: 2 }, { skuId: 'sku_1', unit: 'piece' as const, count: 5 }, { skuId: 'sku_2', unit: 'piece' as const, count: 1 }];
    expect(backOrderOffersForSubmitError({ code: 'OUT_OF_STOCK', details: { skuId: 'sku_1', wanted: 29, available: 3 } }, cart).map((o) => [o.unit, o.count, o.available])).toEqual([['case', 2, 3], ['piece', 5, 3]]);
    expect(backOrderOffersForSubmitError({ code: 'CREDIT_LIMIT_EXCEEDED', details: { skuId: 'sku_1' } }, cart)).toEqual([]);
    expect(backOrderOffersForSubmitError({ code: 'OUT_OF_STOCK' }, cart)).toEqual([]);
    expect(backOrderOffersForSubmitError(null, cart)).toEqual([]);
  });
});
