/**
 * The `followup` function's contract (the merchandiser's 跟单 tab): input schemas per action and
 * output types. Registered in api.ts as ApiInputs.followup / ApiOutputs.followup.
 * (Only types are imported from api.ts: api.ts imports this file's values.)
 */
import { z } from 'zod';
import { Id, PageInput, type Page } from './ids';
import { CartLineInput, MAX_ORDER_LINES } from './order';
import { DeliveryLineInput } from './shipments';
import { OrderStatus } from './orderStatus';
import { NodeKey } from './progress';
import { ExceptionKind, Severity, type OrderException } from './exception';
import { AfterSalesStatus, type AfterSalesRequest } from './afterSales';
import { isBusinessDate } from './time';
import type { OrderWarnings, TodayBucket } from './warnings';
import type { NotificationTone } from './followup';
import type { CatalogItem, OrderDetail, OrderSummary, Quote } from './api';
import type { Address } from './customer';

const DateInput = z.string().refine(isBusinessDate, '日期格式应为 YYYY-MM-DD');
const Text = (max: number) => z.string().trim().max(max);
const RequiredText = (max: number) => z.string().trim().min(1, '请填写').max(max);

export const TodayBucketInput = z.enum(['overdue', 'dueSoon', 'stuck', 'awaitingReview', 'exceptions']);

export const ReviewInput = z.discriminatedUnion('decision', [
  z.object({
    decision: z.literal('confirm'),
    orderId: Id,
    /** 交期; default from the lead times. */
    dueDate: DateInput.optional(),
    /** Planned dates set by hand; the rest default. */
    planned: z.partialRecord(NodeKey, DateInput).optional(),
    note: Text(100).default(''),
  }),
  z.object({
    decision: z.literal('reject'),
    orderId: Id,
    reason: RequiredText(100),
  }),
]);
export type ReviewInput = z.input<typeof ReviewInput>;

export const FollowupInputs = {
  today: z.object({}),
  list: PageInput.extend({
    bucket: TodayBucketInput.optional(),
    status: OrderStatus.optional(),
    customerId: Id.optional(),
  }),
  detail: z.object({ orderId: Id }),
  review: ReviewInput,
  advanceNode: z.object({
    orderId: Id,
    node: NodeKey,
    /** The day it happened (Shanghai); default today. */
    actualDate: DateInput.nullable().default(null),
    note: Text(200).default(''),
    photoUrl: z.string().trim().url().max(500).nullable().default(null),
  }),
  logException: z.object({
    orderId: Id,
    kind: ExceptionKind,
    severity: Severity,
    description: RequiredText(200),
    owner: Text(20).default(''),
  }),
  resolveException: z.object({ exceptionId: Id, resolution: RequiredText(200) }),
  exceptions: PageInput.extend({ status: z.enum(['open', 'resolved']).default('open'), orderId: Id.optional() }),
  expedite: z.object({ orderId: Id, note: RequiredText(100) }),
  customers: PageInput.extend({ keyword: Text(40).optional() }),
  customerView: PageInput.extend({ customerId: Id, status: OrderStatus.optional() }),
  /** The customer's catalog at its own prices, for an order taken by phone. */
  catalogFor: PageInput.extend({ customerId: Id, categoryId: Id.optional(), keyword: Text(40).optional() }),
  quoteFor: z.object({ customerId: Id, lines: z.array(CartLineInput).min(1).max(MAX_ORDER_LINES) }),
  /** 代下单: priced and reserved exactly as the customer's own order. */
  placeOrder: z.object({
    customerId: Id,
    requestId: z.string().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/),
    lines: z.array(CartLineInput).min(1).max(MAX_ORDER_LINES),
    addressId: Id,
    requestedDate: DateInput.nullable().default(null),
    remark: Text(200).default(''),
  }),
  afterSalesList: PageInput.extend({ status: AfterSalesStatus.optional() }),
  afterSalesUpdate: z.object({ requestId: Id, to: AfterSalesStatus, note: Text(200).default('') }),
  /** 发货 (one delivery of 分批发货): base units per SKU, 物流公司 and 物流单号. */
  ship: z.object({
    orderId: Id,
    lines: z.array(DeliveryLineInput).min(1).max(MAX_ORDER_LINES),
    carrier: RequiredText(20),
    trackingNo: z.string().trim().min(4, '请填写物流单号').max(40).regex(/^[A-Za-z0-9-]+$/, '物流单号只能包含字母、数字和横线'),
    note: Text(100).default(''),
  }),
  /** 改单: the order's new lines (repriced by the server), optionally a new 交期, and why. */
  changeOrder: z.object({
    orderId: Id,
    lines: z.array(CartLineInput).min(1).max(MAX_ORDER_LINES),
    dueDate: DateInput.optional(),
    reason: RequiredText(100),
  }),
} as const;

/** One order in a merchandiser's list. */
export interface FollowItem extends OrderSummary {
  customerId: string;
  daysToDue: number | null;
  lastChangeAt: number;
  openExceptions: number;
  expediteCount: number;
  buckets: TodayBucket[];
  /** The first node not done yet, in node order. */
  nextNode: z.infer<typeof NodeKey> | null;
}

export interface TodayView {
  /** Today, Shanghai. */
  date: string;
  stuckAfterDays: number;
  counts: Record<TodayBucket, number>;
  /** The first few orders of each bucket, most urgent first. */
  previews: Record<TodayBucket, FollowItem[]>;
}

export interface FollowDetail extends OrderDetail {
  warnings: OrderWarnings;
  buckets: TodayBucket[];
  exceptions: OrderException[];
  /** Nodes that may be recorded now. */
  advanceable: z.infer<typeof NodeKey>[];
  /** For a submitted order: the default plan the review form starts from. */
  suggestedPlan: { dueDate: string; planned: Record<z.infer<typeof NodeKey>, string>; leadTimeDays: number } | null;
  notificationLabel: { text: string; tone: NotificationTone };
}

export interface CustomerBrief {
  _id: string;
  code: string;
  name: string;
  levelName: string;
  merchandiserId: string;
  merchandiserName: string;
  creditLimitFen: number | null;
  outstandingFen: number;
  openOrders: number;
}

export interface CustomerView {
  customer: CustomerBrief & { addresses: Address[] };
  /** This month, Shanghai ('YYYY-MM'), and the live orders placed in it. */
  month: string;
  monthFen: number;
  monthOrders: number;
  /** Ordered and not yet paid. */
  outstandingFen: number;
  orders: Page<OrderSummary>;
}

export interface FollowupOutputs {
  today: TodayView;
  list: Page<FollowItem>;
  detail: FollowDetail;
  review: FollowDetail;
  advanceNode: FollowDetail;
  logException: FollowDetail;
  resolveException: FollowDetail;
  exceptions: Page<OrderException>;
  expedite: FollowDetail;
  customers: Page<CustomerBrief>;
  customerView: CustomerView;
  catalogFor: Page<CatalogItem>;
  quoteFor: Quote;
  placeOrder: FollowDetail;
  afterSalesList: Page<AfterSalesRequest>;
  afterSalesUpdate: AfterSalesRequest;
  ship: FollowDetail;
  changeOrder: FollowDetail;
}
