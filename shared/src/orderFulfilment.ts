/**
 * Fulfilment changes of the Order aggregate (same contract as orderAggregate.ts: pure functions of
 * the order, the actor, the input and the clock, returning {order, changes, effects}):
 *
 * - 分批发货 shipDelivery: one delivery of some lines, consuming exactly that stock; the delivery
 *   that ships the rest moves the order to shipped (through the transition table); every delivery
 *   writes the customer's message job.
 * - receiveDelivery: the customer (or staff) confirms receipt of one delivery; the last one of a
 *   shipped order moves it to delivered.
 * - 改单 changeOrderLines: quantities, lines and the due date changed before anything shipped,
 *   repriced by the server (the caller passes priceCart's lines), the reservation moved by the
 *   difference per SKU, the customer's credit rechecked on an increase, the change on the timeline
 *   with who and why, the customer notified. The customer may change its own order while it is
 *   still unconfirmed (submitted): its change request, which the merchandiser then reviews.
 */
import type { Sku } from './catalog';
import { DomainError } from './errors';
import type { Actor } from './ids';
import type { Order, OrderLine } from './order';
import {
  changeOf,
  consumeHeld,
  consumeUnheld,
  entry,
  messageJobFor,
  release,
  requireStaffActor,
  reserve,
  statusChange,
  toOrderLine,
  withNode,
  type OrderChange,
  type StockEffect,
} from './orderAggregate';
import { OPEN_STATUSES } from './orderStatus';
import type { PricedLine } from './pricing';
import { checkDeliveryLines, completesOrder, shipmentsOf, type DeliveryLineInput, type Shipment } from './shipments';
import { isBusinessDate, businessDate, type BusinessDate } from './time';
import { formatFen } from './fen';

// --- deliveries ----------------------------------------------------------------------------------

/** Orders a delivery may leave from: past 质检 (待发货). */
export const SHIPPABLE_STATUSES: readonly Order['status'][] = ['ready_to_ship'];

export interface DeliveryInput {
  lines: readonly DeliveryLineInput[];
  carrier: string;
  trackingNo: string;
  note: string;
}

function deliveryNote(no: number, input: DeliveryInput, last: boolean): string {
  const head = `第${no}批发货${last && no > 1 ? '（已全部发出）' : ''}：${input.carrier} ${input.trackingNo}`;
  return input.note ? `${head}；${input.note}` : head;
}

/**
 * 发货 (staff, 待发货 orders): a delivery of `input.lines` (base units per SKU, at most what is
 * still to ship). It consumes exactly its quantities (a held reservation and the goods on hand
 * both drop). When it ships everything left the order moves to shipped with it (the 出货 node
 * done); otherwise the order stays 待发货 with the delivery recorded. Either way the customer's
 * message job announces the delivery with its carrier and tracking number.
 */
export function shipDelivery(order: Order, actor: Actor, input: DeliveryInput, now: number): OrderChange {
  requireStaffActor(actor);
  if (!SHIPPABLE_STATUSES.includes(order.status)) throw new DomainError('ILLEGAL_TRANSITION');
  const quantities = checkDeliveryLines(order, input.lines);
  const shipments = shipmentsOf(order);
  const no = shipments.length + 1;
  const byId = new Map(order.lines.map((l) => [l.skuId, l]));
  const shipment: Shipment = {
    no,
    at: now,
    by: actor,
    carrier: input.carrier,
    trackingNo: input.trackingNo,
    note: input.note,
    lines: [...quantities].map(([skuId, qty]) => {
      const line = byId.get(skuId)!;
      return { skuId, name: line.name, spec: line.spec, qty, baseUnit: line.baseUnit };
    }),
    receivedAt: null,
    receivedBy: null,
  };
  const last = completesOrder(order, quantities);
  const note = deliveryNote(no, input, last);
  if (last) {
    // the transition consumes exactly what is still to ship: this delivery
    return statusChange(order, actor, 'shipped', now, {
      note,
      edit: (o) => ({
        ...o,
        shipments: [...shipments, shipment],
        nodes: withNode(o, 'shipment', (n) => (n.actualAt === null ? { ...n, actualAt: now, by: actor, note: note.slice(0, 200) } : n)),
      }),
    });
  }
  const held = order.reservation.state === 'held';
  const stock: StockEffect[] = [...quantities].map(([skuId, qty]) => ({ skuId, ...(held ? consumeHeld(qty) : consumeUnheld(qty)) }));
  let next: Order = {
    ...order,
    shipments: [...shipments, shipment],
    updatedAt: now,
    lastChangeAt: now,
    timeline: [...order.timeline, entry(now, 'shipment', actor, note)],
  };
  const job = messageJobFor(next, 'shipped', `部分发货，${note}`, now);
  const messageJob = { ...job, _id: `${job._id}_d${no}` };
  next = { ...next, notification: { status: 'pending', jobId: messageJob._id, at: now } };
  return changeOf(order, next, { stock, messageJob });
}

