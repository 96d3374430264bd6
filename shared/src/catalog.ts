import { z } from 'zod';
import { Id } from './ids';
import { DiscountBp, Fen } from './money';

export const Category = z.object({
  _id: Id,
  name: z.string().min(1).max(40),
  sort: z.number().int().default(0),
});
export type Category = z.infer<typeof Category>;

export const Product = z.object({
  _id: Id,
  code: z.string().min(1).max(40),
  name: z.string().min(1).max(80),
  categoryId: Id,
  description: z.string().max(500).default(''),
  active: z.boolean().default(true),
});
export type Product = z.infer<typeof Product>;

/** The unit a customer orders in: the base unit (件) or the case (箱 = N base units). */
export const OrderUnit = z.enum(['piece', 'case']);
export type OrderUnit = z.infer<typeof OrderUnit>;

/** Restricts who a SKU is sold to; absent means every customer. */
export const SaleScope = z.object({
  levelIds: z.array(Id).optional(),
  customerIds: z.array(Id).optional(),
});
export type SaleScope = z.infer<typeof SaleScope>;

export const Sku = z.object({
  _id: Id,
  code: z.string().min(1).max(40),
  productId: Id,
  categoryId: Id,
  /** Product name + spec, as shown on a line. */
  name: z.string().min(1).max(80),
  spec: z.string().max(80).default(''),
  /** Name of the base unit, e.g. 件, 瓶, 包. Quantities are stored in base units. */
  baseUnit: z.string().min(1).max(4).default('件'),
  /** Name of the pack, e.g. 箱, and how many base units it holds; absent when not sold by case. */
  caseUnit: z.string().min(1).max(4).default('箱'),
  caseSize: z.number().int().min(1).max(100000).default(1),
  /** Only whole cases may be ordered. */
  caseOnly: z.boolean().default(false),
  listPriceFen: Fen,
  /** Default minimum order quantity (起订量) in base units; a price entry may override it. */
  moq: z.number().int().min(1).default(1),
  active: z.boolean().default(true),
  madeToOrder: z.boolean().default(false),
  /** Days from confirmation to shipment, used for default node dates. */
  leadTimeDays: z.number().int().min(0).max(365).default(3),
  saleScope: SaleScope.optional(),
  /**
   * Who sees the SKU in the catalog, derived from saleScope by skuVisibleTo (pricing.ts) so the
   * catalog page can be cut by the query: ['*'] for everyone, else 'lv:<levelId>' / 'cu:<customerId>'
   * keys. Every SKU writer (seed, import, bench fixture) writes it; a SKU without it is not listed
   * (the catalog fails closed, never showing a restricted SKU to everyone).
   */
  visibleTo: z.array(z.string().min(1).max(70)).optional(),
  imageUrl: z.string().max(300).optional(),
  /** The stored image (backoffice uploadImage) whose display URL is imageUrl. */
  imageFileId: z.string().max(300).optional(),
  /** 低库存预警: available at or below this is low; absent or 0 = no alert. */
  lowStockThreshold: z.number().int().min(0).optional(),
});
export type Sku = z.infer<typeof Sku>;

export const CustomerLevel = z.object({
  _id: Id,
  name: z.string().min(1).max(20),
  /** Discount on the list price for SKUs without a price-list entry. */
  discountBp: DiscountBp,
});
export type CustomerLevel = z.infer<typeof CustomerLevel>;

/** A quantity break (阶梯价): from minQty base units on, the unit price is priceFen. */
export const PriceBreak = z.object({
  minQty: z.number().int().min(1),
  priceFen: Fen,
});
export type PriceBreak = z.infer<typeof PriceBreak>;

export const PriceList = z.object({
  _id: Id,
  name: z.string().min(1).max(40),
  scope: z.enum(['level', 'customer']),
  levelId: Id.optional(),
  customerId: Id.optional(),
});
export type PriceList = z.infer<typeof PriceList>;

/** One SKU's price on one price list. */
export const PriceEntry = z.object({
  _id: Id,
  priceListId: Id,
  skuId: Id,
  priceFen: Fen,
  breaks: z.array(PriceBreak).default([]),
  moq: z.number().int().min(1).optional(),
});
export type PriceEntry = z.infer<typeof PriceEntry>;

/**
 * Stock per SKU, apart from the SKU (master data): counters changed only by increments.
 * `available` is kept equal to onHand - reserved by every change (each changes them together),
 * so a reservation is one conditional update on this one document (`available >= qty`); a
 * document database has no condition comparing two fields. `holds` names the orders holding
 * stock here and how much (holds[orderId] = qty): set by the reservation itself, so reserving
 * and releasing are idempotent per order, and a reservation whose answer was lost can be found.
 */
export const Stock = z.object({
  _id: Id,
  onHand: z.number().int().min(0),
  reserved: z.number().int().min(0),
  available: z.number().int(),
  holds: z.record(z.string(), z.number().int().min(1)).optional(),
});
export type Stock = z.infer<typeof Stock>;

export function availableOf(stock: Pick<Stock, 'onHand' | 'reserved'> | undefined): number {
  if (!stock) return 0;
  return Math.max(0, stock.onHand - stock.reserved);
}

/** A new stock document for a SKU with this much on hand and nothing reserved. */
export function newStock(skuId: string, onHand: number): Stock {
  return { _id: skuId, onHand, reserved: 0, available: onHand };
}
