/**
 * The `backoffice` function's contract: the supplier's web back office (管理后台) for admins and
 * merchandisers. Registered in api.ts as ApiInputs.backoffice / ApiOutputs.backoffice, so the
 * back office calls it through the same typed `{ action, input }` client as the mini-program.
 *
 * Roles (checked by the function, from the trusted identity only):
 * - admin (管理员): everything.
 * - merchandiser (跟单员): read-only on products, categories, levels, staff, price lists, stock and
 *   price previews; customers, invitation codes, orders, delivery notes and the dashboard cut to
 *   the customers whose merchandiserId is his (others answer NOT_FOUND). Writes to products,
 *   prices, customers, stock, imports and the monthly report are admin-only (FORBIDDEN).
 * - customer / unbound: FORBIDDEN / NOT_BOUND on every action.
 *
 * Orders: the board, bulk 审核 and the delivery note are here. An order's detail and its actions
 * (审单 confirm/reject, 跟单节点, 异常, 催单) are the `followup` function's actions
 * (ApiInputs.followup.detail / review / advanceNode / logException / resolveException /
 * expedite), called as they are: the same code as the 跟单 tab, nothing written twice.
 *
 * Money is integer fen; dates are Shanghai business dates 'YYYY-MM-DD'; months 'YYYY-MM'.
 * (Only types are imported from api.ts: api.ts imports this file's values.)
 */
import { z } from 'zod';
import { Id, PageInput, type Page } from './ids';
import { OrderUnit, PriceBreak, SaleScope, type Category, type CustomerLevel, type PriceList, type Product, type Sku } from './catalog';
import { Address, type Staff } from './customer';
import { Fen, DiscountBp } from './money';
import { OPEN_STATUSES, OrderStatus } from './orderStatus';
import { addDays, isBusinessDate } from './time';
import { DUE_SOON_DAYS } from './warnings';
import { ImportKind } from './importRows';
import type { ImportReport } from './importPlan';
import { MonthInput, type CustomerMonthRow, type ProductMonthRow } from './statement';
import type { PriceSource } from './pricing';
import type { CatalogItem, OrderSummary } from './api';
import type { CustomerBrief } from './followupApi';
import type { XlsxFile } from './reportApi';
import type { ErrorCode } from './errors';

const DateInput = z.string().refine(isBusinessDate, '日期格式应为 YYYY-MM-DD');
const Text = (max: number) => z.string().trim().max(max);
const RequiredText = (max: number) => z.string().trim().min(1, '请填写').max(max);
const Code = z.string().trim().min(1, '请填写编码').max(40).regex(/^[A-Za-z0-9_\-.]+$/, '编码只能包含字母、数字和 _-.');

/** Largest image accepted by uploadImage, in bytes (before base64). */
export const MAX_IMAGE_BYTES = 2 * 1024 * 1024;
/** Image types accepted by uploadImage. */
export const IMAGE_MIME_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
/** Largest spreadsheet accepted by importFile, in bytes (before base64). */
export const MAX_IMPORT_FILE_BYTES = 4 * 1024 * 1024;
/** Orders one bulkConfirm call takes. */
export const MAX_BULK_ORDERS = 100;
/** Price entries one savePriceEntries call writes or removes. */
export const MAX_PRICE_ENTRIES_PER_SAVE = 200;

/** base64 text (no data: prefix) of at most `bytes` decoded bytes. */
const Base64 = (bytes: number) =>
  z
    .string()
    .max(Math.ceil(bytes / 3) * 4 + 4, `文件不能超过 ${Math.round(bytes / 1024 / 1024)} MB`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, '文件内容应为 base64');

/** One SKU of a product as the product form edits it. */
const InvitationCodeInput = z.string().trim().toUpperCase().regex(/^[A-Z0-9]{4,32}$/, '邀请码为 4-32 位字母或数字');