/**
 * 确认收货 of one delivery (the customer, or staff for it). When it is the last delivery not yet
 * received and the order has shipped entirely, the order moves to delivered (the 签收 node done).
 */
export function receiveDelivery(order: Order, actor: Actor, no: number, now: number): OrderChange {
  if (actor.role === 'system') throw new DomainError('FORBIDDEN');
  const shipments = shipmentsOf(order);
  const shipment = shipments.find((s) => s.no === no);
  if (!shipment) throw new DomainError('SHIPMENT_NOT_FOUND');
  if (shipment.receivedAt !== null) throw new DomainError('SHIPMENT_ALREADY_RECEIVED');
  const marked = shipments.map((s) => (s.no === no ? { ...s, receivedAt: now, receivedBy: actor } : s));
  const note = `${actor.role === 'customer' ? '客户' : ''}确认收货（第${no}批）`;
  if (order.status === 'shipped' && marked.every((s) => s.receivedAt !== null)) {
    return statusChange(order, actor, 'delivered', now, {
      note,
      edit: (o) => ({
        ...o,
        shipments: marked,
        nodes: withNode(o, 'delivery', (n) => (n.actualAt === null ? { ...n, actualAt: now, by: actor } : n)),
      }),
    });
  }
  const next: Order = {
    ...order,
    shipments: marked,
    updatedAt: now,
    timeline: [...order.timeline, entry(now, 'shipment', actor, note)],
  };
  return changeOf(order, next);
}

// --- 改单 ---------------------------------------------------------------------------------------

export interface OrderChangeInput {
  /** The new lines, priced by the server (requireValidCart(priceCart(...)).lines), in their order. */
  lines: readonly { sku: Sku; priced: PricedLine }[];
  totalFen: number;
  /** The new 交期 (staff only); undefined: unchanged. */
  dueDate?: BusinessDate | undefined;
  /** The customer's wished date (the customer's own change); undefined: unchanged. */
  requestedDate?: BusinessDate | null | undefined;
  /** Why (shown on the timeline and in the customer's message). */
  reason: string;
  /** The customer's credit at the time of the change, read in the same transaction. */
  credit: { creditLimitFen: number | null; outstandingFen: number };
}

const lineKey = (l: Pick<OrderLine, 'skuId' | 'unit'>) => `${l.skuId}|${l.unit}`;
const unitName = (l: Pick<OrderLine, 'unit' | 'baseUnit' | 'caseUnit'>) => (l.unit === 'case' ? l.caseUnit : l.baseUnit);

/** What changed between two sets of lines, in words: "A 10→20箱；新增 B 5件；删除 C". */
export function describeLineChanges(before: readonly OrderLine[], after: readonly OrderLine[]): string[] {
  const old = new Map(before.map((l) => [lineKey(l), l]));
  const out: string[] = [];
  for (const l of after) {
    const o = old.get(lineKey(l));
    if (!o) out.push(`新增 ${l.name} ${l.count}${unitName(l)}`);
    else if (o.count !== l.count) out.push(`${l.name} ${o.count}→${l.count}${unitName(l)}`);
    else if (o.unitPriceFen !== l.unitPriceFen) out.push(`${l.name} 单价 ${formatFen(o.unitPriceFen)}→${formatFen(l.unitPriceFen)}`);
  }
  const kept = new Set(after.map(lineKey));
  for (const l of before) if (!kept.has(lineKey(l))) out.push(`删除 ${l.name}`);
  return out;
}

