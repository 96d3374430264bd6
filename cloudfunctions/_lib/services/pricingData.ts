/** Loads what pricing needs for one customer from the store; the rules themselves are in shared/. */
import {
  buildPricingContext,
  defaultLevel,
  DomainError,
  type Customer,
  type CustomerLevel,
  type PriceEntry,
  type PriceList,
  type PricingContext,
} from '@dinghuo/shared';
import { findAll, type Store } from '../data/store';

/** A price entry's id is `${priceListId}:${skuId}`, so entries are read by id, not searched. */
export function priceEntryId(priceListId: string, skuId: string): string {
  return `${priceListId}:${skuId}`;
}

export async function loadCustomer(store: Store, customerId: string): Promise<Customer> {
  const customer = await store.get('customers', customerId);
  if (!customer) throw new DomainError('NOT_FOUND');
  if (!customer.active) throw new DomainError('CUSTOMER_INACTIVE');
  return customer;
}

export async function loadLevel(store: Store, levelId: string): Promise<CustomerLevel> {
  return (await store.get('levels', levelId)) ?? defaultLevel(levelId);
}

export async function customerPriceLists(store: Store, customer: Customer): Promise<PriceList[]> {
  const [own, level] = await Promise.all([
    store.find('priceLists', { scope: 'customer', customerId: customer._id }, { limit: 100 }),
    store.find('priceLists', { scope: 'level', levelId: customer.levelId }, { limit: 100 }),
  ]);
  return [...own, ...level];
}

/**
 * The pricing context of a customer. With skuIds, only those SKUs' entries are read (by id);
 * without, every entry of the customer's lists.
 */
export async function loadPricingContext(
  store: Store,
  customer: Customer,
  skuIds?: readonly string[],
): Promise<{ ctx: PricingContext; level: CustomerLevel }> {
  const [level, lists] = await Promise.all([loadLevel(store, customer.levelId), customerPriceLists(store, customer)]);
  let entries: PriceEntry[] = [];
  if (lists.length > 0) {
    if (skuIds) {
      const ids = lists.flatMap((l) => skuIds.map((s) => priceEntryId(l._id, s)));
      entries = ids.length ? await store.getMany('prices', ids) : [];
    } else {
      const perList = await Promise.all(lists.map((l) => findAll(store, 'prices', { priceListId: l._id })));
      entries = perList.flat();
    }
  }
  return { ctx: buildPricingContext(customer, level, lists, entries), level };
}

/**
 * The submit's pricing reads in as few sequential rounds as they allow: the customer's own lists
 * start with the customer (round 1, by customer id); the level and its lists need the customer
 * (round 2); the entries need the lists (round 3, by id).
 */
export function startPricingContext(store: Store, customerId: string, skuIds: readonly string[]) {
  const own = store.find('priceLists', { scope: 'customer', customerId }, { limit: 100 });
  return async (customer: Customer): Promise<{ ctx: PricingContext; level: CustomerLevel }> => {
    const [level, levelLists, ownLists] = await Promise.all([
      loadLevel(store, customer.levelId),
      store.find('priceLists', { scope: 'level', levelId: customer.levelId }, { limit: 100 }),
      own,
    ]);
    const lists = [...ownLists, ...levelLists];
    const ids = lists.flatMap((l) => skuIds.map((s) => priceEntryId(l._id, s)));
    const entries = ids.length ? await store.getMany('prices', ids) : [];
    return { ctx: buildPricingContext(customer, level, lists, entries), level };
  };
}