export const SkuInput = z.object({
  /** Absent for a new SKU (its id is derived from its code, as the import does). */
  _id: Id.optional(),
  code: Code,
  spec: Text(80).default(''),
  /** Base unit name: 件, 瓶, 包 … */
  baseUnit: RequiredText(4).default('件'),
  /** Pack name (箱) and how many base units it holds; caseSize 1 = not sold by the case. */
  caseUnit: RequiredText(4).default('箱'),
  caseSize: z.number().int().min(1).max(100000).default(1),
  /** Only whole cases may be ordered. */
  caseOnly: z.boolean().default(false),
  listPriceFen: Fen,
  /** 起订量, base units. */
  moq: z.number().int().min(1).max(1_000_000).default(1),
  leadTimeDays: z.number().int().min(0).max(365).default(3),
  /** 定制 / make-to-order (goes through 生产中). */
  madeToOrder: z.boolean().default(false),
  /**
   * 上架 (true) / 下架 (false). A new SKU: absent = 上架. An existing SKU: absent leaves it as it is
   * (上架/下架 has its own actions, which a form opened earlier must not undo); given sets it.
   */
  active: z.boolean().optional(),
  /** A fileId from uploadImage; null removes the image; absent keeps the current one. */
  imageFileId: z.string().min(1).max(300).nullable().optional(),
  /**
   * 低库存预警: available at or below this many base units is low; 0 = no alert. Absent on an
   * existing SKU leaves it as it is (库存 sets it too).
   */
  lowStockThreshold: z.number().int().min(0).max(100_000_000).optional(),
  /** Who the SKU is sold to: a new SKU without it is sold to everyone; an existing SKU keeps its own. */
  saleScope: SaleScope.optional(),
});
export type SkuInput = z.input<typeof SkuInput>;

/** A price entry as the price grid edits it. */
export const PriceEntryInput = z.object({
  skuId: Id,
  priceFen: Fen,
  /** 阶梯价: from minQty base units on, priceFen. */
  breaks: z.array(PriceBreak).max(10).default([]),
  /** 起订量 override for this list, base units. */
  moq: z.number().int().min(1).max(1_000_000).nullable().default(null),
});
export type PriceEntryInput = z.input<typeof PriceEntryInput>;

export const CustomerInput = z.object({
  /** Absent for a new customer (id derived from the code, as the import does). */
  _id: Id.optional(),
  code: Code,
  name: RequiredText(60),
  levelId: Id,
  merchandiserId: Id,
  /** 信用额度 in fen; null = no limit. */
  creditLimitFen: Fen.nullable().default(null),
  addresses: z.array(Address).max(20).default([]),
  active: z.boolean().default(true),
});
export type CustomerInput = z.input<typeof CustomerInput>;

