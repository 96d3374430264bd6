/**
 * The whole contract of the cloud functions: for every function and action, the input schema
 * (api.ts, followupApi.ts, reportApi.ts, subscription.ts, backofficeApi.ts) and the output schema (here).
 * `defineFunction(Api.order, handlers)` makes each handler return Promise<output of its action>
 * (a wrong return fails tsc), and the functions' contract test parses every action's real answer
 * with its output schema.
 *
 * Each output schema is tied to the output type the app uses (ApiOutputs in api.ts) both ways at
 * compile time (`outputsOf`, `Exactly`): a field added to the type and not to the schema, or the other
 * way round, fails tsc. Not exported from the package index: the mini-program imports only types
 * (api.ts), so the output schemas never reach its bundle.
 */
import { z } from 'zod';
import { AfterSalesRequest } from './afterSales';
import { ApiInputs, type ApiOutputs } from './api';
import { Category, CustomerLevel, OrderUnit, PriceBreak, PriceList, Product, Sku } from './catalog';
import { Address, Staff } from './customer';
import { ERROR_MESSAGES, type ErrorCode } from './errors';
import { OrderException } from './exception';
import { Role } from './ids';
import { ImportKind } from './importRows';
import { Order, CartLineInput } from './order';
import { OrderStatus } from './orderStatus';
import { NodeKey } from './progress';
import { AccountApplication, Receipt, ReceiptMethod } from './receipts';
import { MessageJobStatus } from './subscription';
import { TODAY_BUCKETS, type TodayBucket } from './labels';
import { BackOrder } from './supply';
import { Sample } from './samples';

/**
 * A schema S (already a ZodType<T>: nothing in it that T lacks) accepted only when its output is
 * exactly T: T's every field, optional ones too, is in the schema with the same type. Otherwise
 * the value must also carry `notInSchema` / `optionalNotInSchema`, which no schema has: tsc fails
 * and names what is missing.
 */
type Exactly<T, S extends z.ZodType> = S &
  ([T] extends [z.output<S>] ? unknown : { notInSchema: T }) &
  ([Exclude<keyof T, keyof z.output<S>>] extends [never] ? unknown : { optionalNotInSchema: Exclude<keyof T, keyof z.output<S>> });

const int = z.number().int();
const nonNegative = int.min(0);

const page = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), page: int.min(1), pageSize: int.min(1), total: nonNegative, hasMore: z.boolean() });

// --- auth ---------------------------------------------------------------------------------------

const Me = z.object({
  openid: z.string(),
  role: Role.nullable(),
  name: z.string(),
  customer: z
    .object({
      _id: z.string(),
      name: z.string(),
      code: z.string(),
      levelName: z.string(),
      addresses: z.array(Address),
      creditLimitFen: int.nullable(),
      outstandingFen: int,
    })
    .optional(),
  staff: z.object({ _id: z.string(), name: z.string() }).optional(),
});

// --- catalog ------------------------------------------------------------------------------------

const PriceSource = z.enum(['customer', 'level', 'list_discount']);
const ErrorCodeSchema = z.enum(Object.keys(ERROR_MESSAGES) as [ErrorCode, ...ErrorCode[]]);

const CatalogItem = z.object({
  skuId: z.string(),
  code: z.string(),
  name: z.string(),
  spec: z.string(),
  categoryId: z.string(),
  baseUnit: z.string(),
  caseUnit: z.string(),
  caseSize: int.min(1),
  caseOnly: z.boolean(),
  unitOptions: z.array(OrderUnit),
  unitPriceFen: nonNegative,
  casePriceFen: nonNegative.nullable(),
  breaks: z.array(PriceBreak),
  moq: nonNegative,
  available: int,
  inStock: z.boolean(),
  priceSource: PriceSource,
  imageUrl: z.string().optional(),
});

