/**
 * Receipts (收款), statement confirmation (对账确认) and the receipts/commission report. The
 * rules are in shared/receipts.ts and shared/receiptsReport.ts; the order side of a receipt is the
 * aggregate's receivePayment, applied by applyOrderChange. A receipt is one transaction: the
 * receipt, every order it pays and the customer's balances, or nothing.
 */
import {
  allocateReceipt,
  applicationIdFor,
  planOnAccountApplication,
  sameApplicationRequest,
  type AccountApplication,
  type ApplyOnAccountInput,
  allocationOrder,
  buildReceiptsReport,
  checkConfirmable,
  confirmationIdFor,
  DomainError,
  nodeActualAt,
  ORDER_STATUS_LABELS,
  RECEIPT_METHOD_LABELS,
  receiptIdFor,
  receivePayment,
  businessDate,
  sameReceiptRequest,
  shippedAt,
  unpaidFen,
  type Caller,
  type Order,
  type OrderChange,
  type OrderStatus,
  type Receipt,
  type ReceiptForm,
  type ReceiptsReport,
  type RecordReceiptInput,
  type Statement,
  type StatementConfirmation,
} from '@dinghuo/shared';
import type { AppConfig } from '../config';
import { findAll, type Filter, type Store, type Tx } from '../data/store';
import { requireCustomer, requireStaff } from '../identity';
import { loadScopedCustomer } from './followup';
import { applyAccountEffect, applyOrderChange, holdsAfter } from './orderEffects';
import { actorOf } from './orders';
import { loadStatement } from './reports';

/** Orders a receipt may still pay (completed orders were paid by their 回款). */
export const PAYABLE_STATUSES: readonly OrderStatus[] = ['submitted', 'confirmed', 'in_production', 'ready_to_ship', 'shipped', 'delivered'];

async function payableOrders(store: Store, customerId: string): Promise<Order[]> {
  const orders = await findAll(store, 'orders', { customerId, status: { $in: [...PAYABLE_STATUSES] } }, [['createdAt', 'asc']]);
  return allocationOrder(orders.filter((o) => unpaidFen(o) > 0));
}

/**
 * The writes of payments to orders (a receipt's or an application of the balance on account): each
 * order's change, and the customer's account once — the orders' account effects summed into one
 * increment of its balances (`balances`), each order's hold set to what it still owes.
 */
function writePayments(tx: Tx, customerId: string, changes: readonly OrderChange[], balances: { outstandingDelta: number; onAccountDelta: number }): Promise<unknown> {
  return Promise.all([
    ...changes.map((c) => applyOrderChange(tx, { ...c, effects: { ...c.effects, account: null } })),
    applyAccountEffect(tx, { customerId, ...balances }, new Map(changes.map((c) => [c.order._id, holdsAfter(c.order).accountFen]))),
  ]);
}

/**
 * What a request finding its id's record already written answers: the record, when it was written
 * for this same request (a retry); REQUEST_ID_REUSED when the id came with other input.
 */
function answerIfSameRequest<T>(sameRequest: (existing: T) => boolean): (existing: T) => T {
  return (existing) => {
    if (!sameRequest(existing)) throw new DomainError('REQUEST_ID_REUSED');
    return existing;
  };
}

