import { changeFormLines, firstCount } from '../src';

describe('改单 form lines (changeFormLines)', () => {
  const kept = [
    { skuId: 'a', unit: 'case' as const, count: '2' },
    { skuId: 'b', unit: 'piece' as const, count: '0' },
  ];

  it('keeps the counts entered, drops zeros, appends lines added from the catalog', () => {
    expect(changeFormLines(kept, [{ skuId: 'c', unit: 'piece', count: '6' }])).toEqual({
      ok: true,
      lines: [{ skuId: 'a', unit: 'case', count: 2 }, { skuId: 'c', unit: 'piece', count: 6 }],
    });
  });

  it('merges a SKU added in a unit the order already has into that line; another unit is its own line', () => {
    const r = changeFormLines(kept, [{ skuId: 'a', unit: 'case', count: '3' }, { skuId: 'a', unit: 'piece', count: '4' }]);
    expect(r).toEqual({ ok: true, lines: [{ skuId: 'a', unit: 'case', count: 5 }, { skuId: 'a', unit: 'piece', count: 4 }] });
  });

  it('refuses counts that are not whole numbers, and an order left empty', () => {
    for (const bad of ['', ' ', '1.5', '-1', 'x']) expect(changeFormLines(kept, [{ skuId: 'c', unit: 'piece', count: bad }])).toEqual({ ok: false, message: '数量请填写整数' });
    expect(changeFormLines([{ skuId: 'a', unit: 'case', count: '0' }], [])).toEqual({ ok: false, message: '至少保留一种商品；不要了请取消订单' });
  });

  it('offers a first count that reaches the MOQ', () => {
    expect(firstCount({ moq: 10, caseSize: 12 }, 'case')).toBe(1);
    expect(firstCount({ moq: 30, caseSize: 12 }, 'case')).toBe(3);
    expect(firstCount({ moq: 30, caseSize: 12 }, 'piece')).toBe(30);
    expect(firstCount({ moq: 0, caseSize: 0 }, 'case')).toBe(1);
  });
});