const Quote = z.object({
  lines: z.array(
    z.object({
      skuId: z.string(),
      unit: OrderUnit,
      count: int,
      qty: int,
      name: z.string(),
      spec: z.string(),
      baseUnit: z.string(),
      caseUnit: z.string(),
      caseSize: int,
      unitPriceFen: nonNegative,
      amountFen: nonNegative,
      available: int,
      imageUrl: z.string().optional(),
      error: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
    }),
  ),
  totalFen: nonNegative,
  valid: z.boolean(),
});

// --- orders -------------------------------------------------------------------------------------

const OrderSummary = z.object({
  _id: z.string(),
  orderNo: z.string(),
  status: OrderStatus,
  totalFen: nonNegative,
  lineCount: int.min(1),
  firstLineName: z.string(),
  createdAt: nonNegative,
  dueDate: z.string().nullable(),
  customerName: z.string(),
});

const OrderDetail = Order.omit({ requestId: true }).extend({
  canCancel: z.boolean(),
  canConfirmReceipt: z.boolean(),
  canAfterSales: z.boolean(),
  afterSales: z.array(AfterSalesRequest),
});

const ReorderResult = z.object({
  lines: z.array(CartLineInput),
  dropped: z.array(z.object({ skuId: z.string(), name: z.string(), reason: z.string() })),
});

// --- followup -----------------------------------------------------------------------------------

const TodayBucketSchema = z.enum(TODAY_BUCKETS as [TodayBucket, ...TodayBucket[]]);

const FollowItem = OrderSummary.extend({
  customerId: z.string(),
  daysToDue: int.nullable(),
  lastChangeAt: nonNegative,
  openExceptions: nonNegative,
  expediteCount: nonNegative,
  buckets: z.array(TodayBucketSchema),
  nextNode: NodeKey.nullable(),
});

const OrderWarnings = z.object({
  overdue: z.boolean(),
  dueSoon: z.boolean(),
  stuck: z.boolean(),
  awaitingReview: z.boolean(),
  hasOpenExceptions: z.boolean(),
  daysToDue: int.nullable(),
});

const FollowDetail = OrderDetail.extend({
  warnings: OrderWarnings,
  buckets: z.array(TodayBucketSchema),
  exceptions: z.array(OrderException),
  advanceable: z.array(NodeKey),
  suggestedPlan: z.object({ dueDate: z.string(), planned: z.record(NodeKey, z.string()), leadTimeDays: int }).nullable(),
  notificationLabel: z.object({ text: z.string(), tone: z.enum(['ok', 'pending', 'fail', 'none']) }),
});

const TodayView = z.object({
  date: z.string(),
  stuckAfterDays: int,
  counts: z.record(TodayBucketSchema, nonNegative),
  previews: z.record(TodayBucketSchema, z.array(FollowItem)),
});

const CustomerBrief = z.object({
  _id: z.string(),
  code: z.string(),
  name: z.string(),
  levelName: z.string(),
  merchandiserId: z.string(),
  merchandiserName: z.string(),
  creditLimitFen: int.nullable(),
  outstandingFen: int,
  openOrders: nonNegative,
});

const CustomerView = z.object({
  customer: CustomerBrief.extend({ addresses: z.array(Address) }),
  month: z.string(),
  monthFen: nonNegative,
  monthOrders: nonNegative,
  outstandingFen: int,
  orders: page(OrderSummary),
});

// --- admin and report ---------------------------------------------------------------------------

const BadRow = z.object({ row: int, key: z.string().optional(), reason: z.string() });

const ImportReport = z.object({
  kind: ImportKind,
  dryRun: z.boolean(),
  written: z.boolean(),
  rows: nonNegative,
  created: nonNegative,
  updated: nonNegative,
  unchanged: nonNegative,
  skipped: nonNegative,
  bad: z.array(BadRow),
  warnings: z.array(BadRow),
  related: z.object({
    categories: z.array(z.string()),
    products: z.array(z.string()),
    levels: z.array(z.string()),
    staff: z.array(z.string()),
    priceLists: z.array(z.string()),
  }),
  writes: nonNegative,
});

