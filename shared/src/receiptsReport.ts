/**
 * The month's receipts (货款回笼) and the merchandisers' commissions (提成), pure over the
 * receipts dated in the month. A receipt counts for the merchandiser it was recorded under
 * (the customer's merchandiser then); each merchandiser's rate is its own or the default.
 */
import { commissionFen, formatRateBp, RECEIPT_METHOD_LABELS, RECEIPT_METHODS, type Receipt, type ReceiptMethod } from './receipts';
import { monthBounds } from './statement';

export interface ReceiptRow {
  receiptId: string;
  date: string;
  customerCode: string;
  customerName: string;
  merchandiserName: string;
  methodLabel: string;
  reference: string;
  amountFen: number;
  allocatedFen: number;
  onAccountFen: number;
  orderNos: string[];
  recordedBy: string;
}

export interface ReceiptCustomerRow {
  customerId: string;
  customerCode: string;
  customerName: string;
  merchandiserName: string;
  count: number;
  receivedFen: number;
  allocatedFen: number;
  onAccountFen: number;
}

export interface ReceiptMethodRow {
  method: ReceiptMethod;
  methodLabel: string;
  count: number;
  receivedFen: number;
}

export interface CommissionRow {
  merchandiserId: string;
  merchandiserName: string;
  customerCount: number;
  receiptCount: number;
  receivedFen: number;
  rateBp: number;
  rateLabel: string;
  commissionFen: number;
}

export interface ReceiptsReport {
  month: string;
  period: { firstDate: string; lastDate: string };
  receipts: ReceiptRow[];
  byCustomer: ReceiptCustomerRow[];
  byMethod: ReceiptMethodRow[];
  commissions: CommissionRow[];
  totals: { count: number; receivedFen: number; allocatedFen: number; onAccountFen: number; commissionFen: number };
  generatedAt: number;
}

export interface MerchandiserRate {
  name: string;
  /** The merchandiser's own rate; undefined: the default. */
  rateBp?: number | undefined;
}

export function buildReceiptsReport(
  month: string,
  receipts: readonly Receipt[],
  rates: ReadonlyMap<string, MerchandiserRate>,
  defaultRateBp: number,
  now: number,
): ReceiptsReport {
  const b = monthBounds(month);
  const inMonth = [...new Map(receipts.map((r) => [r._id, r])).values()]
    .filter((r) => r.receivedAt >= b.start && r.receivedAt < b.end)
    .sort((x, y) => x.receivedAt - y.receivedAt || x.at - y.at || (x._id < y._id ? -1 : 1));
  const byCustomer = new Map<string, ReceiptCustomerRow>();
  const byMethod = new Map<ReceiptMethod, ReceiptMethodRow>();
  const byMerch = new Map<string, { name: string; customers: Set<string>; count: number; receivedFen: number }>();
  const rows: ReceiptRow[] = [];
  for (const r of inMonth) {
    const allocatedFen = r.amountFen - r.onAccountFen;
    rows.push({
      receiptId: r._id,
      date: r.date,
      customerCode: r.customer.code,
      customerName: r.customer.name,
      merchandiserName: r.merchandiser.name,
      methodLabel: RECEIPT_METHOD_LABELS[r.method],
      reference: r.reference,
      amountFen: r.amountFen,
      allocatedFen,
      onAccountFen: r.onAccountFen,
      orderNos: r.allocations.map((a) => a.orderNo),
      recordedBy: r.by.name,
    });
    const c = byCustomer.get(r.customerId) ?? {
      customerId: r.customerId,
      customerCode: r.customer.code,
      customerName: r.customer.name,
      merchandiserName: r.merchandiser.name,
      count: 0,
      receivedFen: 0,
      allocatedFen: 0,
      onAccountFen: 0,
    };
    c.count += 1;
    c.receivedFen += r.amountFen;
    c.allocatedFen += allocatedFen;
    c.onAccountFen += r.onAccountFen;
    byCustomer.set(r.customerId, c);
    const m = byMethod.get(r.method) ?? { method: r.method, methodLabel: RECEIPT_METHOD_LABELS[r.method], count: 0, receivedFen: 0 };
    m.count += 1;
    m.receivedFen += r.amountFen;
    byMethod.set(r.method, m);
    const g = byMerch.get(r.merchandiserId) ?? { name: rates.get(r.merchandiserId)?.name ?? r.merchandiser.name, customers: new Set<string>(), count: 0, receivedFen: 0 };
    g.customers.add(r.customerId);
    g.count += 1;
    g.receivedFen += r.amountFen;
    byMerch.set(r.merchandiserId, g);
  }
  const commissions: CommissionRow[] = [...byMerch.entries()]
    .map(([id, g]) => {
      const rateBp = rates.get(id)?.rateBp ?? defaultRateBp;
      return {
        merchandiserId: id,
        merchandiserName: g.name,
        customerCount: g.customers.size,
        receiptCount: g.count,
        receivedFen: g.receivedFen,
        rateBp,
        rateLabel: formatRateBp(rateBp),
        commissionFen: commissionFen(g.receivedFen, rateBp),
      };
    })
    .sort((x, y) => y.receivedFen - x.receivedFen || (x.merchandiserName < y.merchandiserName ? -1 : 1));
  const sum = <T>(list: T[], f: (t: T) => number) => list.reduce((n, t) => n + f(t), 0);
  return {
    month,
    period: { firstDate: b.firstDate, lastDate: b.lastDate },
    receipts: rows,
    byCustomer: [...byCustomer.values()].sort((x, y) => y.receivedFen - x.receivedFen || (x.customerCode < y.customerCode ? -1 : 1)),
    byMethod: RECEIPT_METHODS.flatMap((m) => byMethod.get(m) ?? []),
    commissions,
    totals: {
      count: rows.length,
      receivedFen: sum(rows, (r) => r.amountFen),
      allocatedFen: sum(rows, (r) => r.allocatedFen),
      onAccountFen: sum(rows, (r) => r.onAccountFen),
      commissionFen: sum(commissions, (c) => c.commissionFen),
    },
    generatedAt: now,
  };
}
