/**
 * Scarce stock and samples on top of the Store. The rules are in shared/ (supply.ts: priority,
 * the allocation rule and its suggestion, back-orders; samples.ts: the sample transitions;
 * supplyReports.ts: the month's report); this file loads, checks role and scope, and writes.
 *
 * - A back-order (缺货登记) is filled by an ordinary order through submitOrder (prices from the
 *   server, credit checked, stock reserved all or nothing), with a request id derived from the
 *   back-order and how much of it was filled, so a retried fill finds the same order; the
 *   back-order is then moved by a conditional update on the filledQty it was filled from.
 * - Samples move by a conditional update on the status they move from.
 *
 * Scope: a customer sees its own back-orders and samples, a merchandiser its customers', an admin
 * all; anything else is NOT_FOUND.
 */
import { randomBytes } from 'node:crypto';
import {
  buildShortfall,
  buildSupplyReport,
  businessDate,
  cancelSample,
  checkAllocation,
  decideSample,
  DomainError,
  fillBackOrder,
  fillLine,
  fillRequestId,
  isSkuSoldTo,
  monthBounds,
  newSample,
  orderFromSample,
  priceCart,
  priorityOf,
  requireShort,
  requireValidCart,
  sampleOrderRequestId,
  sendSample,
  suggestAllocation,
  type Actor,
  type Allocation,
  type BackOrder,
  type BackOrderStatus,
  type CartLineInput,
  type Caller,
  type Customer,
  type FillOutcome,
  type OrderDetail,
  type OrderUnit,
  type Page,
  type Sample,
  type SampleChanges,
  type SampleStatus,
  type ShortfallRow,
  type SupplyReport,
} from '@dinghuo/shared';
import { findAll, type Filter, type Store } from '../data/store';
import { availableIn } from './counters';
import type { AppConfig } from '../config';
import { requireStaff } from '../identity';
import { actorOf, orderDetail, submitOrder } from './orders';
import { loadCustomer, loadPricingContext } from './pricingData';
import { FLOW_LOOKBACK_DAYS } from './reports';

const DAY = 86_400_000;

/** The documents the caller may see, by customerId/merchandiserId. */
export function supplyScope(caller: Caller): Filter {
  switch (caller.kind) {
    case 'customer':
      return { customerId: caller.customerId };
    case 'merchandiser':
      return { merchandiserId: caller.staffId };
    case 'admin':
      return {};
    default:
      throw new DomainError('NOT_BOUND');
  }
}

function inScope(caller: Caller, doc: { customerId: string; merchandiserId: string }): boolean {
  switch (caller.kind) {
    case 'customer':
      return doc.customerId === caller.customerId;
    case 'merchandiser':
      return doc.merchandiserId === caller.staffId;
    case 'admin':
      return true;
    default:
      return false;
  }
}

/** The customer a caller acts for: a customer itself; staff a customer in scope (NOT_FOUND otherwise). */
async function customerFor(store: Store, caller: Caller, customerId: string | undefined): Promise<Customer> {
  if (caller.kind === 'anonymous') throw new DomainError('NOT_BOUND');
  if (caller.kind === 'customer') return loadCustomer(store, caller.customerId);
  if (!customerId) throw new DomainError('VALIDATION_FAILED', '请选择客户');
  const customer = await store.get('customers', customerId);
  if (!customer || !inScope(caller, { customerId: customer._id, merchandiserId: customer.merchandiserId })) throw new DomainError('NOT_FOUND');
  return customer;
}

const newId = (prefix: string) => `${prefix}_${randomBytes(8).toString('hex')}`;

async function pageOf<C extends 'backOrders' | 'samples'>(store: Store, coll: C, filter: Filter, orderField: string, input: { page: number; pageSize: number }) {
  const skip = (input.page - 1) * input.pageSize;
  const [items, total] = await Promise.all([
    store.find(coll, filter, { orderBy: [[orderField, 'desc']], skip, limit: input.pageSize }),
    store.count(coll, filter),
  ]);
  return { items, page: input.page, pageSize: input.pageSize, total, hasMore: skip + items.length < total };
}

// --- back-orders ---------------------------------------------------------------------------------