const XlsxFile = z.object({
  fileName: z.string().min(1),
  contentType: z.literal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'),
  base64: z.string().min(1),
  bytes: int.min(1),
});

const Period = z.object({ firstDate: z.string(), lastDate: z.string() });

const CustomerMonthRow = z.object({
  customerId: z.string(),
  customerCode: z.string(),
  customerName: z.string(),
  merchandiserName: z.string(),
  orderCount: nonNegative,
  orderedFen: nonNegative,
  shippedCount: nonNegative,
  shippedFen: nonNegative,
  paidFen: nonNegative,
});

const ProductMonthRow = z.object({
  skuId: z.string(),
  skuCode: z.string(),
  name: z.string(),
  spec: z.string(),
  baseUnit: z.string(),
  orderedQty: nonNegative,
  orderedFen: nonNegative,
  shippedQty: nonNegative,
  shippedFen: nonNegative,
});

const MonthlyReport = z.object({
  month: z.string(),
  period: Period,
  byCustomer: z.array(CustomerMonthRow),
  byProduct: z.array(ProductMonthRow),
  exceptions: z.array(
    z.object({
      orderNo: z.string(),
      customerName: z.string(),
      kindLabel: z.string(),
      severityLabel: z.string(),
      description: z.string(),
      owner: z.string(),
      statusLabel: z.string(),
      openedAt: nonNegative,
      openedBy: z.string(),
      resolvedAt: nonNegative.nullable(),
      resolution: z.string(),
    }),
  ),
  totals: z.object({
    orderCount: nonNegative,
    orderedFen: nonNegative,
    shippedCount: nonNegative,
    shippedFen: nonNegative,
    paidFen: nonNegative,
    exceptionCount: nonNegative,
    openExceptionCount: nonNegative,
  }),
  generatedAt: nonNegative,
});

const Statement = z.object({
  month: z.string(),
  period: Period,
  customer: z.object({ _id: z.string(), code: z.string(), name: z.string() }),
  merchandiserName: z.string(),
  lines: z.array(
    z.object({
      orderId: z.string(),
      orderNo: z.string(),
      createdDate: z.string(),
      status: OrderStatus,
      statusLabel: z.string(),
      totalFen: nonNegative,
      shippedDate: z.string().nullable(),
      paidDate: z.string().nullable(),
      shippedInMonthFen: nonNegative,
      paidInMonthFen: nonNegative,
      unpaidAtEndFen: nonNegative,
    }),
  ),
  deliveries: z.array(z.object({ orderId: z.string(), orderNo: z.string(), date: z.string(), amountFen: nonNegative })),
  receipts: z.array(
    z.object({
      receiptId: z.string(),
      date: z.string(),
      methodLabel: z.string(),
      reference: z.string(),
      amountFen: nonNegative,
      onAccountFen: nonNegative,
      orderNos: z.array(z.string()),
    }),
  ),
  totals: z.object({
    orderCount: nonNegative,
    orderedFen: nonNegative,
    shippedFen: nonNegative,
    paidFen: nonNegative,
    onAccountFen: nonNegative,
    openingFen: int,
    closingFen: int,
  }),
  confirmation: z.object({
    state: z.enum(['open', 'confirmable', 'confirmed', 'changed']),
    stateLabel: z.string(),
    confirmedAt: nonNegative.nullable(),
    confirmedBy: z.string(),
    confirmedClosingFen: int.nullable(),
    note: z.string(),
  }),
  generatedAt: nonNegative,
});

const ReceiptForm = z.object({
  customer: z.object({ _id: z.string(), code: z.string(), name: z.string(), outstandingFen: int, onAccountFen: int }),
  openOrders: z.array(
    z.object({
      orderId: z.string(),
      orderNo: z.string(),
      createdDate: z.string(),
      status: OrderStatus,
      statusLabel: z.string(),
      totalFen: nonNegative,
      paidFen: nonNegative,
      unpaidFen: nonNegative,
      shippedDate: z.string().nullable(),
    }),
  ),
  recent: z.array(Receipt),
  applications: z.array(AccountApplication),
});

