/** followup: the merchandiser's 跟单 tab (staff only: merchandisers see their own customers, admins all). */
import { Api } from '@dinghuo/shared/contract';
import { defineFunction } from '../_lib/runtime';
import { requireStaff } from '../_lib/identity';
import { listCatalog, quoteCart } from '../_lib/services/catalog';
import { changeOrder, shipOrderDelivery } from '../_lib/services/fulfilment';
import {
  advanceNode,
  customerView,
  expedite,
  followDetail,
  listAfterSales,
  listCustomers,
  listExceptions,
  listFollow,
  loadFollowDetail,
  loadScopedCustomer,
  logException,
  placeOrderFor,
  resolveException,
  review,
  todayView,
  updateAfterSales,
} from '../_lib/services/followup';

export const main = defineFunction(Api.followup, {
  today: async (_input, { store, caller, now, config }) => todayView(store, caller, now, config),
  list: async (input, { store, caller, now, config }) => listFollow(store, caller, input, now, config),
  detail: async (input, { store, caller, now, config }) => loadFollowDetail(store, caller, input.orderId, now, config),
  review: async (input, { store, caller, now, config }) => followDetail(store, caller, await review(store, caller, input, now), now, config),
  advanceNode: async (input, { store, caller, now, config }) =>
    followDetail(store, caller, await advanceNode(store, caller, input, now), now, config),
  logException: async (input, { store, caller, now, config }) =>
    followDetail(store, caller, (await logException(store, caller, input, now)).order, now, config),
  resolveException: async (input, { store, caller, now, config }) =>
    followDetail(store, caller, await resolveException(store, caller, input, now), now, config),
  exceptions: async (input, { store, caller }) => listExceptions(store, caller, input),
  expedite: async (input, { store, caller, now, config }) => followDetail(store, caller, await expedite(store, caller, input, now), now, config),
  customers: async (input, { store, caller }) => listCustomers(store, caller, input),
  customerView: async (input, { store, caller, now }) => customerView(store, caller, input, now),
  catalogFor: async (input, { store, caller }) => listCatalog(store, await loadScopedCustomer(store, caller, input.customerId), input),
  quoteFor: async (input, { store, caller }) => quoteCart(store, await loadScopedCustomer(store, caller, input.customerId), input.lines),
  placeOrder: async (input, { store, caller, now, config }) =>
    followDetail(store, caller, await placeOrderFor(store, caller, input, now, config), now, config),
  afterSalesList: async (input, { store, caller }) => listAfterSales(store, caller, input),
  afterSalesUpdate: async (input, { store, caller, now }) => {
    requireStaff(caller);
    return updateAfterSales(store, caller, input, now);
  },
  ship: async (input, { store, caller, now, config }) => followDetail(store, caller, await shipOrderDelivery(store, caller, input, now), now, config),
  changeOrder: async (input, { store, caller, now, config }) => {
    requireStaff(caller);
    return followDetail(store, caller, await changeOrder(store, caller, input, now), now, config);
  },
});