/** 缺货登记 by a customer for a SKU it may order and that is short now. */
export async function createBackOrder(
  store: Store,
  caller: Caller,
  input: { skuId: string; unit: OrderUnit; count: number; addressId: string },
  now: number,
): Promise<BackOrder> {
  if (caller.kind !== 'customer') throw new DomainError(caller.kind === 'anonymous' ? 'NOT_BOUND' : 'FORBIDDEN');
  const customer = await loadCustomer(store, caller.customerId);
  if (!customer.addresses.some((a) => a.id === input.addressId)) throw new DomainError('ADDRESS_NOT_FOUND');
  const [skus, { ctx }, stock] = await Promise.all([
    store.getMany('skus', [input.skuId]),
    loadPricingContext(store, customer, [input.skuId]),
    store.get('stock', input.skuId),
  ]);
  const line: CartLineInput = { skuId: input.skuId, unit: input.unit, count: input.count };
  const { lines } = requireValidCart(priceCart([line], new Map(skus.map((s) => [s._id, s])), ctx, customer));
  const { sku, priced } = lines[0]!;
  requireShort(priced.qty, availableIn(stock));
  const backOrder: BackOrder = {
    _id: newId('bo'),
    customerId: customer._id,
    customerName: customer.name,
    merchandiserId: customer.merchandiserId,
    priority: priorityOf(customer),
    skuId: sku._id,
    skuCode: sku.code,
    name: sku.name,
    spec: sku.spec,
    baseUnit: sku.baseUnit,
    caseUnit: sku.caseUnit,
    caseSize: sku.caseSize,
    unit: input.unit,
    qty: priced.qty,
    filledQty: 0,
    addressId: input.addressId,
    status: 'waiting',
    orderIds: [],
    lastError: '',
    createdBy: actorOf(caller),
    createdAt: now,
    updatedAt: now,
  };
  await store.insert('backOrders', backOrder);
  return backOrder;
}

export async function listBackOrders(
  store: Store,
  caller: Caller,
  input: { status?: BackOrderStatus | undefined; skuId?: string | undefined; page: number; pageSize: number },
): Promise<Page<BackOrder>> {
  const filter: Filter = { ...supplyScope(caller) };
  if (input.status) filter.status = input.status;
  if (input.skuId) filter.skuId = input.skuId;
  return pageOf(store, 'backOrders', filter, 'createdAt', input);
}

async function loadBackOrder(store: Store, caller: Caller, id: string): Promise<BackOrder> {
  const b = await store.get('backOrders', id);
  if (!b || !inScope(caller, b)) throw new DomainError('NOT_FOUND');
  return b;
}

export async function cancelBackOrder(store: Store, caller: Caller, id: string, now: number): Promise<BackOrder> {
  supplyScope(caller);
  const b = await loadBackOrder(store, caller, id);
  const n = await store.updateWhere('backOrders', { _id: b._id, status: 'waiting' }, { status: 'cancelled', updatedAt: now });
  if (n === 0) throw new DomainError('BACKORDER_NOT_WAITING');
  return { ...b, status: 'cancelled', updatedAt: now };
}

async function waitingFor(store: Store, skuId: string | undefined): Promise<BackOrder[]> {
  const filter: Filter = { status: 'waiting' };
  if (skuId) filter.skuId = skuId;
  return findAll(store, 'backOrders', filter, [['createdAt', 'asc']]);
}

async function shortfallRows(store: Store, waiting: readonly BackOrder[]): Promise<ShortfallRow[]> {
  const skuIds = [...new Set(waiting.map((b) => b.skuId))];
  const customerIds = [...new Set(waiting.map((b) => b.customerId))];
  const [stocks, customers] = await Promise.all([store.getMany('stock', skuIds), store.getMany('customers', customerIds)]);
  const stockById = new Map(stocks.map((s) => [s._id, s]));
  const customerById = new Map(customers.map((c) => [c._id, c]));
  return skuIds.map((skuId) => {
    const s = stockById.get(skuId);
    return buildShortfall(
      { skuId, onHand: s?.onHand ?? 0, reserved: s?.reserved ?? 0 },
      waiting.filter((b) => b.skuId === skuId),
      customerById,
    );
  });
}

/** Staff: SKUs with waiting back-orders (a merchandiser: those where one of its customers waits), most short first. */
export async function shortfall(store: Store, caller: Caller, input: { skuId?: string | undefined }): Promise<ShortfallRow[]> {
  const staff = requireStaff(caller);
  const waiting = await waitingFor(store, input.skuId);
  const mine = staff.kind === 'admin' ? waiting : waiting.filter((b) => b.merchandiserId === staff.staffId);
  const skus = new Set(mine.map((b) => b.skuId));
  const rows = await shortfallRows(store, waiting.filter((b) => skus.has(b.skuId)));
  return rows.sort((x, y) => y.shortQty - x.shortQty || (x.skuCode < y.skuCode ? -1 : 1));
}

