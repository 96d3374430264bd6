/**
 * The back office's order board, bulk 审核, delivery notes, browser imports and dashboard. Each
 * reuses the existing code: 审核 is the 跟单 tab's review (followup.ts), the import is the CLI's
 * sheet reader and importRows, the dashboard's month is the monthly report's loader and builder,
 * and its overdue counts are the warnings' rule in counting form (shared dueDateRanges).
 */
import {
  type ImportRunRow,
  addDays,
  businessDate,
  businessMonth,
  buildMonthlyReport,
  DomainError,
  dueDateRanges,
  isCountedOrder,
  LIVE_STATUSES,
  MAX_IMPORT_FILE_BYTES,
  monthBounds,
  orderWarnings,
  startOfBusinessDate,
  type BoardOrder,
  type BulkConfirmResult,
  type Caller,
  type DashboardView,
  type DeliveryNote,
  type ErrorCode,
  type ImportReport,
  type Order,
  type OrderStatus,
  type Page,
} from '@dinghuo/shared';
import { findAll, type Filter, type Store } from '../data/store';
import type { AppConfig } from '../config';
import { requireAdmin, requireStaff } from '../identity';
import { loadOrderFor, toSummary } from './orders';
import { review, staffScope } from './followup';
import { importRows } from './importer';
import { readSheetBytes } from './sheetFile';
import { loadMonthlyInputs, loadMonthlyReport } from './reports';
import { monthlyReportXlsx } from './reportXlsx';
import { pageOf, type In } from './backofficeCatalog';

// --- the order board ---------------------------------------------------------------------------

export function toBoardOrder(o: Order, now: number): BoardOrder {
  return {
    ...toSummary(o),
    customerId: o.customerId,
    customerCode: o.customer.code,
    merchandiserId: o.merchandiserId,
    merchandiserName: o.merchandiser.name,
    createdDate: o.createdDate,
    paidFen: o.paidFen,
    madeToOrder: o.madeToOrder,
    openExceptions: o.openExceptions,
    overdue: orderWarnings(o, now).overdue,
  };
}

/**
 * The board's filter: the caller's scope, then equality on indexed fields and a createdAt range
 * (Shanghai days), so the store answers the page and the count from its indexes.
 */
export function boardFilter(caller: Caller, input: In<'orders'>): Filter | null {
  const filter: Filter = { ...staffScope(caller) };
  if (input.merchandiserId) {
    if (filter.merchandiserId && filter.merchandiserId !== input.merchandiserId) return null;
    filter.merchandiserId = input.merchandiserId;
  }
  if (input.status) filter.status = input.status;
  if (input.customerId) filter.customerId = input.customerId;
  if (input.from || input.to) {
    filter.createdAt = {
      ...(input.from ? { $gte: startOfBusinessDate(input.from) } : {}),
      ...(input.to ? { $lt: startOfBusinessDate(addDays(input.to, 1)) } : {}),
    };
  }
  const no = input.orderNo?.trim();
  if (no) filter.orderNo = { $contains: no };
  return filter;
}

export async function orderBoard(store: Store, caller: Caller, input: In<'orders'>, now: number): Promise<Page<BoardOrder>> {
  requireStaff(caller);
  if (input.from && input.to && input.from > input.to) throw new DomainError('VALIDATION_FAILED', '开始日期不能晚于结束日期');
  const filter = boardFilter(caller, input);
  if (!filter) return pageOf([], input, 0);
  const skip = (input.page - 1) * input.pageSize;
  const [orders, total] = await Promise.all([
    store.find('orders', filter, { orderBy: [['createdAt', 'desc']], skip, limit: input.pageSize }),
    store.count('orders', filter),
  ]);
  return pageOf(orders.map((o) => toBoardOrder(o, now)), input, total);
}

