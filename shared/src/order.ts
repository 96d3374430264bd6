import { z } from 'zod';
import { TIMELINE_EVENTS } from './labels';
import { Actor, Id, Timestamp } from './ids';
import { OrderUnit } from './catalog';
import { OrderStatus } from './orderStatus';
import { Fen } from './money';
import { ProgressNode } from './progress';
import { Shipment } from './shipments';

export const OrderLine = z.object({
  skuId: Id,
  skuCode: z.string(),
  name: z.string(),
  spec: z.string(),
  unit: OrderUnit,
  /** Count in the chosen unit. */
  count: z.number().int().min(1),
  /** Quantity in base units. */
  qty: z.number().int().min(1),
  baseUnit: z.string(),
  caseUnit: z.string(),
  caseSize: z.number().int().min(1),
  unitPriceFen: Fen,
  amountFen: Fen,
  priceSource: z.enum(['customer', 'level', 'list_discount']),
});
export type OrderLine = z.infer<typeof OrderLine>;

export const TimelineEntry = z.object({
  at: Timestamp,
  event: z.enum(TIMELINE_EVENTS),
  status: OrderStatus.optional(),
  by: Actor,
  note: z.string().max(200).default(''),
});
export type TimelineEntry = z.infer<typeof TimelineEntry>;

export const ShippingAddress = z.object({
  contact: z.string(),
  phone: z.string(),
  address: z.string(),
});

export const Order = z.object({
  _id: Id,
  orderNo: z.string(),
  requestId: z.string(),
  customerId: Id,
  customer: z.object({ name: z.string(), code: z.string(), levelId: Id }),
  merchandiserId: Id,
  merchandiser: z.object({ name: z.string() }),
  placedBy: Actor,
  status: OrderStatus,
  lines: z.array(OrderLine).min(1),
  totalFen: Fen,
  paidFen: Fen.default(0),
  address: ShippingAddress,
  requestedDate: z.string().nullable(),
  remark: z.string(),
  madeToOrder: z.boolean(),
  /** 交期, a business date set on review. */
  dueDate: z.string().nullable(),
  nodes: z.array(ProgressNode),
  timeline: z.array(TimelineEntry),
  reservation: z.object({
    state: z.enum(['held', 'released', 'consumed']),
    /** Unconfirmed orders' reservations are released by a timer after this instant. */
    expiresAt: Timestamp,
  }),
  /** Deliveries (分批发货), in shipping order; absent on orders written before deliveries existed. */
  shipments: z.array(Shipment).optional(),
  openExceptions: z.number().int().min(0).default(0),
  expediteCount: z.number().int().min(0).default(0),
  /** Last subscription-message outcome, shown to the merchandiser. */
  notification: z
    .object({ status: z.string(), jobId: z.string(), at: Timestamp, result: z.string().optional() })
    .nullable()
    .default(null),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  /** Last meaningful change (status, node, exception), for the "stuck" warning. */
  lastChangeAt: Timestamp,
  /** Business date (Shanghai) the order was placed, and its month, for reports. */
  createdDate: z.string(),
  createdMonth: z.string(),
});
export type Order = z.infer<typeof Order>;

/** A line as the client sends it: no prices (any sent are ignored by schema stripping). */
export const CartLineInput = z.object({
  skuId: Id,
  unit: OrderUnit,
  count: z.number().int().min(1).max(1_000_000),
});
export type CartLineInput = z.infer<typeof CartLineInput>;

export const MAX_ORDER_LINES = 200;
