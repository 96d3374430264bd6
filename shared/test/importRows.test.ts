import {
  cellText,
  findDuplicateRows,
  findHeaderRow,
  mapHeaders,
  normalizeHeader,
  parseImportRow,
  parseYesNo,
  toSheetRow,
  type ImportKind,
  type ParsedRows,
} from '../src';

function parse<K extends ImportKind>(kind: K, values: Record<string, string>, row = 2) {
  return parseImportRow(kind, { row, values });
}
function ok<K extends ImportKind>(kind: K, values: Record<string, string>): ParsedRows[K] {
  const r = parse(kind, values);
  if (!r.ok) throw new Error(r.bad.reason);
  return r.value;
}

describe('headers as suppliers write them', () => {
  it('normalises brackets, spaces, required marks and unit suffixes', () => {
    expect(normalizeHeader('标准价（元）')).toBe('标准价');
    expect(normalizeHeader(' *商品 编码 ')).toBe('商品编码');
    expect(normalizeHeader('\uFEFF箱规(件/箱)')).toBe('箱规');
    // A column in 万元 is another unit and must not pass for yuan.
    expect(normalizeHeader('信用额度(万元)')).toBe('信用额度(万元)');
  });

  it('maps canonical headers and aliases to fields, ignoring unknown columns', () => {
    const r = mapHeaders('products', ['货号', '品名', '规格型号', '类别', '计量单位', '装箱数', '整箱', '出厂价', '最小起订量', '是否上架', '按单生产', '交货期', '颜色']);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.map.fields).toEqual(['code', 'name', 'spec', 'category', 'baseUnit', 'caseSize', 'caseOnly', 'listPriceFen', 'moq', 'active', 'madeToOrder', 'leadTimeDays', null]);
    expect(r.map.ignored).toEqual(['颜色']);
  });

  it('reports missing required columns and columns given twice, in Chinese', () => {
    const missing = mapHeaders('stock', ['商品编码', '备注']);
    expect(missing).toEqual({ ok: false, reasons: ['缺少必填列：现有库存'] });
    const twice = mapHeaders('stock', ['商品编码', '库存', '现有库存']);
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.reasons.join()).toContain('重复');
    const wan = mapHeaders('customers', ['客户编码', '信用额度(万元)']);
    expect(wan.ok && wan.map.fields[1]).toBe(null);
  });

  it('recognises quantity-break columns of a price list', () => {
    const r = mapHeaders('prices', ['价格类型', '等级或客户编码', '商品编码', '单价(元)', '阶梯1数量', '阶梯1单价（元）', '第2档数量', '第2档价格']);
    expect(r.ok && r.map.fields.slice(4)).toEqual(['break1.qty', 'break1.price', 'break2.qty', 'break2.price']);
  });

  it('accepts a 客户编码 column instead of type + target for customer prices', () => {
    expect(mapHeaders('prices', ['客户编码', '商品编码', '单价']).ok).toBe(true);
    const none = mapHeaders('prices', ['商品编码', '单价']);
    expect(none.ok).toBe(false);
  });

  it('finds the header row below a title line', () => {
    const rows = [['2026年价格表'], [], ['客户编码', '商品编码', '单价'], ['K1', 'A', '1']];
    const found = findHeaderRow('prices', rows);
    expect(found.index).toBe(2);
  });

  it('turns a data row into field values, dropping blank rows', () => {
    const r = mapHeaders('stock', ['商品编码', '说明', '现有库存']);
    if (!r.ok) throw new Error('headers');
    expect(toSheetRow(r.map, ['A1', 'x', ' 12 '], 5)).toEqual({ row: 5, values: { skuCode: 'A1', onHand: '12' } });
    expect(toSheetRow(r.map, ['', 'note only', ''], 6)).toBeNull();
  });
});

describe('cell values from exceljs', () => {
  it('keeps what a person typed', () => {
    expect(cellText(12.3)).toBe('12.3');
    expect(cellText(0.1 + 0.2)).toBe('0.3');
    expect(cellText(24)).toBe('24');
    expect(cellText(true)).toBe('是');
    expect(cellText({ richText: [{ text: '清泉' }, { text: '山泉水' }] })).toBe('清泉山泉水');
    expect(cellText({ formula: 'A1*2', result: 5 })).toBe('5');
    expect(cellText({ text: '链接', hyperlink: 'http://x' })).toBe('链接');
    expect(cellText(new Date('2026-11-02T00:00:00Z'))).toBe('2026-11-02');
    expect(cellText(null)).toBe('');
  });

  it('reads 是/否 in the ways suppliers write it', () => {
    for (const t of ['是', 'Y', 'yes', '1', '√', '上架']) expect(parseYesNo(t)).toBe(true);
    for (const t of ['否', 'N', '0', '×', '下架', '停用']) expect(parseYesNo(t)).toBe(false);
    expect(parseYesNo('也许')).toBeNull();
  });
});

