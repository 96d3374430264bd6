/** order: the customer's side of the order lifecycle. */
import { DomainError } from '@dinghuo/shared';
import { Api } from '@dinghuo/shared/contract';
import { defineFunction } from '../_lib/runtime';
import { requireCustomer } from '../_lib/identity';
import {
  actorOf,
  cancel,
  confirmReceipt,
  createAfterSales,
  loadOrderFor,
  listOrders,
  orderDetail,
  reorderLines,
  submitOrder,
} from '../_lib/services/orders';
import { loadCustomer } from '../_lib/services/pricingData';
import { changeOrder, receiveOrderDelivery } from '../_lib/services/fulfilment';

export const main = defineFunction(Api.order, {
  submit: async (input, { store, caller, now, config }) => {
    const me = requireCustomer(caller);
    const order = await submitOrder(store, me.customerId, actorOf(caller), input, now, config);
    // A retried request id returns the existing order (created earlier), which may have after-sales requests.
    return orderDetail(store, caller, order, { justCreated: order.createdAt === now });
  },
  list: async (input, { store, caller }) => {
    const me = requireCustomer(caller);
    return listOrders(store, { customerId: me.customerId }, input);
  },
  detail: async (input, { store, caller }) => orderDetail(store, caller, await loadOrderFor(store, caller, input.orderId)),
  cancel: async (input, { store, caller, now }) => {
    requireCustomer(caller);
    return orderDetail(store, caller, await cancel(store, caller, input.orderId, input.reason, now));
  },
  confirmReceipt: async (input, { store, caller, now }) => {
    requireCustomer(caller);
    return orderDetail(store, caller, await confirmReceipt(store, caller, input.orderId, now));
  },
  reorder: async (input, { store, caller }) => {
    const me = requireCustomer(caller);
    const [order, customer] = await Promise.all([loadOrderFor(store, caller, input.orderId), loadCustomer(store, me.customerId)]);
    return reorderLines(store, customer, order);
  },
  receiveDelivery: async (input, { store, caller, now }) => {
    requireCustomer(caller);
    return orderDetail(store, caller, await receiveOrderDelivery(store, caller, input, now));
  },
  change: async (input, { store, caller, now }) => {
    requireCustomer(caller);
    return orderDetail(store, caller, await changeOrder(store, caller, input, now));
  },
  afterSalesCreate: async (input, { store, caller, now }) => {
    requireCustomer(caller);
    return createAfterSales(store, caller, input, now);
  },
  afterSalesList: async (input, { store, caller }) => {
    const me = requireCustomer(caller);
    if (!me) throw new DomainError('NOT_BOUND');
    const skip = (input.page - 1) * input.pageSize;
    const filter = { customerId: me.customerId };
    const [items, total] = await Promise.all([
      store.find('afterSales', filter, { orderBy: [['createdAt', 'desc']], skip, limit: input.pageSize }),
      store.count('afterSales', filter),
    ]);
    return { items, page: input.page, pageSize: input.pageSize, total, hasMore: skip + items.length < total };
  },
});
