/**
 * Statements (对账单) and the supplier's monthly report: pure computation over orders and
 * exceptions. Months are calendar months in Asia/Shanghai.
 *
 * Money flows on a receivable basis: an order becomes receivable when it ships (出货) and stops
 * being when it is paid (回款). For a customer and month:
 *   opening  = Σ shipped before the month − Σ paid before the month
 *   closing  = opening + shipped in the month − paid in the month
 * Cancelled and rejected orders never enter a statement.
 *
 * Payments are the customer's receipts (receipts.ts), each counted on its date whether allocated
 * to orders or kept on account; an order paid before receipts existed (paidFen beyond what
 * receipts allocated to it) counts that rest on its 回款 date, as before. Money on account applied
 * later (冲抵预收, AccountApplication) is an order's payment at the application, never counted as
 * received a second time.
 */
import { z } from 'zod';
import type { Order } from './order';
import type { OrderException } from './exception';
import { EXCEPTION_KIND_LABELS, SEVERITY_LABELS } from './exception';
import { ORDER_STATUS_LABELS, type OrderStatus } from './orderStatus';
import { addDays, businessDate, startOfBusinessDate } from './time';
import { CONFIRMATION_STATE_LABELS, confirmationState, RECEIPT_METHOD_LABELS, type AccountApplication, type ConfirmationState, type Receipt, type StatementConfirmation } from './receipts';

export const MonthInput = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份格式应为 YYYY-MM');
export type Month = z.infer<typeof MonthInput>;

export interface MonthBounds {
  month: string;
  /** First instant of the month in Shanghai, epoch ms (inclusive). */
  start: number;
  /** First instant of the next month (exclusive). */
  end: number;
  firstDate: string;
  lastDate: string;
}

export function monthBounds(month: string): MonthBounds {
  if (!MonthInput.safeParse(month).success) throw new RangeError(`bad month ${month}`);
  const [y, m] = month.split('-').map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  const firstDate = `${month}-01`;
  const nextFirst = `${next}-01`;
  return {
    month,
    start: startOfBusinessDate(firstDate),
    end: startOfBusinessDate(nextFirst),
    firstDate,
    lastDate: addDays(nextFirst, -1),
  };
}

const NOT_COUNTED: readonly OrderStatus[] = ['cancelled', 'rejected'];
const SHIPPED_STATUSES: readonly OrderStatus[] = ['shipped', 'delivered', 'completed'];

export function isCountedOrder(o: Pick<Order, 'status'>): boolean {
  return !NOT_COUNTED.includes(o.status);
}

type OrderFacts = Pick<Order, 'status' | 'totalFen' | 'paidFen' | 'nodes' | 'timeline' | 'updatedAt'>;

/** When the order shipped: the 出货 node's date, else the status change to 已发货. */
export function shippedAt(o: OrderFacts): number | null {
  if (!SHIPPED_STATUSES.includes(o.status)) return null;
  const node = o.nodes.find((n) => n.key === 'shipment')?.actualAt;
  if (typeof node === 'number') return node;
  const entry = o.timeline.find((t) => t.status === 'shipped');
  return entry ? entry.at : null;
}

/** When the order was paid (回款): the payment node's date; null while unpaid. */
export function paidAt(o: OrderFacts): number | null {
  if (o.paidFen <= 0) return null;
  const node = o.nodes.find((n) => n.key === 'payment')?.actualAt;
  if (typeof node === 'number') return node;
  const entry = [...o.timeline].reverse().find((t) => t.event === 'payment' || t.status === 'completed');
  return entry ? entry.at : o.updatedAt;
}

const within = (t: number | null, b: MonthBounds): t is number => t !== null && t >= b.start && t < b.end;
const before = (t: number | null, at: number): t is number => t !== null && t < at;

export interface StatementLine {
  orderId: string;
  orderNo: string;
  createdDate: string;
  status: OrderStatus;
  statusLabel: string;
  totalFen: number;
  shippedDate: string | null;
  paidDate: string | null;
  /** The order's amount when it shipped in the month, else 0. */
  shippedInMonthFen: number;
  /** Paid in the month, else 0. */
  paidInMonthFen: number;
  /** Still to be paid at the month's end (shipped by then and not paid by then). */
  unpaidAtEndFen: number;
}

