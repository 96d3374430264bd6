/**
 * The monthly reports a 跟单 hands in, beyond the statement and receipts: quantities by product,
 * by production batch, key customers by region, quality problems, the samples register and the
 * courier-cost register. Pure: the service loads the month's documents (within the caller's
 * scope) and passes them here.
 *
 * A production batch (生产批次) is the business date an order's 生产 node was done: the goods made
 * that day for made-to-order orders.
 */
import type { AfterSalesRequest } from './afterSales';
import { AFTER_SALES_KIND_LABELS, AFTER_SALES_STATUS_LABELS } from './afterSalesLabels';
import type { Customer } from './customer';
import type { OrderException } from './exception';
import { EXCEPTION_KIND_LABELS, SEVERITY_LABELS } from './followupLabels';
import type { Order } from './order';
import type { Sample } from './samples';
import { SAMPLE_STATUS_LABELS } from './samples';
import { buildMonthlyReport, monthBounds, type ProductMonthRow } from './statement';
import { KEY_CUSTOMER_PRIORITY, priorityOf, regionOf } from './supply';
import { businessDate } from './time';

export interface BatchRow {
  batchDate: string;
  skuId: string;
  skuCode: string;
  name: string;
  spec: string;
  baseUnit: string;
  qty: number;
  orderCount: number;
  orderNos: string[];
}

export interface RegionCustomerRow {
  region: string;
  customerId: string;
  customerCode: string;
  customerName: string;
  priority: number;
  keyCustomer: boolean;
  orderCount: number;
  orderedFen: number;
  shippedFen: number;
}

export interface RegionTotalRow {
  region: string;
  customerCount: number;
  keyCustomerCount: number;
  orderedFen: number;
  shippedFen: number;
}

export interface QualityRow {
  source: '异常' | '售后';
  orderNo: string;
  customerName: string;
  kindLabel: string;
  severityLabel: string;
  description: string;
  statusLabel: string;
  at: number;
}

export interface SampleRow {
  sampleNo: string;
  customerName: string;
  items: string;
  statusLabel: string;
  requestedAt: number;
  requestedBy: string;
  courierCompany: string;
  trackingNo: string;
  courierFen: number;
  decision: string;
}

export interface CourierRow {
  sentAt: number;
  sampleNo: string;
  customerName: string;
  company: string;
  trackingNo: string;
  costFen: number;
  sentBy: string;
}

export interface SupplyReport {
  month: string;
  period: { firstDate: string; lastDate: string };
  byProduct: ProductMonthRow[];
  byBatch: BatchRow[];
  keyCustomers: RegionCustomerRow[];
  regions: RegionTotalRow[];
  quality: QualityRow[];
  samples: SampleRow[];
  courier: CourierRow[];
  totals: { sampleCount: number; courierCount: number; courierFen: number; qualityCount: number; batchQty: number };
  generatedAt: number;
}