/** Fills `qty` of a back-order with an order through the normal submit path. */
async function fillOne(store: Store, b: BackOrder, qty: number, by: Actor, now: number, config: AppConfig): Promise<FillOutcome> {
  try {
    const order = await submitOrder(
      store,
      b.customerId,
      by,
      { requestId: fillRequestId(b), lines: [fillLine(b, qty)], addressId: b.addressId, requestedDate: null, remark: `缺货登记补货（${businessDate(b.createdAt)} 登记）` },
      now,
      config,
    );
    const changes = fillBackOrder(b, qty, order._id, now);
    await store.updateWhere('backOrders', { _id: b._id, status: 'waiting', filledQty: b.filledQty }, changes);
    return { backOrderId: b._id, qty, orderId: order._id, error: null };
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    await store.updateWhere('backOrders', { _id: b._id, status: 'waiting', filledQty: b.filledQty }, { lastError: e.message.slice(0, 200), updatedAt: now });
    return { backOrderId: b._id, qty, orderId: null, error: { code: e.code, message: e.message } };
  }
}

/**
 * Staff: fill one SKU's back-orders from its available stock, by the merchandiser's allocation
 * (checked: within stock and each back-order's remaining quantity, whole cases) or, when none is
 * given, by the suggestion (priority, then first come). A merchandiser fills only its own
 * customers' back-orders; from the suggestion it takes only their share.
 */
export async function allocate(
  store: Store,
  caller: Caller,
  input: { skuId: string; allocations?: { backOrderId: string; qty: number }[] | undefined },
  now: number,
  config: AppConfig,
): Promise<{ filled: FillOutcome[]; shortfall: ShortfallRow }> {
  const staff = requireStaff(caller);
  const waiting = await waitingFor(store, input.skuId);
  const [row] = await shortfallRows(store, waiting);
  if (!row) throw new DomainError('NOT_FOUND', '该商品没有待补货的缺货登记');
  const byId = new Map(waiting.map((b) => [b._id, b]));
  const mine = (id: string) => staff.kind === 'admin' || byId.get(id)?.merchandiserId === staff.staffId;
  const demands = row.demands.map((d) => ({ id: d.backOrderId, priority: d.priority, requestedAt: d.requestedAt, qty: d.qty, step: d.step }));
  let plan: Allocation[];
  if (input.allocations) {
    const wanted = input.allocations.map((a) => ({ id: a.backOrderId, qty: a.qty }));
    for (const a of wanted) if (byId.has(a.id) && !mine(a.id)) throw new DomainError('NOT_FOUND');
    plan = checkAllocation(row.available, demands, wanted);
  } else {
    plan = suggestAllocation(row.available, demands).filter((a) => a.qty > 0 && mine(a.id));
  }
  const actor = actorOf(caller);
  const filled: FillOutcome[] = [];
  // in order, one after another: each submit reserves what it takes before the next one looks
  for (const a of plan) filled.push(await fillOne(store, byId.get(a.id)!, a.qty, actor, now, config));
  const [after] = await shortfallRows(store, await waitingFor(store, input.skuId));
  const empty: ShortfallRow = { ...row, demands: [], demandQty: 0, shortQty: 0 };
  if (!after) {
    const s = await store.get('stock', input.skuId);
    return { filled, shortfall: { ...empty, onHand: s?.onHand ?? 0, reserved: s?.reserved ?? 0, available: availableIn(s) } };
  }
  return { filled, shortfall: after };
}

/**
 * Stock arrived (a stock import or adjustment): fill every SKU's waiting back-orders by the
 * suggestion, in priority order, as the system. Answers every fill tried.
 */
export async function fillWaitingBackOrders(store: Store, now: number, config: AppConfig, skuIds?: readonly string[]): Promise<FillOutcome[]> {
  const waiting = (await waitingFor(store, undefined)).filter((b) => !skuIds || skuIds.includes(b.skuId));
  const rows = await shortfallRows(store, waiting);
  const byId = new Map(waiting.map((b) => [b._id, b]));
  const actor: Actor = { role: 'system', name: '缺货补货' };
  const out: FillOutcome[] = [];
  for (const row of rows) {
    for (const d of row.demands) {
      if (d.suggestedQty > 0) out.push(await fillOne(store, byId.get(d.backOrderId)!, d.suggestedQty, actor, now, config));
    }
  }
  return out;
}

// --- samples -------------------------------------------------------------------------------------

function sampleNoFor(id: string, now: number): string {
  return `YP${businessDate(now).replace(/-/g, '').slice(2)}${id.slice(-6).toUpperCase()}`;
}