export interface StatementTotals {
  /** Orders placed in the month (not cancelled or rejected). */
  orderCount: number;
  orderedFen: number;
  shippedFen: number;
  /** Received in the month: receipts (allocated or on account) and payments before receipts. */
  paidFen: number;
  /** Of the month's receipts, the part kept on account (预收). */
  onAccountFen: number;
  openingFen: number;
  closingFen: number;
}

/** A shipment in the month (发货), as the statement lists it. */
export interface StatementDelivery {
  orderId: string;
  orderNo: string;
  date: string;
  amountFen: number;
}

/** A receipt in the month (收款). */
export interface StatementReceipt {
  receiptId: string;
  date: string;
  methodLabel: string;
  reference: string;
  amountFen: number;
  onAccountFen: number;
  orderNos: string[];
}

export interface StatementConfirmationView {
  state: ConfirmationState;
  stateLabel: string;
  /** The confirmation on record, if any. */
  confirmedAt: number | null;
  confirmedBy: string;
  confirmedClosingFen: number | null;
  note: string;
}

export interface Statement {
  month: string;
  period: { firstDate: string; lastDate: string };
  customer: { _id: string; code: string; name: string };
  merchandiserName: string;
  lines: StatementLine[];
  deliveries: StatementDelivery[];
  receipts: StatementReceipt[];
  totals: StatementTotals;
  confirmation: StatementConfirmationView;
  generatedAt: number;
}

/**
 * A customer's statement for a month from all the customer's orders (any month) and receipts
 * (any date): the lines are the orders placed, shipped or paid in the month, and those still
 * unpaid at its end; the deliveries and receipts are the month's; the balances are as above.
 */
