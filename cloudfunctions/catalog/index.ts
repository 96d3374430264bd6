/** catalog: the caller's catalog at its own prices, and server-side quotes of a cart. */
import { DomainError, type Caller } from '@dinghuo/shared';
import { Api } from '@dinghuo/shared/contract';
import { defineFunction } from '../_lib/runtime';
import { listCatalog, quoteCart } from '../_lib/services/catalog';
import { loadCustomer } from '../_lib/services/pricingData';
import { requireCustomer } from '../_lib/identity';
import type { Store } from '../_lib/data/store';

async function callerCustomer(store: Store, caller: Caller) {
  return loadCustomer(store, requireCustomer(caller).customerId);
}

export const main = defineFunction(Api.catalog, {
  categories: async (_input, { store, caller }) => {
    if (caller.kind === 'anonymous') throw new DomainError('NOT_BOUND');
    return store.find('categories', {}, { orderBy: [['sort', 'asc']], limit: 200 });
  },
  list: async (input, { store, caller }) => listCatalog(store, await callerCustomer(store, caller), input),
  quote: async (input, { store, caller }) => quoteCart(store, await callerCustomer(store, caller), input.lines),
});