/** Base units per SKU of `after` minus `before` (only SKUs that changed). */
export function quantityDeltas(before: readonly OrderLine[], after: readonly OrderLine[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const l of after) out.set(l.skuId, (out.get(l.skuId) ?? 0) + l.qty);
  for (const l of before) out.set(l.skuId, (out.get(l.skuId) ?? 0) - l.qty);
  for (const [k, v] of out) if (v === 0) out.delete(k);
  return out;
}

/**
 * 改单: the merchandiser (before any delivery, while the order is open) or the customer (its own
 * order, while still unconfirmed) replaces the order's lines with the server-priced `input.lines`,
 * and staff may move the 交期. A held reservation moves by the difference per SKU (all SKUs or
 * none: the stock check comes before any write); the customer's outstanding amount moves by the
 * difference of the totals, and an increase must fit the credit limit. The timeline says who
 * changed what and why; a change by staff writes the customer's message job.
 */
export function changeOrderLines(order: Order, actor: Actor, input: OrderChangeInput, now: number): OrderChange {
  if (actor.role === 'system') throw new DomainError('FORBIDDEN');
  const isCustomer = actor.role === 'customer';
  if (isCustomer ? order.status !== 'submitted' : !OPEN_STATUSES.includes(order.status)) throw new DomainError('ORDER_CHANGE_NOT_ALLOWED');
  if (shipmentsOf(order).length > 0) throw new DomainError('ORDER_CHANGE_NOT_ALLOWED');
  if (isCustomer && input.dueDate !== undefined) throw new DomainError('FORBIDDEN');
  if (input.lines.length === 0) throw new DomainError('EMPTY_ORDER');
  const today = businessDate(now);
  if (input.dueDate !== undefined && (!isBusinessDate(input.dueDate) || input.dueDate < today)) throw new DomainError('DUE_DATE_INVALID');

  const lines = input.lines.map(({ sku, priced }) => toOrderLine(sku, priced));
  const words = describeLineChanges(order.lines, lines);
  if (input.dueDate !== undefined && input.dueDate !== order.dueDate) words.push(`交期 ${order.dueDate ?? '未定'}→${input.dueDate}`);
  if (input.requestedDate !== undefined && input.requestedDate !== order.requestedDate) {
    words.push(`期望到货 ${order.requestedDate ?? '未填'}→${input.requestedDate ?? '未填'}`);
  }
  if (words.length === 0 && input.totalFen === order.totalFen) throw new DomainError('ORDER_UNCHANGED');

  const totalDelta = input.totalFen - order.totalFen;
  const { creditLimitFen, outstandingFen } = input.credit;
  if (totalDelta > 0 && creditLimitFen !== null && outstandingFen + totalDelta > creditLimitFen) {
    throw new DomainError('CREDIT_LIMIT_EXCEEDED', undefined, { creditLimitFen, outstandingFen, orderTotalFen: input.totalFen, increaseFen: totalDelta });
  }

  const stock: StockEffect[] =
    order.reservation.state === 'held'
      ? [...quantityDeltas(order.lines, lines)].map(([skuId, d]) => ({ skuId, ...(d > 0 ? reserve(d) : release(-d)) }))
      : [];
  const amount = totalDelta !== 0 ? `；金额 ${formatFen(order.totalFen)}→${formatFen(input.totalFen)}` : '';
  const summary = `${words.join('；') || '重新计价'}${amount}`;
  const note = `${isCustomer ? '客户申请改单' : '改单'}：${summary}；原因：${input.reason}`;
  let next: Order = {
    ...order,
    lines,
    totalFen: input.totalFen,
    madeToOrder: input.lines.some((l) => l.sku.madeToOrder),
    ...(input.dueDate !== undefined ? { dueDate: input.dueDate } : {}),
    ...(input.requestedDate !== undefined ? { requestedDate: input.requestedDate } : {}),
    updatedAt: now,
    lastChangeAt: now,
    timeline: [...order.timeline, entry(now, 'change', actor, note)],
  };
  let messageJob = null;
  if (!isCustomer) {
    const job = messageJobFor(next, next.status, `订单已修改：${summary}`, now);
    messageJob = { ...job, _id: `${job._id}_chg` };
    next = { ...next, notification: { status: 'pending', jobId: messageJob._id, at: now } };
  }
  return changeOf(order, next, {
    stock,
    account: totalDelta !== 0 ? { customerId: order.customerId, outstandingDelta: totalDelta } : null,
    messageJob,
  });
}