export function buildStatement(
  customer: { _id: string; code: string; name: string },
  merchandiserName: string,
  month: string,
  orders: readonly Order[],
  now: number,
  receipts: readonly Receipt[] = [],
  confirmation: StatementConfirmation | null = null,
  applications: readonly AccountApplication[] = [],
): Statement {
  const b = monthBounds(month);
  const totals: StatementTotals = { orderCount: 0, orderedFen: 0, shippedFen: 0, paidFen: 0, onAccountFen: 0, openingFen: 0, closingFen: 0 };
  const lines: StatementLine[] = [];
  const deliveries: StatementDelivery[] = [];
  const mine = receipts.filter((r) => r.customerId === customer._id);
  /** Each order's payments from receipts: [instant, fen]. */
  const paymentsOf = new Map<string, [number, number][]>();
  for (const r of mine) {
    if (r.receivedAt < b.start) totals.openingFen -= r.amountFen;
    else if (r.receivedAt < b.end) {
      totals.paidFen += r.amountFen;
      totals.onAccountFen += r.onAccountFen;
    }
    for (const a of r.allocations) {
      const list = paymentsOf.get(a.orderId) ?? [];
      list.push([r.receivedAt, a.amountFen]);
      paymentsOf.set(a.orderId, list);
    }
  }
  // Money on account applied to orders later (冲抵预收): counted when received (its receipt),
  // an order's payment when applied.
  for (const ap of applications) {
    if (ap.customerId !== customer._id) continue;
    for (const a of ap.allocations) {
      const list = paymentsOf.get(a.orderId) ?? [];
      list.push([ap.appliedAt, a.amountFen]);
      paymentsOf.set(a.orderId, list);
    }
  }
  for (const o of orders) {
    if (o.customerId !== customer._id || !isCountedOrder(o)) continue;
    const shipped = shippedAt(o);
    const payments = [...(paymentsOf.get(o._id) ?? [])];
    // Paid before receipts existed: the rest of paidFen, on the 回款 date.
    const legacy = o.paidFen - payments.reduce((n, [, fen]) => n + fen, 0);
    const legacyAt = legacy > 0 ? paidAt(o) : null;
    if (legacyAt !== null) {
      payments.push([legacyAt, legacy]);
      if (legacyAt < b.start) totals.openingFen -= legacy;
      else if (legacyAt < b.end) totals.paidFen += legacy;
    }
    if (before(shipped, b.start)) totals.openingFen += o.totalFen;

    const placedIn = o.createdAt >= b.start && o.createdAt < b.end;
    const shippedIn = within(shipped, b);
    const paidInMonth = payments.filter(([at]) => at >= b.start && at < b.end).reduce((n, [, fen]) => n + fen, 0);
    const paidByEnd = payments.filter(([at]) => at < b.end);
    const paidByEndFen = paidByEnd.reduce((n, [, fen]) => n + fen, 0);
    const lastPaid = paidByEnd.reduce<number | null>((m, [at]) => (m === null || at > m ? at : m), null);
    if (placedIn) {
      totals.orderCount += 1;
      totals.orderedFen += o.totalFen;
    }
    if (shippedIn) {
      totals.shippedFen += o.totalFen;
      deliveries.push({ orderId: o._id, orderNo: o.orderNo, date: businessDate(shipped), amountFen: o.totalFen });
    }
    const unpaidAtEnd = before(shipped, b.end) ? Math.max(0, o.totalFen - paidByEndFen) : 0;
    const createdBefore = o.createdAt < b.end;
    if (!(placedIn || shippedIn || paidInMonth > 0 || (createdBefore && unpaidAtEnd > 0))) continue;
    lines.push({
      orderId: o._id,
      orderNo: o.orderNo,
      createdDate: businessDate(o.createdAt),
      status: o.status,
      statusLabel: ORDER_STATUS_LABELS[o.status],
      totalFen: o.totalFen,
      shippedDate: shipped !== null && shipped < b.end ? businessDate(shipped) : null,
      paidDate: lastPaid !== null ? businessDate(lastPaid) : null,
      shippedInMonthFen: shippedIn ? o.totalFen : 0,
      paidInMonthFen: paidInMonth,
      unpaidAtEndFen: unpaidAtEnd,
    });
  }
  totals.closingFen = totals.openingFen + totals.shippedFen - totals.paidFen;
  lines.sort((x, y) => (x.createdDate === y.createdDate ? (x.orderNo < y.orderNo ? -1 : 1) : x.createdDate < y.createdDate ? -1 : 1));
  deliveries.sort((x, y) => (x.date === y.date ? (x.orderNo < y.orderNo ? -1 : 1) : x.date < y.date ? -1 : 1));
  const monthReceipts: StatementReceipt[] = mine
    .filter((r) => r.receivedAt >= b.start && r.receivedAt < b.end)
    .sort((x, y) => x.receivedAt - y.receivedAt || x.at - y.at)
    .map((r) => ({
      receiptId: r._id,
      date: r.date,
      methodLabel: RECEIPT_METHOD_LABELS[r.method],
      reference: r.reference,
      amountFen: r.amountFen,
      onAccountFen: r.onAccountFen,
      orderNos: r.allocations.map((a) => a.orderNo),
    }));
  const state = confirmationState(b.end, totals.closingFen, confirmation && confirmation.month === month ? confirmation : null, now);
  return {
    month,
    period: { firstDate: b.firstDate, lastDate: b.lastDate },
    customer: { _id: customer._id, code: customer.code, name: customer.name },
    merchandiserName,
    lines,
    deliveries,
    receipts: monthReceipts,
    totals,
    confirmation: {
      state,
      stateLabel: CONFIRMATION_STATE_LABELS[state],
      confirmedAt: confirmation?.at ?? null,
      confirmedBy: confirmation?.by.name ?? '',
      confirmedClosingFen: confirmation?.closingFen ?? null,
      note: confirmation?.note ?? '',
    },
    generatedAt: now,
  };
}

// --- the supplier's monthly report ----------------------------------------------------------

export interface CustomerMonthRow {
  customerId: string;
  customerCode: string;
  customerName: string;
  merchandiserName: string;
  orderCount: number;
  orderedFen: number;
  shippedCount: number;
  shippedFen: number;
  paidFen: number;
}