export const BackofficeInputs = {
  // --- reference data ------------------------------------------------------------------------
  /** Categories, levels and staff for the forms' pickers (any staff). */
  refs: z.object({}),
  /** Creates or edits a customer level (admin). */
  saveLevel: z.object({ _id: Id.optional(), name: RequiredText(20), discountBp: DiscountBp }),
  /** Creates or renames a category (admin). */
  saveCategory: z.object({ _id: Id.optional(), name: RequiredText(40), sort: z.number().int().min(0).max(10000).default(0) }),

  /**
   * Sign-ins (users documents) of staff: the WeChat users of the 跟单 tab and the browser
   * sign-ins of the back office on Cloudbase (`tcb:<uid>`, shown to an unbound browser user by
   * auth.whoami as its openid). Admin only.
   */
  staffLogins: z.object({}),
  /** Lets a sign-in act as a staff member (admin): its role is the staff member's. */
  grantStaffLogin: z.object({ loginId: z.string().trim().min(1).max(128), staffId: Id }),
  /** Removes a staff member's sign-in (admin); an admin cannot remove its own. */
  revokeStaffLogin: z.object({ loginId: z.string().trim().min(1).max(128) }),

  // --- products and SKUs -----------------------------------------------------------------------
  /** SKU rows for the product table, in code order; keyword matches code, name, spec. */
  products: PageInput.extend({
    keyword: Text(40).optional(),
    categoryId: Id.optional(),
    /** true: 上架 only, false: 下架 only. */
    active: z.boolean().optional(),
  }),
  /** A product with all its SKUs, for the edit form. */
  product: z.object({ productId: Id }),
  /**
   * Creates or updates a product and its SKUs (admin). SKUs not listed are left as they are; a
   * listed SKU gets only the fields the form sent (a patch, never the whole document), so a
   * concurrent 上架/下架 or 低库存预警 change survives an edit that did not touch them.
   */
  saveProduct: z.object({
    product: z.object({
      /** Absent for a new product (id derived from its code). */
      _id: Id.optional(),
      code: Code,
      name: RequiredText(60),
      categoryId: Id,
      description: Text(500).default(''),
    }),
    skus: z.array(SkuInput).min(1).max(50),
  }),
  /** 上架 / 下架 SKUs (admin). */
  setSkusActive: z.object({ skuIds: z.array(Id).min(1).max(200), active: z.boolean() }),
  /** 上架 / 下架 a whole product (admin): every SKU of it at once, with one conditional update. */
  setProductActive: z.object({ productId: Id, active: z.boolean() }),
  /**
   * Uploads a product image (admin): stored in the local storage dir (local runtime) or Cloudbase
   * cloud storage. Returns the fileId to put on a SKU (saveProduct skus[].imageFileId) and a URL
   * to show it now.
   */
  uploadImage: z.object({
    fileName: Text(100).default('image'),
    mime: z.enum(IMAGE_MIME_TYPES),
    base64: Base64(MAX_IMAGE_BYTES),
  }),

  // --- price lists ---------------------------------------------------------------------------
  /** Every price list with its target's name and entry count. */
  priceLists: z.object({}),
  /** The price list of a level or of a customer, created (admin) if it does not exist yet. */
  ensurePriceList: z.discriminatedUnion('scope', [
    z.object({ scope: z.literal('level'), levelId: Id }),
    z.object({ scope: z.literal('customer'), customerId: Id }),
  ]),
  /**
   * The price grid of one list: one row per SKU (paged, in SKU code order; keyword filters SKUs),
   * with the list's entry for it or null. Rows without an entry show what applies instead.
   */
  priceGrid: PageInput.extend({ priceListId: Id, keyword: Text(40).optional(), categoryId: Id.optional() }),
  /** Writes (upsert) and removes entries of one list (admin); all or nothing. */
  savePriceEntries: z.object({
    priceListId: Id,
    upsert: z.array(PriceEntryInput).max(MAX_PRICE_ENTRIES_PER_SAVE).default([]),
    /** SKU ids whose entry on this list is removed (the SKU then falls back to the next rule). */
    remove: z.array(Id).max(MAX_PRICE_ENTRIES_PER_SAVE).default([]),
  }),
  /** What a customer pays for a SKU: the same shared pricing rule and code as its catalog. */
  pricePreview: z.object({
    customerId: Id,
    skuId: Id,
    /** Quantity to price, in `unit`s (default: 1 of the first unit the SKU is sold in). */
    unit: OrderUnit.optional(),
    count: z.number().int().min(1).max(1_000_000).optional(),
  }),

  // --- customers ---------------------------------------------------------------------------------
  /** Customers (merchandiser: his own), in code order. */
  customers: PageInput.extend({
    keyword: Text(40).optional(),
    levelId: Id.optional(),
    merchandiserId: Id.optional(),
    active: z.boolean().optional(),
  }),
  /** One customer with its addresses, invitation code and bound WeChat users. */
  customer: z.object({ customerId: Id }),
  /** Creates or edits a customer (admin). outstandingFen is never written here. */
  saveCustomer: CustomerInput,
  /**
   * Gives the customer a new invitation code (admin); the old one stops working. Without `code`
   * a random one is made. A code held by another customer is refused (CONFLICT).
   */
  createInvitation: z.object({ customerId: Id, code: InvitationCodeInput.optional() }),
  /**
   * One more invitation code for the customer (admin), beside its own and any others: without
   * `code` a random one is made; a code any customer holds already is refused (CONFLICT).
   */
  addInvitation: z.object({ customerId: Id, code: InvitationCodeInput.optional() }),
  /**
   * Revokes an invitation code of the customer (admin): nobody can bind with it any more; users
   * bound with it stay bound. Without `code`: the customer's own code.
   */
  revokeInvitation: z.object({ customerId: Id, code: InvitationCodeInput.optional() }),
  /** Unbinds a WeChat user from its customer (admin). */
  unbindUser: z.object({ customerId: Id, openid: z.string().min(1).max(128) }),

  // --- stock ---------------------------------------------------------------------------------------
  /** Stock per SKU; lowOnly: available ≤ the SKU's threshold (threshold > 0). */
  stock: PageInput.extend({ keyword: Text(40).optional(), categoryId: Id.optional(), lowOnly: z.boolean().default(false) }),
  /**
   * Adjusts on-hand stock by delta (admin), applied as an increment in one transaction with a
   * stockMovements record; available never goes below zero (OUT_OF_STOCK).
   */
  adjustStock: z.object({
    skuId: Id,
    delta: z.number().int().min(-100_000_000).max(100_000_000).refine((n) => n !== 0, '调整数量不能为 0'),
    reason: z.enum(['stocktake', 'inbound', 'damage', 'return', 'other']),
    note: Text(100).default(''),
  }),
  /** The stock movements of a SKU, newest first. */
  stockMovements: PageInput.extend({ skuId: Id }),
  /** Sets a SKU's low-stock threshold (admin); 0 = no alert. */
  setLowStockThreshold: z.object({ skuId: Id, threshold: z.number().int().min(0).max(100_000_000) }),

  // --- orders --------------------------------------------------------------------------------------
  /**
   * The order board, newest first, filtered by status, customer, merchandiser and the date placed
   * (Shanghai, inclusive). Paged with a total; answered from indexes.
   */
  orders: PageInput.extend({
    status: OrderStatus.optional(),
    customerId: Id.optional(),
    merchandiserId: Id.optional(),
    from: DateInput.optional(),
    to: DateInput.optional(),
    /** Order number (or its tail). */
    orderNo: Text(40).optional(),
  }),
  /**
   * 批量审核: confirms each submitted order with the 跟单 tab's 审单 (followup review), due
   * dates from the lead times unless dueDate is given; one result per order, in input order.
   */
  bulkConfirm: z.object({
    orderIds: z.array(Id).min(1).max(MAX_BULK_ORDERS),
    dueDate: DateInput.optional(),
    note: Text(100).default(''),
  }),
  /** The data of an order's 发货单 (delivery note); the browser renders and prints it as PDF. */
  deliveryNote: z.object({ orderId: Id }),

  // --- imports ---------------------------------------------------------------------------------------
  /**
   * Imports an uploaded CSV/XLSX with the CLI's code (file reading and importRows). dryRun: the
   * report only. A real run with bad rows and no skipBad writes nothing (IMPORT_INVALID, with
   * the report in error.details.report).
   */
  /** The imports written so far (admin), newest first: what, from which file, how many rows changed. */
  importRuns: PageInput,
  importFile: z.object({
    kind: ImportKind,
    fileName: RequiredText(200),
    base64: Base64(MAX_IMPORT_FILE_BYTES),
    dryRun: z.boolean().default(true),
    skipBad: z.boolean().default(false),
    /** XLSX: the worksheet to read (default: the first that fits). */
    sheet: Text(31).optional(),
  }),

  // --- dashboard and reports -------------------------------------------------------------------------
  /** Today, overdue, open exceptions, and the month by day, customer and product (merchandiser: his customers). */
  dashboard: z.object({ month: MonthInput.optional() }),
  /** The monthly report (按客户 / 按商品 / 异常登记) as an XLSX file (admin). */
  monthlyReportXlsx: z.object({ month: MonthInput }),
} as const;