/** Exception kinds that are quality problems (the rest are schedule and supply problems). */
export const QUALITY_EXCEPTION_KINDS: readonly OrderException['kind'][] = ['qc_failed'];

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function buildSupplyReport(
  month: string,
  input: {
    orders: readonly Order[];
    exceptions: readonly OrderException[];
    afterSales: readonly AfterSalesRequest[];
    samples: readonly Sample[];
    customers: ReadonlyMap<string, Pick<Customer, 'priority' | 'region' | 'name'>>;
  },
  now: number,
): SupplyReport {
  const b = monthBounds(month);
  const inMonth = (at: number | null | undefined) => at !== null && at !== undefined && at >= b.start && at < b.end;
  const base = buildMonthlyReport(month, input.orders, [], new Map(), now);

  // by production batch
  const batches = new Map<string, BatchRow>();
  const seen = new Set<string>();
  for (const o of input.orders) {
    if (seen.has(o._id) || o.status === 'cancelled' || o.status === 'rejected') continue;
    seen.add(o._id);
    const done = o.nodes.find((n) => n.key === 'production')?.actualAt ?? null;
    if (!inMonth(done)) continue;
    const batchDate = businessDate(done!);
    for (const l of o.lines) {
      const key = `${batchDate}|${l.skuId}`;
      let row = batches.get(key);
      if (!row) {
        row = { batchDate, skuId: l.skuId, skuCode: l.skuCode, name: l.name, spec: l.spec, baseUnit: l.baseUnit, qty: 0, orderCount: 0, orderNos: [] };
        batches.set(key, row);
      }
      row.qty += l.qty;
      if (!row.orderNos.includes(o.orderNo)) {
        row.orderNos.push(o.orderNo);
        row.orderCount += 1;
      }
    }
  }
  const byBatch = [...batches.values()].sort((x, y) => cmp(x.batchDate, y.batchDate) || cmp(x.skuCode, y.skuCode));

  // key customers by region
  const keyCustomers: RegionCustomerRow[] = base.byCustomer
    .filter((c) => c.orderCount > 0 || c.shippedFen > 0)
    .map((c) => {
      const customer = input.customers.get(c.customerId) ?? {};
      const priority = priorityOf(customer);
      return {
        region: regionOf(customer),
        customerId: c.customerId,
        customerCode: c.customerCode,
        customerName: c.customerName,
        priority,
        keyCustomer: priority >= KEY_CUSTOMER_PRIORITY,
        orderCount: c.orderCount,
        orderedFen: c.orderedFen,
        shippedFen: c.shippedFen,
      };
    })
    .sort((x, y) => cmp(x.region, y.region) || y.priority - x.priority || y.orderedFen - x.orderedFen || cmp(x.customerCode, y.customerCode));
  const regionMap = new Map<string, RegionTotalRow>();
  for (const r of keyCustomers) {
    const t = regionMap.get(r.region) ?? { region: r.region, customerCount: 0, keyCustomerCount: 0, orderedFen: 0, shippedFen: 0 };
    t.customerCount += 1;
    if (r.keyCustomer) t.keyCustomerCount += 1;
    t.orderedFen += r.orderedFen;
    t.shippedFen += r.shippedFen;
    regionMap.set(r.region, t);
  }
  const regions = [...regionMap.values()].sort((x, y) => y.orderedFen - x.orderedFen || cmp(x.region, y.region));

  // quality problems
  const nameOf = (id: string) => input.customers.get(id)?.name ?? id;
  const quality: QualityRow[] = [
    ...input.exceptions
      .filter((e) => QUALITY_EXCEPTION_KINDS.includes(e.kind) && inMonth(e.openedAt))
      .map((e): QualityRow => ({
        source: '异常',
        orderNo: e.orderNo,
        customerName: nameOf(e.customerId),
        kindLabel: EXCEPTION_KIND_LABELS[e.kind],
        severityLabel: SEVERITY_LABELS[e.severity],
        description: e.description,
        statusLabel: e.status === 'open' ? '未解决' : '已解决',
        at: e.openedAt,
      })),
    ...input.afterSales
      .filter((a) => inMonth(a.createdAt))
      .map((a): QualityRow => ({
        source: '售后',
        orderNo: a.orderNo,
        customerName: nameOf(a.customerId),
        kindLabel: AFTER_SALES_KIND_LABELS[a.kind],
        severityLabel: '',
        description: a.description,
        statusLabel: AFTER_SALES_STATUS_LABELS[a.status],
        at: a.createdAt,
      })),
  ].sort((x, y) => x.at - y.at);

  // samples register (requested in the month) and courier costs (sent in the month)
  const samples: SampleRow[] = input.samples
    .filter((s) => inMonth(s.requestedAt))
    .sort((x, y) => x.requestedAt - y.requestedAt || cmp(x.sampleNo, y.sampleNo))
    .map((s) => ({
      sampleNo: s.sampleNo,
      customerName: s.customerName,
      items: s.items.map((i) => `${i.name}${i.spec ? `(${i.spec})` : ''}×${i.qty}`).join('；'),
      statusLabel: SAMPLE_STATUS_LABELS[s.status],
      requestedAt: s.requestedAt,
      requestedBy: s.requestedBy.name,
      courierCompany: s.courier?.company ?? '',
      trackingNo: s.courier?.trackingNo ?? '',
      courierFen: s.courier?.costFen ?? 0,
      decision: s.decision ? `${s.decision.approved ? '通过' : '未通过'}${s.decision.note ? `：${s.decision.note}` : ''}` : '',
    }));
  const courier: CourierRow[] = input.samples
    .filter((s) => s.courier && inMonth(s.courier.sentAt))
    .sort((x, y) => x.courier!.sentAt - y.courier!.sentAt || cmp(x.sampleNo, y.sampleNo))
    .map((s) => ({
      sentAt: s.courier!.sentAt,
      sampleNo: s.sampleNo,
      customerName: s.customerName,
      company: s.courier!.company,
      trackingNo: s.courier!.trackingNo,
      costFen: s.courier!.costFen,
      sentBy: s.courier!.sentBy.name,
    }));

  return {
    month,
    period: { firstDate: b.firstDate, lastDate: b.lastDate },
    byProduct: base.byProduct,
    byBatch,
    keyCustomers,
    regions,
    quality,
    samples,
    courier,
    totals: {
      sampleCount: samples.length,
      courierCount: courier.length,
      courierFen: courier.reduce((n, r) => n + r.costFen, 0),
      qualityCount: quality.length,
      batchQty: byBatch.reduce((n, r) => n + r.qty, 0),
    },
    generatedAt: now,
  };
}