export interface ProductMonthRow {
  skuId: string;
  skuCode: string;
  name: string;
  spec: string;
  baseUnit: string;
  /** Ordered in the month (orders placed in it), base units. */
  orderedQty: number;
  orderedFen: number;
  /** Shipped in the month, base units. */
  shippedQty: number;
  shippedFen: number;
}

export interface ExceptionRow {
  orderNo: string;
  customerName: string;
  kindLabel: string;
  severityLabel: string;
  description: string;
  owner: string;
  statusLabel: string;
  openedAt: number;
  openedBy: string;
  resolvedAt: number | null;
  resolution: string;
}

export interface MonthlyReport {
  month: string;
  period: { firstDate: string; lastDate: string };
  byCustomer: CustomerMonthRow[];
  byProduct: ProductMonthRow[];
  exceptions: ExceptionRow[];
  totals: { orderCount: number; orderedFen: number; shippedCount: number; shippedFen: number; paidFen: number; exceptionCount: number; openExceptionCount: number };
  generatedAt: number;
}

/**
 * What was paid to orders, for the monthly report's 回款: receipts (their allocations, at the
 * receipt's date) and applications of money on account (at the application). For exactness they
 * must include every allocation to the orders given (the loader reads those recorded since the
 * earliest of them was placed) and every one dated in the month.
 */
export interface MonthPayments {
  receipts: readonly Receipt[];
  applications: readonly AccountApplication[];
}

/**
 * The supplier's report for a month: by customer (ordered, shipped, paid), by product
 * (quantities ordered and shipped) and the exceptions opened in the month. `orders` may hold
 * any orders; only the month's flows are counted.
 */
