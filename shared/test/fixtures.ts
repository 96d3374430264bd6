import type { Customer, PriceEntry, PriceList, Sku } from '../src';

export function sku(overrides: Partial<Sku> = {}): Sku {
  return {
    _id: 'sku_1',
    code: 'SP1',
    productId: 'prd_1',
    categoryId: 'cat_1',
    name: '矿泉水',
    spec: '550ml',
    baseUnit: '瓶',
    caseUnit: '箱',
    caseSize: 24,
    caseOnly: false,
    listPriceFen: 200,
    moq: 1,
    active: true,
    madeToOrder: false,
    leadTimeDays: 3,
    ...overrides,
  };
}

export function customer(overrides: Partial<Customer> = {}): Customer {
  return {
    _id: 'cus_1',
    code: 'C1',
    name: '华联',
    levelId: 'lv_a',
    merchandiserId: 'stf_1',
    creditLimitFen: null,
    invitationCode: 'CODE1234',
    addresses: [],
    active: true,
    ...overrides,
  };
}

export const lists: PriceList[] = [
  { _id: 'pl_lv_a', name: 'A 级价', scope: 'level', levelId: 'lv_a' },
  { _id: 'pl_lv_b', name: 'B 级价', scope: 'level', levelId: 'lv_b' },
  { _id: 'pl_cus_1', name: '华联专属', scope: 'customer', customerId: 'cus_1' },
  { _id: 'pl_cus_2', name: '别家专属', scope: 'customer', customerId: 'cus_2' },
];

export function entry(priceListId: string, skuId: string, priceFen: number, extra: Partial<PriceEntry> = {}): PriceEntry {
  return { _id: `${priceListId}:${skuId}`, priceListId, skuId, priceFen, breaks: [], ...extra };
}