/** 收款: staff record a customer's payment; a retry with the same request id returns the same receipt. */
export async function recordReceipt(store: Store, caller: Caller, input: RecordReceiptInput, now: number): Promise<Receipt> {
  requireStaff(caller);
  const customer = await loadScopedCustomer(store, caller, input.customerId);
  const id = receiptIdFor(customer._id, input.requestId);
  const same = answerIfSameRequest((r: Receipt) => sameReceiptRequest(r, input));
  const existing = await store.get('receipts', id);
  if (existing) return same(existing);
  const receivedAt = nodeActualAt(input.date, now);
  const candidates =
    input.mode === 'orders' ? [...new Set(input.allocations.map((a) => a.orderId))] : input.mode === 'auto' ? (await payableOrders(store, customer._id)).map((o) => o._id) : [];
  const actor = actorOf(caller);
  const merchandiser = await store.get('staff', customer.merchandiserId);
  return store.transaction(async (tx) => {
    const again = await tx.get('receipts', id);
    if (again) return same(again);
    // Fresh orders, read in the transaction: the allocation is computed from what it reads.
    const orders = (await Promise.all(candidates.map((oid) => tx.get('orders', oid)))).filter((o): o is Order => o !== null);
    const plan = allocateReceipt(customer._id, input.amountFen, input.mode, input.allocations, orders);
    const byId = new Map(orders.map((o) => [o._id, o]));
    const label = [RECEIPT_METHOD_LABELS[input.method], input.reference].filter(Boolean).join(' ');
    const changes = plan.allocations.map((a) => receivePayment(byId.get(a.orderId)!, actor, { receiptId: id, amountFen: a.amountFen, receivedAt, label }, now));
    const receipt: Receipt = {
      _id: id,
      requestId: input.requestId,
      customerId: customer._id,
      customer: { code: customer.code, name: customer.name },
      merchandiserId: customer.merchandiserId,
      merchandiser: { name: merchandiser?.name ?? '' },
      amountFen: input.amountFen,
      method: input.method,
      date: input.date,
      month: input.date.slice(0, 7),
      receivedAt,
      reference: input.reference,
      note: input.note,
      allocations: plan.allocations,
      onAccountFen: plan.onAccountFen,
      by: actor,
      at: now,
    };
    const allocated = input.amountFen - plan.onAccountFen;
    await Promise.all([
      writePayments(tx, customer._id, changes, { outstandingDelta: -allocated, onAccountDelta: plan.onAccountFen }),
      tx.insert('receipts', receipt),
    ]);
    return receipt;
  });
}

/**
 * 冲抵预收: staff apply the customer's on-account balance to its orders (auto: oldest shipped
 * first; or the orders and amounts named). One transaction: the application (its id from the
 * request id, so a retry returns it), the orders' payments (a fully paid delivered order gets its
 * 回款 node and completes) and the account's balances as increments (onAccountFen and
 * outstandingFen down by the amount applied). The balance is read in the transaction and the
 * transaction writes that same account document: two applications (or an application and a
 * receipt) racing for it conflict, and the loser is retried on the fresh balance, so the balance
 * is never applied twice nor an order paid beyond its total.
 */
export async function applyOnAccount(store: Store, caller: Caller, input: ApplyOnAccountInput, now: number): Promise<AccountApplication> {
  requireStaff(caller);
  const customer = await loadScopedCustomer(store, caller, input.customerId);
  const id = applicationIdFor(customer._id, input.requestId);
  const same = answerIfSameRequest((a: AccountApplication) => sameApplicationRequest(a, input));
  const [existing, candidates, merchandiser] = await Promise.all([
    store.get('accountApplications', id),
    input.mode === 'orders' ? Promise.resolve([...new Set(input.allocations.map((a) => a.orderId))]) : payableOrders(store, customer._id).then((os) => os.map((o) => o._id)),
    store.get('staff', customer.merchandiserId),
  ]);
  if (existing) return same(existing);
  const actor = actorOf(caller);
  return store.transaction(async (tx) => {
    const [again, account, ...read] = await Promise.all([
      tx.get('accountApplications', id),
      tx.get('accounts', customer._id),
      ...candidates.map((oid) => tx.get('orders', oid)),
    ]);
    if (again) return same(again as AccountApplication);
    const orders = read.filter((o): o is Order => o !== null);
    const balance = (account as { onAccountFen?: number } | null)?.onAccountFen ?? 0;
    const allocations = planOnAccountApplication(customer._id, balance, input, orders);
    const byId = new Map(orders.map((o) => [o._id, o]));
    const changes = allocations.map((a) => receivePayment(byId.get(a.orderId)!, actor, { receiptId: id, amountFen: a.amountFen, receivedAt: now, label: '冲抵预收' }, now));
    const amountFen = allocations.reduce((n, a) => n + a.amountFen, 0);
    const application: AccountApplication = {
      _id: id,
      requestId: input.requestId,
      customerId: customer._id,
      customer: { code: customer.code, name: customer.name },
      merchandiserId: customer.merchandiserId,
      merchandiser: { name: merchandiser?.name ?? '' },
      amountFen,
      allocations,
      appliedAt: now,
      date: businessDate(now),
      month: businessDate(now).slice(0, 7),
      note: input.note,
      requested: { mode: input.mode, amountFen: input.mode === 'auto' ? (input.amountFen ?? null) : null },
      by: actor,
      at: now,
    };
    await Promise.all([
      writePayments(tx, customer._id, changes, { outstandingDelta: -amountFen, onAccountDelta: -amountFen }),
      tx.insert('accountApplications', application),
    ]);
    return application;
  });
}