const ReceiptsReport = z.object({
  month: z.string(),
  period: Period,
  receipts: z.array(
    z.object({
      receiptId: z.string(),
      date: z.string(),
      customerCode: z.string(),
      customerName: z.string(),
      merchandiserName: z.string(),
      methodLabel: z.string(),
      reference: z.string(),
      amountFen: nonNegative,
      allocatedFen: nonNegative,
      onAccountFen: nonNegative,
      orderNos: z.array(z.string()),
      recordedBy: z.string(),
    }),
  ),
  byCustomer: z.array(
    z.object({
      customerId: z.string(),
      customerCode: z.string(),
      customerName: z.string(),
      merchandiserName: z.string(),
      count: nonNegative,
      receivedFen: nonNegative,
      allocatedFen: nonNegative,
      onAccountFen: nonNegative,
    }),
  ),
  byMethod: z.array(z.object({ method: ReceiptMethod, methodLabel: z.string(), count: nonNegative, receivedFen: nonNegative })),
  commissions: z.array(
    z.object({
      merchandiserId: z.string(),
      merchandiserName: z.string(),
      customerCount: nonNegative,
      receiptCount: nonNegative,
      receivedFen: nonNegative,
      rateBp: nonNegative,
      rateLabel: z.string(),
      commissionFen: nonNegative,
    }),
  ),
  totals: z.object({ count: nonNegative, receivedFen: nonNegative, allocatedFen: nonNegative, onAccountFen: nonNegative, commissionFen: nonNegative }),
  generatedAt: nonNegative,
});

const StatementCustomer = z.object({ _id: z.string(), code: z.string(), name: z.string() });

// --- backoffice ---------------------------------------------------------------------------------

const StaffRole = Staff.shape.role;
const BusinessDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const BackofficeRefs = z.object({
  categories: z.array(Category),
  levels: z.array(CustomerLevel),
  staff: z.array(z.object({ _id: z.string(), name: z.string(), role: StaffRole })),
  me: z.object({ staffId: z.string(), name: z.string(), role: StaffRole }),
});

const StaffLogin = z.object({
  loginId: z.string(),
  staffId: z.string(),
  staffName: z.string(),
  role: StaffRole,
  kind: z.enum(['web', 'wechat']),
});

const BackofficeProductRow = z.object({
  skuId: z.string(),
  productId: z.string(),
  code: z.string(),
  name: z.string(),
  spec: z.string(),
  categoryId: z.string(),
  categoryName: z.string(),
  baseUnit: z.string(),
  caseUnit: z.string(),
  caseSize: int.min(1),
  caseOnly: z.boolean(),
  listPriceFen: nonNegative,
  moq: nonNegative,
  leadTimeDays: nonNegative,
  madeToOrder: z.boolean(),
  active: z.boolean(),
  imageUrl: z.string().nullable(),
  onHand: nonNegative,
  reserved: nonNegative,
  available: nonNegative,
});

const ProductDetail = z.object({ product: Product, skus: z.array(Sku) });

const UploadedImage = z.object({ fileId: z.string().min(1), url: z.string().min(1), bytes: int.min(1) });

const PriceListRow = PriceList.extend({ targetName: z.string(), entryCount: nonNegative });

const PriceGrid = z.object({
  priceList: PriceListRow,
  levelDiscountBp: nonNegative,
  rows: page(
    z.object({
      skuId: z.string(),
      code: z.string(),
      name: z.string(),
      spec: z.string(),
      baseUnit: z.string(),
      caseSize: int.min(1),
      listPriceFen: nonNegative,
      entry: z.object({ priceFen: nonNegative, breaks: z.array(PriceBreak), moq: int.min(1).nullable() }).nullable(),
    }),
  ),
});