/** 批量审核: the 跟单 tab's confirm, order by order; one order's failure does not stop the others. */
export async function bulkConfirm(store: Store, caller: Caller, input: In<'bulkConfirm'>, now: number): Promise<BulkConfirmResult> {
  requireStaff(caller);
  const ids = [...new Set(input.orderIds)];
  const results: BulkConfirmResult['results'] = [];
  for (const orderId of ids) {
    try {
      const order = await review(store, caller, { decision: 'confirm', orderId, dueDate: input.dueDate, note: input.note }, now);
      results.push({ orderId, orderNo: order.orderNo, ok: true, error: null });
    } catch (e) {
      const error =
        e instanceof DomainError
          ? { code: e.code, message: e.message }
          : (console.error('[backoffice] bulkConfirm', orderId, e), { code: 'INTERNAL' as ErrorCode, message: new DomainError('INTERNAL').message });
      results.push({ orderId, orderNo: null, ok: false, error });
    }
  }
  // Order numbers of the failed ones the caller may see (others stay unknown: NOT_FOUND).
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    const scope = staffScope(caller);
    const found = await store.getMany('orders', failed.map((r) => r.orderId));
    const no = new Map(found.filter((o) => !scope.merchandiserId || o.merchandiserId === scope.merchandiserId).map((o) => [o._id, o.orderNo]));
    for (const r of failed) r.orderNo = no.get(r.orderId) ?? null;
  }
  return { results, confirmed: results.length - failed.length, failed: failed.length };
}

// --- the delivery note -------------------------------------------------------------------------

const PRINTABLE: readonly OrderStatus[] = ['confirmed', 'in_production', 'ready_to_ship', 'shipped', 'delivered', 'completed'];

export function supplierName(env: NodeJS.ProcessEnv = process.env): string {
  return env.DINGHUO_SUPPLIER_NAME?.trim() || '订货通供应商';
}

export function deliveryNoteOf(order: Order, now: number, supplier = supplierName()): DeliveryNote {
  const lines = order.lines.map((l, i) => ({
    no: i + 1,
    skuCode: l.skuCode,
    name: l.name,
    spec: l.spec,
    quantityText: l.unit === 'case' ? `${l.count} ${l.caseUnit}（${l.qty} ${l.baseUnit}）` : `${l.qty} ${l.baseUnit}`,
    qty: l.qty,
    baseUnit: l.baseUnit,
    unitPriceFen: l.unitPriceFen,
    amountFen: l.amountFen,
  }));
  return {
    orderId: order._id,
    orderNo: order.orderNo,
    date: businessDate(now),
    orderDate: order.createdDate,
    dueDate: order.dueDate,
    status: order.status,
    supplierName: supplier,
    customer: { code: order.customer.code, name: order.customer.name },
    address: { ...order.address },
    merchandiser: order.merchandiser.name,
    remark: order.remark,
    lines,
    totalQty: lines.reduce((n, l) => n + l.qty, 0),
    totalFen: order.totalFen,
  };
}

export async function deliveryNote(store: Store, caller: Caller, orderId: string, now: number): Promise<DeliveryNote> {
  requireStaff(caller);
  const order = await loadOrderFor(store, caller, orderId);
  if (!PRINTABLE.includes(order.status)) throw new DomainError('ILLEGAL_TRANSITION', '订单审核通过后才能打印发货单');
  return deliveryNoteOf(order, now);
}

// --- imports -------------------------------------------------------------------------------------

export async function importFile(
  store: Store,
  caller: Caller,
  input: In<'importFile'>,
  now: number,
): Promise<ImportReport & { fileName: string; sheetName: string; ignoredColumns: string[] }> {
  requireAdmin(caller);
  const bytes = Buffer.from(input.base64, 'base64');
  if (bytes.length === 0) throw new DomainError('IMPORT_FILE_UNREADABLE', '文件是空的');
  if (bytes.length > MAX_IMPORT_FILE_BYTES) throw new DomainError('VALIDATION_FAILED', `文件不能超过 ${MAX_IMPORT_FILE_BYTES / 1024 / 1024} MB`);
  const sheet = await readSheetBytes(bytes, input.fileName, input.kind, { sheet: input.sheet || undefined });
  if (sheet.rows.length === 0) throw new DomainError('IMPORT_FILE_UNREADABLE', '文件里没有数据行');
  const report = await importRows(store, input.kind, sheet.rows, { dryRun: input.dryRun, skipBad: input.skipBad, now, file: input.fileName });
  const out = { ...report, fileName: input.fileName, sheetName: sheet.sheetName, ignoredColumns: sheet.ignored };
  if (!input.dryRun && !report.written) {
    throw new DomainError('IMPORT_INVALID', `导入文件有 ${report.bad.length} 行错误，未写入任何数据`, {
      report: { ...out, bad: report.bad.slice(0, 500) },
    });
  }
  return out;
}