/**
 * The overdue and due-soon warnings of orderWarnings (warnings.ts) as ranges a query can count:
 * an open order is overdue when its due date is before today, due soon when it is from today to
 * DUE_SOON_DAYS days on. Checked against orderWarnings by shared/test/backofficeApi.test.ts.
 */
export function dueDateRanges(today: string): {
  openStatuses: OrderStatus[];
  overdue: { $lt: string };
  dueSoon: { $gte: string; $lte: string };
} {
  return { openStatuses: [...OPEN_STATUSES], overdue: { $lt: today }, dueSoon: { $gte: today, $lte: addDays(today, DUE_SOON_DAYS) } };
}

// --- outputs ------------------------------------------------------------------------------------

export interface StaffRef {
  _id: string;
  name: string;
  role: Staff['role'];
}

export interface BackofficeRefs {
  categories: Category[];
  levels: CustomerLevel[];
  staff: StaffRef[];
  /** The caller, so the UI can hide what its role cannot do. */
  me: { staffId: string; name: string; role: 'admin' | 'merchandiser' };
}

/** One SKU row of the product table. */
export interface BackofficeProductRow {
  skuId: string;
  productId: string;
  code: string;
  name: string;
  spec: string;
  categoryId: string;
  categoryName: string;
  baseUnit: string;
  caseUnit: string;
  caseSize: number;
  caseOnly: boolean;
  listPriceFen: number;
  moq: number;
  leadTimeDays: number;
  madeToOrder: boolean;
  active: boolean;
  imageUrl: string | null;
  onHand: number;
  reserved: number;
  available: number;
}

