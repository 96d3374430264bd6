/**
 * Scarce stock (产品短缺时先分配给主要客户): customer priority, the allocation rule and its
 * suggestion, and back-orders (缺货登记). Pure: the supply service loads, calls these, and turns
 * each allocation into an order through the normal submit path (reserve all or nothing).
 *
 * Priority: an integer 0–9 on the customer (imported as 优先级), larger first; a customer without
 * one is 0. Customers at KEY_CUSTOMER_PRIORITY or above are key customers (重点客户).
 */
import { z } from 'zod';
import { Actor, Id, Timestamp } from './ids';
import { OrderUnit } from './catalog';
import { DomainError } from './errors';

export const MAX_PRIORITY = 9;
export const KEY_CUSTOMER_PRIORITY = 5;
export const NO_REGION = '未分区';

export function priorityOf(c: { priority?: number | undefined }): number {
  return c.priority ?? 0;
}
export function regionOf(c: { region?: string | undefined }): string {
  return c.region?.trim() || NO_REGION;
}
export function isKeyCustomer(c: { priority?: number | undefined }): boolean {
  return priorityOf(c) >= KEY_CUSTOMER_PRIORITY;
}

// --- the allocation rule ------------------------------------------------------------------------

/** One customer's unmet demand for a SKU. `step`: allocations come in multiples of it (a case). */
export interface Demand {
  id: string;
  priority: number;
  requestedAt: number;
  /** Still wanted, base units. */
  qty: number;
  step: number;
}

export interface Allocation {
  id: string;
  qty: number;
}