/** The written imports, newest first (one page and a count; the collection holds one record per written import). */
export async function listImportRuns(store: Store, caller: Caller, input: In<'importRuns'>): Promise<Page<ImportRunRow>> {
  requireAdmin(caller);
  const skip = (input.page - 1) * input.pageSize;
  const [runs, total] = await Promise.all([
    store.find('importRuns', {}, { orderBy: [['at', 'desc']], skip, limit: input.pageSize }),
    store.count('importRuns', {}),
  ]);
  return pageOf(runs.map(({ _id, kind, file, at, created, updated, unchanged, skipped }) => ({ _id, kind, file, at, created, updated, unchanged, skipped })), input, total);
}

// --- dashboard and reports ---------------------------------------------------------------------------

export async function dashboard(store: Store, caller: Caller, input: In<'dashboard'>, now: number, _config?: AppConfig): Promise<DashboardView> {
  requireStaff(caller);
  const scope = staffScope(caller);
  const today = businessDate(now);
  const month = input.month ?? businessMonth(now);
  const todayStart = startOfBusinessDate(today);
  // The today view's warnings as counts (dueDateRanges, the counting form of orderWarnings), so
  // the open orders are counted by the store rather than read.
  const due = dueDateRanges(today);
  const open = { ...scope, status: { $in: due.openStatuses } };
  const [todays, awaitingReview, overdue, dueSoon, openExceptions, monthly] = await Promise.all([
    findAll(store, 'orders', { ...scope, createdAt: { $gte: todayStart, $lt: startOfBusinessDate(addDays(today, 1)) } }),
    store.count('orders', { ...scope, status: 'submitted' }),
    store.count('orders', { ...open, dueDate: due.overdue }),
    store.count('orders', { ...open, dueDate: due.dueSoon }),
    store.count('exceptions', { ...scope, status: 'open' }),
    loadMonthlyInputs(store, month, scope),
  ]);
  const live = todays.filter((o) => LIVE_STATUSES.includes(o.status));
  const report = buildMonthlyReport(month, monthly.orders, monthly.exceptions, monthly.names, now, monthly.payments);

  const b = monthBounds(month);
  const byDayMap = new Map<string, { orders: number; amountFen: number }>();
  const lastDay = b.lastDate < today ? b.lastDate : today;
  for (let d = b.firstDate; d <= lastDay; d = addDays(d, 1)) byDayMap.set(d, { orders: 0, amountFen: 0 });
  for (const o of monthly.placed) {
    if (!isCountedOrder(o)) continue;
    const day = byDayMap.get(o.createdDate) ?? { orders: 0, amountFen: 0 };
    day.orders += 1;
    day.amountFen += o.totalFen;
    byDayMap.set(o.createdDate, day);
  }
  return {
    date: today,
    month,
    today: {
      orders: live.length,
      amountFen: live.reduce((n, o) => n + o.totalFen, 0),
      awaitingReview,
    },
    overdue,
    dueSoon,
    openExceptions,
    byDay: [...byDayMap.entries()].sort(([a], [c]) => (a < c ? -1 : 1)).map(([date, v]) => ({ date, ...v })),
    byCustomer: [...report.byCustomer].sort((x, y) => y.orderedFen - x.orderedFen),
    byProduct: [...report.byProduct].sort((x, y) => y.orderedFen - x.orderedFen),
    totals: {
      orderCount: report.totals.orderCount,
      orderedFen: report.totals.orderedFen,
      shippedFen: report.totals.shippedFen,
      paidFen: report.totals.paidFen,
    },
  };
}

export async function monthlyXlsx(store: Store, caller: Caller, month: string, now: number) {
  requireAdmin(caller);
  return monthlyReportXlsx(await loadMonthlyReport(store, month, now));
}