export async function requestSample(
  store: Store,
  caller: Caller,
  input: { customerId?: string | undefined; items: { skuId: string; qty: number }[]; note: string },
  now: number,
): Promise<Sample> {
  const customer = await customerFor(store, caller, input.customerId);
  const skus = new Map((await store.getMany('skus', input.items.map((i) => i.skuId))).map((s) => [s._id, s]));
  const items = input.items.map((i) => {
    const sku = skus.get(i.skuId);
    if (!sku) throw new DomainError('SKU_NOT_FOUND', undefined, { skuId: i.skuId });
    if (!sku.active) throw new DomainError('SKU_INACTIVE', `${sku.name} 已下架`, { skuId: i.skuId });
    if (!isSkuSoldTo(sku, customer)) throw new DomainError('SKU_NOT_SOLD', undefined, { skuId: i.skuId });
    return { skuId: sku._id, skuCode: sku.code, name: sku.name, spec: sku.spec, baseUnit: sku.baseUnit, qty: i.qty };
  });
  const id = newId('smp');
  const sample = newSample({ sampleId: id, sampleNo: sampleNoFor(id, now), customer, items, note: input.note }, actorOf(caller), now);
  await store.insert('samples', sample);
  return sample;
}

export async function listSamples(store: Store, caller: Caller, input: { status?: SampleStatus | undefined; page: number; pageSize: number }): Promise<Page<Sample>> {
  const filter: Filter = { ...supplyScope(caller) };
  if (input.status) filter.status = input.status;
  return pageOf(store, 'samples', filter, 'requestedAt', input);
}

export async function loadSample(store: Store, caller: Caller, id: string): Promise<Sample> {
  supplyScope(caller);
  const s = await store.get('samples', id);
  if (!s || !inScope(caller, s)) throw new DomainError('NOT_FOUND');
  return s;
}

/** Writes a move on condition that the sample is still in the status it moved from. */
async function saveMove(store: Store, sample: Sample, changes: SampleChanges): Promise<Sample> {
  const n = await store.updateWhere('samples', { _id: sample._id, status: sample.status }, changes);
  if (n === 0) throw new DomainError('CONFLICT');
  return { ...sample, ...changes };
}

export async function moveSample(
  store: Store,
  caller: Caller,
  sampleId: string,
  move: (sample: Sample, by: Actor) => SampleChanges,
): Promise<Sample> {
  const sample = await loadSample(store, caller, sampleId);
  return saveMove(store, sample, move(sample, actorOf(caller)));
}

export { sendSample, decideSample, cancelSample };

/** An approved sample becomes an order (lines of the sample's SKUs), through the normal submit path. */
export async function orderSample(
  store: Store,
  caller: Caller,
  input: { sampleId: string; lines: CartLineInput[]; addressId: string },
  now: number,
  config: AppConfig,
): Promise<{ sample: Sample; order: OrderDetail }> {
  const sample = await loadSample(store, caller, input.sampleId);
  const actor = actorOf(caller);
  orderFromSample(sample, actor, input.lines, 'pending', now); // checks status, role and lines before any write
  const order = await submitOrder(
    store,
    sample.customerId,
    actor,
    { requestId: sampleOrderRequestId(sample._id), lines: input.lines, addressId: input.addressId, requestedDate: null, remark: `样品单 ${sample.sampleNo} 批板下单` },
    now,
    config,
  );
  const saved = await saveMove(store, sample, orderFromSample(sample, actor, input.lines, order._id, now));
  return { sample: saved, order: await orderDetail(store, caller, order, { justCreated: true }) };
}

// --- the supply report ---------------------------------------------------------------------------

export async function loadSupplyReport(store: Store, caller: Caller, month: string, now: number): Promise<SupplyReport> {
  const scope = { ...supplyScope(requireStaff(caller)) };
  const b = monthBounds(month);
  const [placed, flowing, exceptions, afterSales, requested, sent] = await Promise.all([
    findAll(store, 'orders', { ...scope, createdMonth: month }),
    findAll(store, 'orders', {
      ...scope,
      createdAt: { $gte: b.start - FLOW_LOOKBACK_DAYS * DAY, $lt: b.start },
      status: { $in: ['in_production', 'ready_to_ship', 'shipped', 'delivered', 'completed'] },
    }),
    findAll(store, 'exceptions', { ...scope, openedAt: { $gte: b.start, $lt: b.end } }),
    findAll(store, 'afterSales', { ...scope, createdAt: { $gte: b.start, $lt: b.end } }),
    findAll(store, 'samples', { ...scope, requestedMonth: month }),
    findAll(store, 'samples', { ...scope, 'courier.sentMonth': month }),
  ]);
  const orders = [...placed, ...flowing];
  const customerIds = [...new Set([...orders.map((o) => o.customerId), ...exceptions.map((e) => e.customerId), ...afterSales.map((a) => a.customerId)])];
  const customers = new Map((await store.getMany('customers', customerIds)).map((c) => [c._id, c]));
  const samples = [...new Map([...requested, ...sent].map((s) => [s._id, s])).values()];
  return buildSupplyReport(month, { orders, exceptions, afterSales, samples, customers }, now);
}