/** The order in which demands are served: priority (high first), then first come, then id. */
export function rankDemands<D extends Demand>(demands: readonly D[]): D[] {
  return [...demands].sort(
    (a, b) => b.priority - a.priority || a.requestedAt - b.requestedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * The suggested allocation of `available` units: demands in rank order each get as much as they
 * want, in whole steps, of what is left. Never more than is available nor than a demand wants;
 * a demand is left short only when what is left after it is less than one of its steps.
 * Answers one entry per demand, in rank order (qty 0 for a demand that gets nothing).
 */
export function suggestAllocation(available: number, demands: readonly Demand[]): Allocation[] {
  let left = Math.max(0, Math.floor(available));
  return rankDemands(demands).map((d) => {
    const step = Math.max(1, d.step);
    const want = Math.max(0, d.qty);
    const qty = Math.floor(Math.min(want, left) / step) * step;
    left -= qty;
    return { id: d.id, qty };
  });
}

/**
 * Checks an allocation the merchandiser made (which may depart from the suggestion's order):
 * known demands, each once, whole steps, no more than a demand wants, no more than is available
 * in total. Throws ALLOCATION_INVALID with the reason; answers the entries with qty > 0.
 */
export function checkAllocation(available: number, demands: readonly Demand[], allocation: readonly Allocation[]): Allocation[] {
  const byId = new Map(demands.map((d) => [d.id, d]));
  const seen = new Set<string>();
  let total = 0;
  for (const a of allocation) {
    const d = byId.get(a.id);
    if (!d) throw new DomainError('ALLOCATION_INVALID', '分配对象不是该商品待补货的缺货登记', { id: a.id });
    if (seen.has(a.id)) throw new DomainError('ALLOCATION_INVALID', '同一缺货登记只能分配一次', { id: a.id });
    seen.add(a.id);
    if (!Number.isInteger(a.qty) || a.qty < 0) throw new DomainError('ALLOCATION_INVALID', '分配数量须为非负整数', { id: a.id });
    if (a.qty > d.qty) throw new DomainError('ALLOCATION_INVALID', `分配数量 ${a.qty} 超过登记待补的 ${d.qty}`, { id: a.id });
    if (a.qty % Math.max(1, d.step) !== 0) throw new DomainError('ALLOCATION_INVALID', `该登记须按 ${d.step} 的整数倍分配`, { id: a.id });
    total += a.qty;
  }
  if (total > Math.max(0, available)) {
    throw new DomainError('ALLOCATION_INVALID', `分配合计 ${total} 超过可用库存 ${Math.max(0, available)}`, { total, available });
  }
  return allocation.filter((a) => a.qty > 0);
}

// --- back-orders (缺货登记) -----------------------------------------------------------------------

export const BACK_ORDER_STATUSES = ['waiting', 'filled', 'cancelled'] as const;
export const BackOrderStatus = z.enum(BACK_ORDER_STATUSES);
export type BackOrderStatus = z.infer<typeof BackOrderStatus>;
export { BACK_ORDER_STATUS_LABELS } from './supplyLabels';

export const BackOrder = z.object({
  _id: Id,
  customerId: Id,
  customerName: z.string(),
  merchandiserId: Id,
  /** The customer's priority when registered (the allocation reads the customer's current one). */
  priority: z.number().int().min(0).max(MAX_PRIORITY),
  skuId: Id,
  skuCode: z.string(),
  name: z.string(),
  spec: z.string(),
  baseUnit: z.string(),
  caseUnit: z.string(),
  caseSize: z.number().int().min(1),
  /** The unit the customer ordered in; fills are in whole units of it. */
  unit: OrderUnit,
  /** Wanted in total and filled so far, base units. */
  qty: z.number().int().min(1),
  filledQty: z.number().int().min(0),
  addressId: Id,
  status: BackOrderStatus,
  /** Orders made from it, one per fill. */
  orderIds: z.array(Id),
  /** Why the last fill did not go through (e.g. the credit limit), shown to staff. */
  lastError: z.string().max(200),
  createdBy: Actor,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type BackOrder = z.infer<typeof BackOrder>;

export function backOrderStep(b: Pick<BackOrder, 'unit' | 'caseSize'>): number {
  return b.unit === 'case' ? b.caseSize : 1;
}
export function backOrderRemaining(b: Pick<BackOrder, 'qty' | 'filledQty'>): number {
  return Math.max(0, b.qty - b.filledQty);
}

/** The back-order as a demand, with the customer's current priority. */
export function demandOf(b: BackOrder, currentPriority?: number): Demand {
  return { id: b._id, priority: currentPriority ?? b.priority, requestedAt: b.createdAt, qty: backOrderRemaining(b), step: backOrderStep(b) };
}

/** The cart line that fills `qty` of the back-order (qty is a whole number of its steps). */
export function fillLine(b: Pick<BackOrder, 'skuId' | 'unit' | 'caseSize'>, qty: number): { skuId: string; unit: OrderUnit; count: number } {
  return { skuId: b.skuId, unit: b.unit, count: b.unit === 'case' ? qty / b.caseSize : qty };
}

/** The request id of the order that fills a back-order from `filledQty` on: a retried fill finds the same order. */
export function fillRequestId(b: Pick<BackOrder, '_id' | 'filledQty'>): string {
  return `bo-${b._id}-${b.filledQty}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
}

/** The fields a fill of `qty` (ordered as `orderId`) changes; throws when it cannot be applied. */
export function fillBackOrder(b: BackOrder, qty: number, orderId: string, now: number): Pick<BackOrder, 'filledQty' | 'status' | 'orderIds' | 'lastError' | 'updatedAt'> {
  if (b.status !== 'waiting') throw new DomainError('BACKORDER_NOT_WAITING');
  if (!Number.isInteger(qty) || qty <= 0 || qty > backOrderRemaining(b) || qty % backOrderStep(b) !== 0) {
    throw new DomainError('ALLOCATION_INVALID', undefined, { backOrderId: b._id, qty });
  }
  const filledQty = b.filledQty + qty;
  return { filledQty, status: filledQty >= b.qty ? 'filled' : 'waiting', orderIds: [...b.orderIds, orderId], lastError: '', updatedAt: now };
}

/**
 * The customer opts into a back-order only when the SKU is short: `available` less than he wants.
 */
export function requireShort(wantedQty: number, available: number): void {
  if (available >= wantedQty) throw new DomainError('BACKORDER_NOT_SHORT', `该商品可订 ${available}，库存充足，请直接下单`, { available });
}

/** One SKU's shortfall: what waiting back-orders want against what is available, and the suggestion. */
export interface ShortfallDemand {
  backOrderId: string;
  customerId: string;
  customerName: string;
  priority: number;
  keyCustomer: boolean;
  region: string;
  unit: OrderUnit;
  step: number;
  qty: number;
  requestedAt: number;
  suggestedQty: number;
  lastError: string;
}

export interface ShortfallRow {
  skuId: string;
  skuCode: string;
  name: string;
  spec: string;
  baseUnit: string;
  onHand: number;
  reserved: number;
  available: number;
  demandQty: number;
  /** Demand not covered by what is available now. */
  shortQty: number;
  /** Demands in rank order (see rankDemands), with the suggested allocation. */
  demands: ShortfallDemand[];
}

export function buildShortfall(
  stock: { skuId: string; onHand: number; reserved: number },
  backOrders: readonly BackOrder[],
  customers: ReadonlyMap<string, { priority?: number | undefined; region?: string | undefined }>,
): ShortfallRow {
  const first = backOrders[0];
  const available = Math.max(0, stock.onHand - stock.reserved);
  const waiting = backOrders.filter((b) => b.status === 'waiting' && backOrderRemaining(b) > 0);
  const prio = (b: BackOrder) => {
    const c = customers.get(b.customerId);
    return c ? priorityOf(c) : b.priority;
  };
  const demands = waiting.map((b) => demandOf(b, prio(b)));
  const suggestion = new Map(suggestAllocation(available, demands).map((a) => [a.id, a.qty]));
  const byId = new Map(waiting.map((b) => [b._id, b]));
  const demandQty = demands.reduce((n, d) => n + d.qty, 0);
  return {
    skuId: stock.skuId,
    skuCode: first?.skuCode ?? '',
    name: first?.name ?? '',
    spec: first?.spec ?? '',
    baseUnit: first?.baseUnit ?? '',
    onHand: stock.onHand,
    reserved: stock.reserved,
    available,
    demandQty,
    shortQty: Math.max(0, demandQty - available),
    demands: rankDemands(demands).map((d) => {
      const b = byId.get(d.id)!;
      const c = customers.get(b.customerId);
      return {
        backOrderId: b._id,
        customerId: b.customerId,
        customerName: b.customerName,
        priority: d.priority,
        keyCustomer: d.priority >= KEY_CUSTOMER_PRIORITY,
        region: c ? regionOf(c) : NO_REGION,
        unit: b.unit,
        step: d.step,
        qty: d.qty,
        requestedAt: b.createdAt,
        suggestedQty: suggestion.get(d.id) ?? 0,
        lastError: b.lastError,
      };
    }),
  };
}