const PricePreview = z.object({
  customerId: z.string(),
  customerName: z.string(),
  levelName: z.string(),
  item: CatalogItem,
  source: PriceSource,
  quantity: z
    .object({ unit: OrderUnit, count: int.min(1), qty: int.min(1), unitPriceFen: nonNegative, amountFen: nonNegative })
    .nullable(),
  error: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
  sold: z.boolean(),
});

const BackofficeCustomerRow = CustomerBrief.extend({
  levelId: z.string(),
  active: z.boolean(),
  invitationCode: z.string(),
  invitationRevoked: z.boolean(),
  boundUsers: nonNegative,
});

const BackofficeCustomerDetail = BackofficeCustomerRow.extend({
  addresses: z.array(Address),
  users: z.array(z.object({ openid: z.string(), name: z.string(), boundAt: nonNegative.nullable(), invitationCode: z.string().nullable() })),
  invitations: z.array(z.object({ code: z.string(), primary: z.boolean(), revoked: z.boolean(), createdAt: nonNegative.nullable(), boundUsers: nonNegative })),
});

const BackofficeStockRow = z.object({
  skuId: z.string(),
  code: z.string(),
  name: z.string(),
  spec: z.string(),
  baseUnit: z.string(),
  categoryId: z.string(),
  active: z.boolean(),
  onHand: nonNegative,
  reserved: nonNegative,
  available: nonNegative,
  lowStockThreshold: nonNegative,
  low: z.boolean(),
});

const StockMovement = z.object({
  _id: z.string(),
  skuId: z.string(),
  delta: int,
  reason: z.enum(['stocktake', 'inbound', 'damage', 'return', 'other']),
  note: z.string(),
  onHandAfter: nonNegative,
  by: z.object({ staffId: z.string(), name: z.string() }),
  at: nonNegative,
});

const ImportRunRow = z.object({
  _id: z.string(),
  kind: z.string(),
  file: z.string(),
  at: nonNegative,
  created: nonNegative,
  updated: nonNegative,
  unchanged: nonNegative,
  skipped: nonNegative,
});

const BoardOrder = OrderSummary.extend({
  customerId: z.string(),
  customerCode: z.string(),
  merchandiserId: z.string(),
  merchandiserName: z.string(),
  createdDate: BusinessDate,
  paidFen: nonNegative,
  madeToOrder: z.boolean(),
  openExceptions: nonNegative,
  overdue: z.boolean(),
});

const BulkConfirmResult = z.object({
  results: z.array(
    z.object({
      orderId: z.string(),
      orderNo: z.string().nullable(),
      ok: z.boolean(),
      error: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
    }),
  ),
  confirmed: nonNegative,
  failed: nonNegative,
});

const DeliveryNote = z.object({
  orderId: z.string(),
  orderNo: z.string(),
  date: BusinessDate,
  orderDate: BusinessDate,
  dueDate: BusinessDate.nullable(),
  status: OrderStatus,
  supplierName: z.string(),
  customer: z.object({ code: z.string(), name: z.string() }),
  address: z.object({ contact: z.string(), phone: z.string(), address: z.string() }),
  merchandiser: z.string(),
  remark: z.string(),
  lines: z.array(
    z.object({
      no: int.min(1),
      skuCode: z.string(),
      name: z.string(),
      spec: z.string(),
      quantityText: z.string(),
      qty: int.min(1),
      baseUnit: z.string(),
      unitPriceFen: nonNegative,
      amountFen: nonNegative,
    }),
  ),
  totalQty: nonNegative,
  totalFen: nonNegative,
});

const FileImportReport = ImportReport.extend({ fileName: z.string(), sheetName: z.string(), ignoredColumns: z.array(z.string()) });

const DashboardView = z.object({
  date: BusinessDate,
  month: z.string(),
  today: z.object({ orders: nonNegative, amountFen: nonNegative, awaitingReview: nonNegative }),
  overdue: nonNegative,
  dueSoon: nonNegative,
  openExceptions: nonNegative,
  byDay: z.array(z.object({ date: BusinessDate, orders: nonNegative, amountFen: nonNegative })),
  byCustomer: z.array(CustomerMonthRow),
  byProduct: z.array(ProductMonthRow),
  totals: z.object({ orderCount: nonNegative, orderedFen: nonNegative, shippedFen: nonNegative, paidFen: nonNegative }),
});