/** A SKU as the edit form shows it. */
export type SkuDetail = Sku;

export interface ProductDetail {
  product: Product;
  skus: SkuDetail[];
}

export interface UploadedImage {
  fileId: string;
  /** Where the image can be shown now (local: /files/…; Cloudbase: a temporary URL). */
  url: string;
  bytes: number;
}

export interface PriceListRow extends PriceList {
  /** The level's or the customer's name. */
  targetName: string;
  entryCount: number;
}

export interface PriceGridRow {
  skuId: string;
  code: string;
  name: string;
  spec: string;
  baseUnit: string;
  caseSize: number;
  listPriceFen: number;
  /** This list's entry for the SKU, or null. */
  entry: { priceFen: number; breaks: { minQty: number; priceFen: number }[]; moq: number | null } | null;
}

export interface PriceGrid {
  priceList: PriceListRow;
  /** The level's discount (a level list; for a customer list: the customer's level's), basis points. */
  levelDiscountBp: number;
  rows: Page<PriceGridRow>;
}

export interface PricePreview {
  customerId: string;
  customerName: string;
  levelName: string;
  /** The SKU exactly as this customer's catalog shows it (the same code). */
  item: CatalogItem;
  /** Where the unit price came from: 专属价 / 等级价 / 标价×折扣. */
  source: PriceSource;
  /** The priced quantity: the unit price reached by breaks, and the amount; or why it cannot be ordered. */
  quantity: { unit: 'piece' | 'case'; count: number; qty: number; unitPriceFen: number; amountFen: number } | null;
  error: { code: ErrorCode; message: string } | null;
  /** Is the SKU sold to this customer at all (sale scope, 上架)? */
  sold: boolean;
}

export interface BackofficeCustomerRow extends CustomerBrief {
  levelId: string;
  active: boolean;
  invitationCode: string;
  invitationRevoked: boolean;
  boundUsers: number;
}

export interface BoundUser {
  openid: string;
  name: string;
  boundAt: number | null;
  /** The code the user bound with (null: bound before codes were recorded, or by the import). */
  invitationCode: string | null;
}

/** One invitation code of a customer and how many users bound with it. */
export interface CustomerInvitation {
  code: string;
  /** The customer's own code (invitationCode), as opposed to an extra one (collection invitations). */
  primary: boolean;
  revoked: boolean;
  createdAt: number | null;
  boundUsers: number;
}

export interface BackofficeCustomerDetail extends BackofficeCustomerRow {
  addresses: z.infer<typeof Address>[];
  users: BoundUser[];
  /** Every code of the customer: its own first, then the extra ones, newest first. */
  invitations: CustomerInvitation[];
}

export interface BackofficeStockRow {
  skuId: string;
  code: string;
  name: string;
  spec: string;
  baseUnit: string;
  categoryId: string;
  active: boolean;
  onHand: number;
  reserved: number;
  available: number;
  lowStockThreshold: number;
  low: boolean;
}

export const STOCK_REASON_LABELS = {
  stocktake: '盘点',
  inbound: '入库',
  damage: '报损',
  return: '退货入库',
  other: '其他',
} as const;
export type StockReason = keyof typeof STOCK_REASON_LABELS;

/** A stock movement record (collection stockMovements). */
export interface StockMovement {
  _id: string;
  skuId: string;
  delta: number;
  reason: StockReason;
  note: string;
  /** onHand after the movement. */
  onHandAfter: number;
  by: { staffId: string; name: string };
  at: number;
}