describe('row validation', () => {
  it('converts yuan to integer fen and parses units, booleans and integers', () => {
    const p = ok('products', { code: 'QP-550', name: '山泉水', listPriceFen: '¥1,234.5', caseSize: '24', caseOnly: '否', leadTimeDays: '3.0' });
    expect(p).toMatchObject({ code: 'QP-550', listPriceFen: 123450, caseSize: 24, caseOnly: false, leadTimeDays: 3 });
    expect(p.spec).toBeUndefined();
    expect(ok('products', { code: 'A', listPriceFen: '2元' }).listPriceFen).toBe(200);
  });

  it('gives every problem of a row with its row number, in Chinese', () => {
    const r = parse('products', { code: 'A', listPriceFen: '1.234', caseSize: '0', active: '也许' }, 7);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.bad.row).toBe(7);
    expect(r.bad.key).toBe('A');
    expect(r.bad.reason).toContain('标准价「1.234」不是有效金额');
    expect(r.bad.reason).toContain('箱规不能小于 1');
    expect(r.bad.reason).toContain('上架「也许」应填“是”或“否”');
  });

  it('requires a code', () => {
    const r = parse('stock', { onHand: '5' });
    expect(!r.ok && r.bad.reason).toContain('商品编码不能为空');
  });

  it('resolves price targets from type + target or from a 客户编码 / 客户等级 column', () => {
    expect(ok('prices', { priceType: '等级', target: '金牌', skuCode: 'A', priceFen: '1.5' })).toMatchObject({ type: 'level', target: '金牌', priceFen: 150 });
    expect(ok('prices', { customerCode: 'K1', skuCode: 'A', priceFen: '2' })).toMatchObject({ type: 'customer', target: 'K1' });
    expect(ok('prices', { levelName: '银牌', skuCode: 'A', priceFen: '2' })).toMatchObject({ type: 'level', target: '银牌' });
    const bad = parse('prices', { priceType: '批发', target: 'x', skuCode: 'A', priceFen: '2' });
    expect(!bad.ok && bad.bad.reason).toContain('价格类型「批发」');
    const noPrice = parse('prices', { customerCode: 'K1', skuCode: 'A' });
    expect(!noPrice.ok && noPrice.bad.reason).toContain('单价不能为空');
  });

  it('parses quantity breaks in order and rejects broken ladders', () => {
    const p = ok('prices', { customerCode: 'K1', skuCode: 'A', priceFen: '2', 'break2.qty': '100', 'break2.price': '1.6', 'break1.qty': '24', 'break1.price': '1.8' });
    expect(p.breaks).toEqual([{ minQty: 24, priceFen: 180 }, { minQty: 100, priceFen: 160 }]);
    const desc = parse('prices', { customerCode: 'K1', skuCode: 'A', priceFen: '2', 'break1.qty': '100', 'break1.price': '1.6', 'break2.qty': '50', 'break2.price': '1.5' });
    expect(!desc.ok && desc.bad.reason).toContain('阶梯2数量应大于上一档');
    const half = parse('prices', { customerCode: 'K1', skuCode: 'A', priceFen: '2', 'break1.qty': '100' });
    expect(!half.ok && half.bad.reason).toContain('阶梯1缺少单价');
    const junk = parse('prices', { customerCode: 'K1', skuCode: 'A', priceFen: '2', 'break1.qty': '1e3', 'break1.price': '1' });
    expect(!junk.ok && junk.bad.reason).toContain('阶梯1数量「1e3」应为整数');
  });

  it('reads customers: 不限 credit, upper-cased invitation codes, phone formats', () => {
    const c = ok('customers', { code: 'K1', creditLimitFen: '不限', invitationCode: 'heping26', phone: '021-5555 0101' });
    expect(c).toMatchObject({ creditLimitFen: null, invitationCode: 'HEPING26', phone: '021-5555 0101' });
    expect(ok('customers', { code: 'K1', creditLimitFen: '50000' }).creditLimitFen).toBe(5_000_000);
    const bad = parse('customers', { code: 'K1', invitationCode: '邀请', phone: 'abc' });
    expect(!bad.ok && bad.bad.reason).toMatch(/邀请码.*电话/);
  });

  it('reads stock in pieces or cases, never negative', () => {
    expect(ok('stock', { skuCode: 'A', onHand: '1,200' })).toEqual({ skuCode: 'A', onHand: 1200, unit: 'piece' });
    expect(ok('stock', { skuCode: 'A', onHand: '5', unit: '箱' }).unit).toBe('case');
    const neg = parse('stock', { skuCode: 'A', onHand: '-1' });
    expect(!neg.ok && neg.bad.reason).toContain('现有库存不能小于 0');
  });

  it('flags later rows repeating a key of the same file', () => {
    const rows = [
      { row: 2, value: ok('stock', { skuCode: 'A', onHand: '1' }) },
      { row: 3, value: ok('stock', { skuCode: 'B', onHand: '1' }) },
      { row: 4, value: ok('stock', { skuCode: 'A', onHand: '2' }) },
    ];
    expect(findDuplicateRows('stock', rows)).toEqual([{ row: 4, key: 'A', reason: '与第 2 行重复' }]);
    // The same SKU on two different price lists is not a duplicate.
    const prices = [
      { row: 2, value: ok('prices', { levelName: '金牌', skuCode: 'A', priceFen: '1' }) },
      { row: 3, value: ok('prices', { customerCode: 'K1', skuCode: 'A', priceFen: '1' }) },
    ];
    expect(findDuplicateRows('prices', prices)).toEqual([]);
  });
});