/** The receipt form: the customer's balances, its unpaid orders (in auto-allocation order), recent receipts. */
export async function receiptForm(store: Store, caller: Caller, customerId: string): Promise<ReceiptForm> {
  const customer = await loadScopedCustomer(store, caller, customerId);
  const [orders, recent, account, applications] = await Promise.all([
    payableOrders(store, customer._id),
    store.find('receipts', { customerId: customer._id }, { orderBy: [['at', 'desc']], limit: 20 }),
    store.get('accounts', customer._id),
    store.find('accountApplications', { customerId: customer._id }, { orderBy: [['at', 'desc']], limit: 10 }),
  ]);
  return {
    customer: { _id: customer._id, code: customer.code, name: customer.name, outstandingFen: account?.outstandingFen ?? 0, onAccountFen: account?.onAccountFen ?? 0 },
    openOrders: orders.map((o) => {
      const shipped = shippedAt(o);
      return {
        orderId: o._id,
        orderNo: o.orderNo,
        createdDate: o.createdDate,
        status: o.status,
        statusLabel: ORDER_STATUS_LABELS[o.status],
        totalFen: o.totalFen,
        paidFen: o.paidFen,
        unpaidFen: unpaidFen(o),
        shippedDate: shipped === null ? null : businessDate(shipped),
      };
    }),
    recent,
    applications,
  };
}

/** 对账确认: the customer confirms its own statement of an ended month; confirming again changes nothing. */
export async function confirmStatement(store: Store, caller: Caller, input: { month: string; note: string }, now: number): Promise<Statement> {
  const me = requireCustomer(caller);
  const customer = await store.get('customers', me.customerId);
  if (!customer) throw new DomainError('NOT_FOUND');
  const statement = await loadStatement(store, customer, input.month, now);
  checkConfirmable(statement.confirmation.state);
  if (statement.confirmation.state === 'confirmed') return statement;
  const confirmation: StatementConfirmation = {
    _id: confirmationIdFor(customer._id, input.month),
    customerId: customer._id,
    month: input.month,
    openingFen: statement.totals.openingFen,
    shippedFen: statement.totals.shippedFen,
    receivedFen: statement.totals.paidFen,
    closingFen: statement.totals.closingFen,
    note: input.note,
    by: actorOf(caller),
    at: now,
  };
  // One document per customer and month, written only by that customer: a re-confirmation of a
  // changed statement replaces the old one.
  await store.set('statementConfirmations', confirmation);
  return loadStatement(store, customer, input.month, now);
}

/** 货款回笼 and 提成 for a month: a merchandiser's own receipts and commission, or (admin) everyone's. */
export async function loadReceiptsReport(store: Store, caller: Caller, month: string, now: number, config: AppConfig): Promise<ReceiptsReport> {
  const staff = requireStaff(caller);
  const filter: Filter = staff.kind === 'admin' ? { month } : { month, merchandiserId: staff.staffId };
  const receipts = await findAll(store, 'receipts', filter, [['receivedAt', 'asc']]);
  const ids = [...new Set(receipts.map((r) => r.merchandiserId))];
  const people = ids.length ? await store.getMany('staff', ids) : [];
  const rates = new Map(people.map((p) => [p._id, { name: p.name, rateBp: p.commissionRateBp }]));
  return buildReceiptsReport(month, receipts, rates, config.commissionRateBp, now);
}