export function buildMonthlyReport(
  month: string,
  orders: readonly Order[],
  exceptions: readonly OrderException[],
  customerNames: ReadonlyMap<string, string>,
  now: number,
  payments?: MonthPayments,
): MonthlyReport {
  const b = monthBounds(month);
  const byCustomer = new Map<string, CustomerMonthRow>();
  const byProduct = new Map<string, ProductMonthRow>();
  const seen = new Set<string>();
  const rowFor = (customerId: string, code: string, name: string, merchandiserName: string): CustomerMonthRow => {
    let row = byCustomer.get(customerId);
    if (!row) {
      row = { customerId, customerCode: code, customerName: name, merchandiserName, orderCount: 0, orderedFen: 0, shippedCount: 0, shippedFen: 0, paidFen: 0 };
      byCustomer.set(customerId, row);
    }
    return row;
  };
  const customerRow = (o: Order): CustomerMonthRow => rowFor(o.customerId, o.customer.code, o.customer.name, o.merchandiser.name);
  // 回款 from the payments: each allocation of a receipt (at its date) or of money on account
  // (when applied) counts in its month; an order's paidFen beyond its allocations (paid before
  // receipts existed) counts on its 回款 date.
  const allocatedTo = new Map<string, number>();
  const paidInMonth: [customer: { id: string; code: string; name: string; merchandiserName: string }, fen: number][] = [];
  if (payments) {
    const flows: [at: number, customer: { id: string; code: string; name: string; merchandiserName: string }, fen: number, orderId: string][] = [];
    for (const r of payments.receipts) {
      for (const a of r.allocations) flows.push([r.receivedAt, { id: r.customerId, code: r.customer.code, name: r.customer.name, merchandiserName: r.merchandiser.name }, a.amountFen, a.orderId]);
    }
    for (const ap of payments.applications) {
      for (const a of ap.allocations) flows.push([ap.appliedAt, { id: ap.customerId, code: ap.customer.code, name: ap.customer.name, merchandiserName: ap.merchandiser.name }, a.amountFen, a.orderId]);
    }
    for (const [at, c, fen, orderId] of flows) {
      allocatedTo.set(orderId, (allocatedTo.get(orderId) ?? 0) + fen);
      if (at >= b.start && at < b.end) paidInMonth.push([c, fen]);
    }
  }
  const productRow = (l: Order['lines'][number]): ProductMonthRow => {
    let row = byProduct.get(l.skuId);
    if (!row) {
      row = { skuId: l.skuId, skuCode: l.skuCode, name: l.name, spec: l.spec, baseUnit: l.baseUnit, orderedQty: 0, orderedFen: 0, shippedQty: 0, shippedFen: 0 };
      byProduct.set(l.skuId, row);
    }
    return row;
  };
  for (const o of orders) {
    if (seen.has(o._id) || !isCountedOrder(o)) continue;
    seen.add(o._id);
    const placedIn = o.createdAt >= b.start && o.createdAt < b.end;
    const shippedIn = within(shippedAt(o), b);
    const paid = paidAt(o);
    const paidIn = within(paid, b);
    // With the payments: only what no receipt explains, on the 回款 date; without: the order's
    // paidFen in the month of its 回款 (approximate for part-paid orders).
    const legacyFen = payments ? Math.max(0, o.paidFen - (allocatedTo.get(o._id) ?? 0)) : o.paidFen;
    const paidInFen = paidIn ? legacyFen : 0;
    if (!placedIn && !shippedIn && paidInFen === 0) continue;
    const c = customerRow(o);
    if (placedIn) {
      c.orderCount += 1;
      c.orderedFen += o.totalFen;
      for (const l of o.lines) {
        const p = productRow(l);
        p.orderedQty += l.qty;
        p.orderedFen += l.amountFen;
      }
    }
    if (shippedIn) {
      c.shippedCount += 1;
      c.shippedFen += o.totalFen;
      for (const l of o.lines) {
        const p = productRow(l);
        p.shippedQty += l.qty;
        p.shippedFen += l.amountFen;
      }
    }
    c.paidFen += paidInFen;
  }
  // after the orders, so a customer's row takes its name and merchandiser from its orders
  for (const [c, fen] of paidInMonth) rowFor(c.id, c.code, c.name, c.merchandiserName).paidFen += fen;
  const exRows: ExceptionRow[] = exceptions
    .filter((e) => e.openedAt >= b.start && e.openedAt < b.end)
    .sort((x, y) => x.openedAt - y.openedAt)
    .map((e) => ({
      orderNo: e.orderNo,
      customerName: customerNames.get(e.customerId) ?? e.customerId,
      kindLabel: EXCEPTION_KIND_LABELS[e.kind],
      severityLabel: SEVERITY_LABELS[e.severity],
      description: e.description,
      owner: e.owner,
      statusLabel: e.status === 'open' ? '未解决' : '已解决',
      openedAt: e.openedAt,
      openedBy: e.openedBy.name,
      resolvedAt: e.resolvedAt,
      resolution: e.resolution,
    }));
  const customers = [...byCustomer.values()].sort((x, y) => y.orderedFen - x.orderedFen || (x.customerCode < y.customerCode ? -1 : 1));
  const products = [...byProduct.values()].sort((x, y) => (x.skuCode < y.skuCode ? -1 : x.skuCode > y.skuCode ? 1 : 0));
  const sum = (f: (r: CustomerMonthRow) => number) => customers.reduce((n, r) => n + f(r), 0);
  return {
    month,
    period: { firstDate: b.firstDate, lastDate: b.lastDate },
    byCustomer: customers,
    byProduct: products,
    exceptions: exRows,
    totals: {
      orderCount: sum((r) => r.orderCount),
      orderedFen: sum((r) => r.orderedFen),
      shippedCount: sum((r) => r.shippedCount),
      shippedFen: sum((r) => r.shippedFen),
      paidFen: sum((r) => r.paidFen),
      exceptionCount: exRows.length,
      openExceptionCount: exceptions.filter((e) => e.openedAt >= b.start && e.openedAt < b.end && e.status === 'open').length,
    },
    generatedAt: now,
  };
}

/** '对账单-华联超市-2026-11.xlsx', with characters a file system refuses replaced. */
export function exportFileName(kind: string, name: string, month: string): string {
  return `${kind}-${name}-${month}.xlsx`.replace(/[\\/:*?"<>|\s]+/g, '_');
}