// --- subscription, dispatcher, reservation timer -------------------------------------------------

const ConsentCounts = z.object({ counts: z.record(z.string(), nonNegative) });

export const DispatchReport = z.object({
  owner: z.string(),
  jobs: z.array(z.object({ jobId: z.string(), status: z.union([MessageJobStatus, z.literal('skipped')]), result: z.string().nullable() })),
  skipped: nonNegative,
  expired: z.array(z.string()),
  sent: nonNegative,
});
export type DispatchReport = z.infer<typeof DispatchReport>;
export type JobReport = DispatchReport['jobs'][number];

/**
 * What the reservation timer did: orders whose unconfirmed reservation it released, and submits
 * that died half way, repaired from their reservation intents (committed: the order had been
 * written; compensated: what they had reserved or booked was undone).
 */
export const ReservationRelease = z.object({
  released: z.array(z.string()),
  repaired: z.object({ committed: z.array(z.string()), compensated: z.array(z.string()) }),
});
export type ReservationRelease = z.infer<typeof ReservationRelease>;

// --- supply: scarce stock, back-orders, samples, the supply report --------------------------------

const ShortfallRow = z.object({
  skuId: z.string(),
  skuCode: z.string(),
  name: z.string(),
  spec: z.string(),
  baseUnit: z.string(),
  onHand: int,
  reserved: int,
  available: nonNegative,
  demandQty: nonNegative,
  shortQty: nonNegative,
  demands: z.array(
    z.object({
      backOrderId: z.string(),
      customerId: z.string(),
      customerName: z.string(),
      priority: nonNegative,
      keyCustomer: z.boolean(),
      region: z.string(),
      unit: OrderUnit,
      step: int.min(1),
      qty: nonNegative,
      requestedAt: nonNegative,
      suggestedQty: nonNegative,
      lastError: z.string(),
    }),
  ),
});

const SupplyReport = z.object({
  month: z.string(),
  period: Period,
  byProduct: z.array(ProductMonthRow),
  byBatch: z.array(
    z.object({
      batchDate: z.string(),
      skuId: z.string(),
      skuCode: z.string(),
      name: z.string(),
      spec: z.string(),
      baseUnit: z.string(),
      qty: nonNegative,
      orderCount: nonNegative,
      orderNos: z.array(z.string()),
    }),
  ),
  keyCustomers: z.array(
    z.object({
      region: z.string(),
      customerId: z.string(),
      customerCode: z.string(),
      customerName: z.string(),
      priority: nonNegative,
      keyCustomer: z.boolean(),
      orderCount: nonNegative,
      orderedFen: nonNegative,
      shippedFen: nonNegative,
    }),
  ),
  regions: z.array(
    z.object({ region: z.string(), customerCount: nonNegative, keyCustomerCount: nonNegative, orderedFen: nonNegative, shippedFen: nonNegative }),
  ),
  quality: z.array(
    z.object({
      source: z.enum(['异常', '售后']),
      orderNo: z.string(),
      customerName: z.string(),
      kindLabel: z.string(),
      severityLabel: z.string(),
      description: z.string(),
      statusLabel: z.string(),
      at: nonNegative,
    }),
  ),
  samples: z.array(
    z.object({
      sampleNo: z.string(),
      customerName: z.string(),
      items: z.string(),
      statusLabel: z.string(),
      requestedAt: nonNegative,
      requestedBy: z.string(),
      courierCompany: z.string(),
      trackingNo: z.string(),
      courierFen: nonNegative,
      decision: z.string(),
    }),
  ),
  courier: z.array(
    z.object({
      sentAt: nonNegative,
      sampleNo: z.string(),
      customerName: z.string(),
      company: z.string(),
      trackingNo: z.string(),
      costFen: nonNegative,
      sentBy: z.string(),
    }),
  ),
  totals: z.object({ sampleCount: nonNegative, courierCount: nonNegative, courierFen: nonNegative, qualityCount: nonNegative, batchQty: nonNegative }),
  generatedAt: nonNegative,
});

