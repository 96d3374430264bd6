/**
 * The one narrow data-access layer. Handlers and services see only this interface; it has two
 * implementations: Cloudbase (cloudbaseStore.ts, @cloudbase/node-sdk) and the local embedded
 * database (scripts/local/sqliteStore.ts, better-sqlite3).
 *
 * The shape follows what Cloudbase can do safely (PLATFORM.md):
 * - inside a transaction only doc-by-id get/set/update/remove and add carry the transaction, so
 *   `Tx` offers nothing else: a query or a conditional update inside a transaction does not
 *   type-check;
 * - a read returns at most 1000 records to a function, so every query names its limit (≤ 1000)
 *   and callers page;
 * - a transaction callback may run more than once (conflict retry), so it must only compute from
 *   what it reads.
 */
import type {
  Account,
  AccountApplication,
  AfterSalesRequest,
  BackOrder,
  Category,
  Customer,
  ImportRunRow,
  Invitation,
  CustomerLevel,
  MessageJob,
  Order,
  OrderException,
  PriceEntry,
  Receipt,
  StatementConfirmation,
  PriceList,
  Product,
  ReservationIntent,
  Sample,
  Sku,
  Staff,
  Stock,
  SubscriptionConsent,
  StockMovement,
  User,
} from '@dinghuo/shared';

export interface SentMessage {
  _id: string;
  jobId: string;
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
  at: number;
}

/** One written import: the back office lists them as they are stored. */
export type ImportRun = ImportRunRow;

/**
 * One accepted operator call (a call signed with the admin key, _lib/operatorAuth.ts): the
 * signature's nonce is the id, so a replayed signature fails on insert. Also the audit trail.
 */
export interface OperatorCall {
  _id: string;
  fn: string;
  action: string;
  /** The signed timestamp (ms) and when the function accepted it. */
  signedAt: number;
  at: number;
  inputHash: string;
}

/** Every collection and the type of its documents. */
export interface Collections {
  users: User;
  staff: Staff;
  customers: Customer;
  levels: CustomerLevel;
  categories: Category;
  products: Product;
  skus: Sku;
  priceLists: PriceList;
  prices: PriceEntry;
  stock: Stock;
  accounts: Account;
  reservations: ReservationIntent;
  orders: Order;
  exceptions: OrderException;
  afterSales: AfterSalesRequest;
  consents: SubscriptionConsent;
  messageJobs: MessageJob;
  sentMessages: SentMessage;
  importRuns: ImportRun;
  operatorCalls: OperatorCall;
  stockMovements: StockMovement;
  receipts: Receipt;
  statementConfirmations: StatementConfirmation;
  backOrders: BackOrder;
  samples: Sample;
  accountApplications: AccountApplication;
  invitations: Invitation;
}
export type CollectionName = keyof Collections;
export const COLLECTION_NAMES: readonly CollectionName[] = [
  'users', 'staff', 'customers', 'levels', 'categories', 'products', 'skus', 'priceLists', 'prices',
  'stock', 'accounts', 'reservations', 'orders', 'exceptions', 'afterSales', 'consents', 'messageJobs', 'sentMessages', 'importRuns',
  'operatorCalls', 'stockMovements', 'receipts', 'statementConfirmations', 'backOrders', 'samples',
  'accountApplications', 'invitations',
];

export type Scalar = string | number | boolean | null;

/** Operators on one field; field names may be dot paths ('customer.name'). */
export interface FieldOps {
  $eq?: Scalar;
  $ne?: Scalar;
  $gt?: string | number;
  $gte?: string | number;
  $lt?: string | number;
  $lte?: string | number;
  $in?: Scalar[];
  $nin?: Scalar[];
  $exists?: boolean;
  /** Case-insensitive substring match (keyword search). */
  $contains?: string;
  /**
   * For array fields: the array holds at least one of these values (MongoDB's `$in` on an array
   * field; a scalar field is compared as with $in). A missing field never matches; an empty list
   * matches nothing. Not for object fields nor null values.
   */
  $hasAny?: Scalar[];
}

export type Filter = { [field: string]: Scalar | FieldOps | Filter[] | undefined } & { $or?: Filter[] };

