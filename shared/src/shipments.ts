/**
 * Deliveries (分批发货): an order ships in one or more deliveries, each with its lines (base units
 * per SKU), logistics company and tracking number (物流单号), and its own receipt by the customer.
 * This file holds the schema and the quantity rules (what is still to ship, what a delivery may
 * carry); the transitions that write deliveries are in orderFulfilment.ts.
 */
import { z } from 'zod';
import { quantitiesBySku } from './cart';
import { DomainError } from './errors';
import { Actor, Id, Timestamp } from './ids';

export const ShipmentLine = z.object({
  skuId: Id,
  name: z.string(),
  spec: z.string(),
  /** Quantity in base units. */
  qty: z.number().int().min(1),
  baseUnit: z.string(),
});
export type ShipmentLine = z.infer<typeof ShipmentLine>;

export const Shipment = z.object({
  /** 1, 2, 3... in shipping order: 第 n 批. */
  no: z.number().int().min(1),
  at: Timestamp,
  by: Actor,
  /** 物流公司. */
  carrier: z.string(),
  /** 物流单号. */
  trackingNo: z.string(),
  note: z.string(),
  lines: z.array(ShipmentLine).min(1),
  receivedAt: Timestamp.nullable(),
  receivedBy: Actor.nullable(),
});
export type Shipment = z.infer<typeof Shipment>;

/** A delivery line as the merchandiser sends it: base units of one SKU of the order. */
export const DeliveryLineInput = z.object({ skuId: Id, qty: z.number().int().min(1).max(10_000_000) });
export type DeliveryLineInput = z.infer<typeof DeliveryLineInput>;

interface LinesAndShipments {
  lines: readonly { skuId: string; qty: number }[];
  /** Absent on orders written before deliveries existed. */
  shipments?: readonly Shipment[] | undefined;
}

export function shipmentsOf(order: { shipments?: readonly Shipment[] | undefined }): Shipment[] {
  return [...(order.shipments ?? [])];
}

/** Base units shipped so far per SKU, over all deliveries. */
export function shippedBySku(order: LinesAndShipments): Map<string, number> {
  return quantitiesBySku(shipmentsOf(order).flatMap((s) => s.lines));
}

/** Base units still to ship per SKU (only SKUs with something left). */
export function unshippedBySku(order: LinesAndShipments): Map<string, number> {
  const shipped = shippedBySku(order);
  const out = new Map<string, number>();
  for (const [skuId, qty] of quantitiesBySku(order.lines)) {
    const left = qty - (shipped.get(skuId) ?? 0);
    if (left > 0) out.set(skuId, left);
  }
  return out;
}

/** The order's lines reduced to what is still to ship (one line per SKU). */
export function unshippedLines(order: LinesAndShipments): { skuId: string; qty: number }[] {
  return [...unshippedBySku(order)].map(([skuId, qty]) => ({ skuId, qty }));
}

/**
 * The delivery's quantities per SKU, checked against the order: at least one line, each SKU on
 * the order once, never more than is still to ship.
 */
export function checkDeliveryLines(order: LinesAndShipments, lines: readonly DeliveryLineInput[]): Map<string, number> {
  if (lines.length === 0) throw new DomainError('SHIPMENT_LINE_INVALID');
  const ordered = quantitiesBySku(order.lines);
  const left = unshippedBySku(order);
  const out = new Map<string, number>();
  for (const l of lines) {
    if (!ordered.has(l.skuId) || out.has(l.skuId)) throw new DomainError('SHIPMENT_LINE_INVALID', undefined, { skuId: l.skuId });
    const remaining = left.get(l.skuId) ?? 0;
    if (l.qty > remaining) throw new DomainError('SHIPMENT_EXCEEDS_ORDER', `发货数量超过未发数量（剩余 ${remaining}）`, { skuId: l.skuId, wanted: l.qty, remaining });
    out.set(l.skuId, l.qty);
  }
  return out;
}

/** Does this delivery ship everything still to ship? */
export function completesOrder(order: LinesAndShipments, delivery: ReadonlyMap<string, number>): boolean {
  const left = unshippedBySku(order);
  return [...left].every(([skuId, qty]) => delivery.get(skuId) === qty);
}

export interface ShipmentProgress {
  orderedQty: number;
  shippedQty: number;
  deliveries: number;
  received: number;
}

/** 已发 x / y and 已收 n / m, for lists and the detail's header. */
export function shipmentProgress(order: LinesAndShipments): ShipmentProgress {
  const shipments = shipmentsOf(order);
  return {
    orderedQty: order.lines.reduce((s, l) => s + l.qty, 0),
    shippedQty: shipments.reduce((s, sh) => s + sh.lines.reduce((t, l) => t + l.qty, 0), 0),
    deliveries: shipments.length,
    received: shipments.filter((s) => s.receivedAt !== null).length,
  };
}