const FillOutcome = z.object({
  backOrderId: z.string(),
  qty: nonNegative,
  orderId: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

// --- the map -------------------------------------------------------------------------------------

/**
 * The output schemas of one function's actions, keyed by action: each accepted only when its
 * output is exactly the action's type in ApiOutputs (Exactly), every action has one and no other
 * key is accepted. The action is named once, by its key.
 */
export function outputsOf<F extends keyof ApiOutputs>() {
  return <S extends { [A in keyof ApiOutputs[F]]: z.ZodType<ApiOutputs[F][A]> }>(schemas: {
    [A in keyof S]: A extends keyof ApiOutputs[F] ? Exactly<ApiOutputs[F][A], S[A]> : never;
  }): { [A in keyof ApiOutputs[F]]: z.ZodType<ApiOutputs[F][A]> } => schemas as never;
}

/** Output schema of every action, each exactly the type in ApiOutputs. */
export const ApiOutputSchemas = {
  auth: outputsOf<'auth'>()({
    whoami: Me,
    bind: Me,
  }),
  catalog: outputsOf<'catalog'>()({
    categories: z.array(Category),
    list: page(CatalogItem),
    quote: Quote,
  }),
  order: outputsOf<'order'>()({
    submit: OrderDetail,
    list: page(OrderSummary),
    detail: OrderDetail,
    cancel: OrderDetail,
    confirmReceipt: OrderDetail,
    reorder: ReorderResult,
    receiveDelivery: OrderDetail,
    change: OrderDetail,
    afterSalesCreate: AfterSalesRequest,
    afterSalesList: page(AfterSalesRequest),
  }),
  followup: outputsOf<'followup'>()({
    today: TodayView,
    list: page(FollowItem),
    detail: FollowDetail,
    review: FollowDetail,
    advanceNode: FollowDetail,
    logException: FollowDetail,
    resolveException: FollowDetail,
    exceptions: page(OrderException),
    expedite: FollowDetail,
    customers: page(CustomerBrief),
    customerView: CustomerView,
    catalogFor: page(CatalogItem),
    quoteFor: Quote,
    placeOrder: FollowDetail,
    afterSalesList: page(AfterSalesRequest),
    afterSalesUpdate: AfterSalesRequest,
    ship: FollowDetail,
    changeOrder: FollowDetail,
  }),
  admin: outputsOf<'admin'>()({
    importRows: ImportReport,
    monthlyReport: z.union([MonthlyReport, XlsxFile]),
  }),
  report: outputsOf<'report'>()({
    statementCustomers: z.array(StatementCustomer),
    statement: Statement,
    statementXlsx: XlsxFile,
    recordReceipt: Receipt,
    receiptForm: ReceiptForm,
    applyOnAccount: AccountApplication,
    confirmStatement: Statement,
    receiptsReport: z.union([ReceiptsReport, XlsxFile]),
  }),
  subscription: outputsOf<'subscription'>()({
    templates: z.object({ orderStatus: z.string() }),
    consent: ConsentCounts,
    counts: ConsentCounts,
  }),
  supply: outputsOf<'supply'>()({
    shortfall: z.array(ShortfallRow),
    allocate: z.object({ filled: z.array(FillOutcome), shortfall: ShortfallRow }),
    backOrderCreate: BackOrder,
    backOrders: page(BackOrder),
    backOrderCancel: BackOrder,
    sampleRequest: Sample,
    samples: page(Sample),
    sampleDetail: Sample,
    sampleSend: Sample,
    sampleDecide: Sample,
    sampleCancel: Sample,
    sampleOrder: z.object({ sample: Sample, order: OrderDetail }),
    report: z.union([SupplyReport, XlsxFile]),
  }),
  dispatcher: outputsOf<'dispatcher'>()({
    run: DispatchReport,
  }),
  reservationTimer: outputsOf<'reservationTimer'>()({
    run: ReservationRelease,
  }),
  backoffice: outputsOf<'backoffice'>()({
    refs: BackofficeRefs,
    staffLogins: z.array(StaffLogin),
    grantStaffLogin: z.array(StaffLogin),
    revokeStaffLogin: z.array(StaffLogin),
    saveLevel: CustomerLevel,
    saveCategory: Category,
    products: page(BackofficeProductRow),
    product: ProductDetail,
    saveProduct: ProductDetail,
    setSkusActive: z.object({ updated: nonNegative }),
    setProductActive: z.object({ updated: nonNegative }),
    uploadImage: UploadedImage,
    priceLists: z.array(PriceListRow),
    ensurePriceList: PriceListRow,
    priceGrid: PriceGrid,
    savePriceEntries: z.object({ upserted: nonNegative, removed: nonNegative }),
    pricePreview: PricePreview,
    customers: page(BackofficeCustomerRow),
    customer: BackofficeCustomerDetail,
    saveCustomer: BackofficeCustomerDetail,
    createInvitation: BackofficeCustomerDetail,
    addInvitation: BackofficeCustomerDetail,
    revokeInvitation: BackofficeCustomerDetail,
    unbindUser: BackofficeCustomerDetail,
    stock: page(BackofficeStockRow),
    adjustStock: z.object({ stock: BackofficeStockRow, movement: StockMovement }),
    stockMovements: page(StockMovement),
    setLowStockThreshold: BackofficeStockRow,
    orders: page(BoardOrder),
    bulkConfirm: BulkConfirmResult,
    deliveryNote: DeliveryNote,
    importRuns: page(ImportRunRow),
    importFile: FileImportReport,
    dashboard: DashboardView,
    monthlyReportXlsx: XlsxFile,
  }),
} satisfies { [F in keyof ApiOutputs]: { [A in keyof ApiOutputs[F]]: z.ZodType<ApiOutputs[F][A]> } };

/** One action: what it takes and what it answers. */
export interface ActionContract<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  input: I;
  output: O;
}
export type FunctionContract = Record<string, ActionContract>;

type Zip<I extends Record<string, z.ZodType>, O extends { [A in keyof I]: z.ZodType }> = { [A in keyof I]: ActionContract<I[A], O[A]> };

function zip<I extends Record<string, z.ZodType>, O extends { [A in keyof I]: z.ZodType }>(inputs: I, outputs: O): Zip<I, O> {
  return Object.fromEntries(Object.keys(inputs).map((a) => [a, { input: inputs[a], output: outputs[a] }])) as Zip<I, O>;
}

/** Every function's actions with their input and output schemas. */
export const Api = {
  auth: zip(ApiInputs.auth, ApiOutputSchemas.auth),
  catalog: zip(ApiInputs.catalog, ApiOutputSchemas.catalog),
  order: zip(ApiInputs.order, ApiOutputSchemas.order),
  followup: zip(ApiInputs.followup, ApiOutputSchemas.followup),
  admin: zip(ApiInputs.admin, ApiOutputSchemas.admin),
  report: zip(ApiInputs.report, ApiOutputSchemas.report),
  subscription: zip(ApiInputs.subscription, ApiOutputSchemas.subscription),
  supply: zip(ApiInputs.supply, ApiOutputSchemas.supply),
  dispatcher: zip(ApiInputs.dispatcher, ApiOutputSchemas.dispatcher),
  reservationTimer: zip(ApiInputs.reservationTimer, ApiOutputSchemas.reservationTimer),
  backoffice: zip(ApiInputs.backoffice, ApiOutputSchemas.backoffice),
} satisfies Record<keyof ApiOutputs, FunctionContract>;