/** One written import (collection importRuns). */
export interface ImportRunRow {
  _id: string;
  kind: string;
  file: string;
  at: number;
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
}

/** One row of the order board. */
export interface BoardOrder extends OrderSummary {
  customerId: string;
  customerCode: string;
  merchandiserId: string;
  merchandiserName: string;
  createdDate: string;
  paidFen: number;
  madeToOrder: boolean;
  openExceptions: number;
  /** 交期 passed and not yet shipped. */
  overdue: boolean;
}

export interface BulkConfirmResult {
  results: { orderId: string; orderNo: string | null; ok: boolean; error: { code: ErrorCode; message: string } | null }[];
  confirmed: number;
  failed: number;
}

/** Everything a 发货单 shows. */
export interface DeliveryNote {
  orderId: string;
  orderNo: string;
  /** Business date printed on the note (today, Shanghai). */
  date: string;
  orderDate: string;
  dueDate: string | null;
  status: OrderSummary['status'];
  supplierName: string;
  customer: { code: string; name: string };
  address: { contact: string; phone: string; address: string };
  merchandiser: string;
  remark: string;
  lines: {
    no: number;
    skuCode: string;
    name: string;
    spec: string;
    /** e.g. "5 箱（120 瓶）" or "30 瓶". */
    quantityText: string;
    qty: number;
    baseUnit: string;
    unitPriceFen: number;
    amountFen: number;
  }[];
  totalQty: number;
  totalFen: number;
}

export interface DashboardView {
  /** Today (Shanghai) and the month shown. */
  date: string;
  month: string;
  today: { orders: number; amountFen: number; awaitingReview: number };
  overdue: number;
  dueSoon: number;
  openExceptions: number;
  /** The month's live orders per day (every day of the month up to today). */
  byDay: { date: string; orders: number; amountFen: number }[];
  /** The monthly report's rows (buildMonthlyReport), largest first. */
  byCustomer: CustomerMonthRow[];
  byProduct: ProductMonthRow[];
  totals: { orderCount: number; orderedFen: number; shippedFen: number; paidFen: number };
}

export interface StaffLogin {
  loginId: string;
  staffId: string;
  staffName: string;
  role: 'admin' | 'merchandiser';
  /** 'web': a Cloudbase browser sign-in (tcb:<uid>); 'wechat': a WeChat user. */
  kind: 'web' | 'wechat';
}

export interface BackofficeOutputs {
  refs: BackofficeRefs;
  staffLogins: StaffLogin[];
  grantStaffLogin: StaffLogin[];
  revokeStaffLogin: StaffLogin[];
  saveLevel: CustomerLevel;
  saveCategory: Category;
  products: Page<BackofficeProductRow>;
  product: ProductDetail;
  saveProduct: ProductDetail;
  setSkusActive: { updated: number };
  /** updated: how many of its SKUs changed state (those already so are not counted). */
  setProductActive: { updated: number };
  uploadImage: UploadedImage;
  priceLists: PriceListRow[];
  ensurePriceList: PriceListRow;
  priceGrid: PriceGrid;
  savePriceEntries: { upserted: number; removed: number };
  pricePreview: PricePreview;
  customers: Page<BackofficeCustomerRow>;
  customer: BackofficeCustomerDetail;
  saveCustomer: BackofficeCustomerDetail;
  createInvitation: BackofficeCustomerDetail;
  addInvitation: BackofficeCustomerDetail;
  revokeInvitation: BackofficeCustomerDetail;
  unbindUser: BackofficeCustomerDetail;
  stock: Page<BackofficeStockRow>;
  adjustStock: { stock: BackofficeStockRow; movement: StockMovement };
  stockMovements: Page<StockMovement>;
  setLowStockThreshold: BackofficeStockRow;
  orders: Page<BoardOrder>;
  bulkConfirm: BulkConfirmResult;
  deliveryNote: DeliveryNote;
  importRuns: Page<ImportRunRow>;
  importFile: ImportReport & { fileName: string; sheetName: string; ignoredColumns: string[] };
  dashboard: DashboardView;
  monthlyReportXlsx: XlsxFile;
}
