/** Loads what statements and the monthly report need; the computation is in shared/statement.ts. */
import {
  buildMonthlyReport,
  buildStatement,
  confirmationIdFor,
  DomainError,
  monthBounds,
  type Caller,
  type Customer,
  type MonthlyReport,
  type Order,
  type Statement,
  type StatementCustomer,
} from '@dinghuo/shared';
import { findAll, type Filter, type Store } from '../data/store';

/** Orders are taken to ship and be paid within this many days of being placed. */
export const FLOW_LOOKBACK_DAYS = 366;
const DAY = 86_400_000;

/** The customer whose statement the caller asks for, if the caller may see it (else NOT_FOUND). */
export async function statementCustomerFor(store: Store, caller: Caller, customerId: string | undefined): Promise<Customer> {
  if (caller.kind === 'anonymous') throw new DomainError('NOT_BOUND');
  const id = caller.kind === 'customer' ? caller.customerId : customerId;
  if (!id) throw new DomainError('VALIDATION_FAILED', '请选择客户');
  const customer = await store.get('customers', id);
  if (!customer) throw new DomainError('NOT_FOUND');
  if (caller.kind === 'merchandiser' && customer.merchandiserId !== caller.staffId) throw new DomainError('NOT_FOUND');
  return customer;
}

export async function statementCustomers(store: Store, caller: Caller): Promise<StatementCustomer[]> {
  if (caller.kind === 'anonymous') throw new DomainError('NOT_BOUND');
  const pick = (c: Customer): StatementCustomer => ({ _id: c._id, code: c.code, name: c.name });
  if (caller.kind === 'customer') {
    const c = await store.get('customers', caller.customerId);
    return c ? [pick(c)] : [];
  }
  const filter = caller.kind === 'merchandiser' ? { merchandiserId: caller.staffId } : {};
  return (await findAll(store, 'customers', filter, [['code', 'asc']])).map(pick);
}

export async function loadStatement(store: Store, customer: Customer, month: string, now: number): Promise<Statement> {
  const [orders, staff, receipts, confirmation, applications] = await Promise.all([
    findAll(store, 'orders', { customerId: customer._id, createdAt: { $lt: monthBounds(month).end } }, [['createdAt', 'asc']]),
    store.get('staff', customer.merchandiserId),
    // All the customer's receipts: those after the month tell which part of an order's paidFen
    // was paid before receipts existed.
    findAll(store, 'receipts', { customerId: customer._id }, [['receivedAt', 'asc']]),
    store.get('statementConfirmations', confirmationIdFor(customer._id, month)),
    findAll(store, 'accountApplications', { customerId: customer._id }, [['appliedAt', 'asc']]),
  ]);
  return buildStatement(customer, staff?.name ?? '', month, orders, now, receipts, confirmation, applications);
}

/**
 * What the monthly report of `month` is built from: the orders placed in it, the orders placed
 * earlier that may have shipped or been paid in it, its exceptions, and the customers' names.
 * `scope` cuts every read (e.g. a merchandiser's { merchandiserId }).
 */
export async function loadMonthlyInputs(store: Store, month: string, scope: Filter = {}) {
  const b = monthBounds(month);
  // Payments recorded since the earliest order read could be placed: every allocation to those
  // orders, and every payment dated in the month (recorded no earlier than half a day before it).
  const paymentsSince = b.start - (FLOW_LOOKBACK_DAYS + 1) * DAY;
  const [placed, flowing, exceptions, receipts, applications] = await Promise.all([
    findAll(store, 'orders', { ...scope, createdMonth: month }),
    // Orders placed earlier that may have shipped or been paid in the month.
    findAll(store, 'orders', {
      ...scope,
      createdAt: { $gte: b.start - FLOW_LOOKBACK_DAYS * DAY, $lt: b.start },
      status: { $in: ['shipped', 'delivered', 'completed'] },
    }),
    findAll(store, 'exceptions', { ...scope, openedAt: { $gte: b.start, $lt: b.end } }),
    findAll(store, 'receipts', { ...scope, at: { $gte: paymentsSince } }),
    findAll(store, 'accountApplications', { ...scope, at: { $gte: paymentsSince } }),
  ]);
  const orders: Order[] = [...placed, ...flowing];
  const names = new Map(orders.map((o) => [o.customerId, o.customer.name]));
  const missing = [...new Set(exceptions.map((e) => e.customerId))].filter((id) => !names.has(id));
  if (missing.length) for (const c of await store.getMany('customers', missing)) names.set(c._id, c.name);
  return { placed, orders, exceptions, names, payments: { receipts, applications } };
}

export async function loadMonthlyReport(store: Store, month: string, now: number, scope: Filter = {}): Promise<MonthlyReport> {
  const { orders, exceptions, names, payments } = await loadMonthlyInputs(store, month, scope);
  return buildMonthlyReport(month, orders, exceptions, names, now, payments);
}