export interface QueryOptions {
  orderBy?: [field: string, direction: 'asc' | 'desc'][];
  skip?: number;
  /** Required, at most 1000 (Cloudbase's cap for a function). */
  limit: number;
}

export const MAX_QUERY_LIMIT = 1000;

/** An update: a field (top-level or dot path) gets a value, or is incremented by { $inc: n }. */
export type Patch = Record<string, unknown | { $inc: number }>;

export type DocOf<C extends CollectionName> = Collections[C];

/** Operations that carry a transaction: by document id only. */
export interface Tx {
  get<C extends CollectionName>(coll: C, id: string): Promise<DocOf<C> | null>;
  set<C extends CollectionName>(coll: C, doc: DocOf<C>): Promise<void>;
  insert<C extends CollectionName>(coll: C, doc: DocOf<C>): Promise<void>;
  patch<C extends CollectionName>(coll: C, id: string, patch: Patch): Promise<void>;
  remove<C extends CollectionName>(coll: C, id: string): Promise<void>;
}

export interface Store {
  readonly kind: 'sqlite' | 'cloudbase';
  get<C extends CollectionName>(coll: C, id: string): Promise<DocOf<C> | null>;
  /** Documents by id, in no particular order; missing ids are left out. */
  getMany<C extends CollectionName>(coll: C, ids: readonly string[]): Promise<DocOf<C>[]>;
  find<C extends CollectionName>(coll: C, filter: Filter, opts: QueryOptions): Promise<DocOf<C>[]>;
  count<C extends CollectionName>(coll: C, filter: Filter): Promise<number>;
  insert<C extends CollectionName>(coll: C, doc: DocOf<C>): Promise<void>;
  set<C extends CollectionName>(coll: C, doc: DocOf<C>): Promise<void>;
  patch<C extends CollectionName>(coll: C, id: string, patch: Patch): Promise<void>;
  /**
   * One conditional update; returns how many documents matched and changed. Never inside a Tx.
   * On Cloudbase a matched document the patch leaves as it was is not counted (nModified), so the
   * count is no existence check.
   */
  updateWhere<C extends CollectionName>(coll: C, filter: Filter, patch: Patch): Promise<number>;
  remove<C extends CollectionName>(coll: C, id: string): Promise<void>;
  /** All or nothing. The callback may be retried on a write conflict. */
  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}

/** Every document of a query, paged by the 1000-record cap. */
export async function findAll<C extends CollectionName>(
  store: Store,
  coll: C,
  filter: Filter,
  orderBy: QueryOptions['orderBy'] = [['_id', 'asc']],
): Promise<DocOf<C>[]> {
  const out: DocOf<C>[] = [];
  for (let skip = 0; ; skip += MAX_QUERY_LIMIT) {
    const page = await store.find(coll, filter, { orderBy, skip, limit: MAX_QUERY_LIMIT });
    out.push(...page);
    if (page.length < MAX_QUERY_LIMIT) return out;
  }
}

/** Applies a Patch to a copy of a plain document (used by stores that read-modify-write); shares nothing with either. */
export function applyPatch<T extends object>(doc: T, patch: Patch): T {
  const out: Record<string, unknown> = structuredClone(doc) as Record<string, unknown>;
  for (const [path, value] of Object.entries(patch)) {
    const keys = path.split('.');
    let target: Record<string, unknown> = out;
    for (const k of keys.slice(0, -1)) {
      const next = target[k];
      // A parent that is not a plain object (missing, a scalar or an array) becomes {}.
      if (next === null || typeof next !== 'object' || Array.isArray(next)) target[k] = {};
      target = target[k] as Record<string, unknown>;
    }
    const last = keys[keys.length - 1]!;
    if (isInc(value)) {
      const current = target[last];
      target[last] = (typeof current === 'number' ? current : 0) + value.$inc;
    } else if (value === undefined) {
      delete target[last];
    } else {
      // A copy: the patch's own object must not be shared with (and then changed through) the
      // document, nor between the documents one patch is applied to.
      target[last] = value !== null && typeof value === 'object' ? structuredClone(value) : value;
    }
  }
  return out as T;
}

export function isInc(value: unknown): value is { $inc: number } {
  return (
    value !== null &&
    typeof value === 'object' &&
    Object.keys(value).length === 1 &&
    typeof (value as { $inc?: unknown }).$inc === 'number'
  );
}
