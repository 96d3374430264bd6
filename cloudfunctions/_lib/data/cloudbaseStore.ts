/**
 * The Store on Tencent Cloudbase, through @cloudbase/node-sdk (pinned: its wire protocol is
 * undocumented). Respects the platform's facts (PLATFORM.md):
 * - transactions use db.runTransaction, and the Tx only offers doc-by-id get/set/update/remove
 *   and add, the operations that carry the transaction; where().update() / count() are never
 *   called inside one (they would silently run outside it);
 * - update() takes fields directly ({ reserved: _.inc(n) }), never { data: … };
 * - every query has an explicit limit ≤ 1000.
 */
import tcb from '@cloudbase/node-sdk';
import { DomainError } from '@dinghuo/shared';
import {
  isInc,
  MAX_QUERY_LIMIT,
  type CollectionName,
  type DocOf,
  type FieldOps,
  type Filter,
  type Patch,
  type QueryOptions,
  type Store,
  type Tx,
} from './store';

// The SDK's database types are loose; this file is the one place that touches them.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Db = any;

export function createCloudbaseStore(env: string | symbol = tcb.SYMBOL_CURRENT_ENV): Store {
  const app = tcb.init({ env: env as string });
  return new CloudbaseStore(app.database());
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Translates a Store filter into the SDK's query object. */
export function toCloudbaseQuery(db: Db, filter: Filter): Record<string, unknown> {
  const _ = db.command;
  const out: Record<string, unknown> = {};
  const ands: unknown[] = [];
  for (const [field, cond] of Object.entries(filter)) {
    if (cond === undefined) continue;
    if (field === '$or') {
      ands.push(_.or((cond as Filter[]).map((f) => toCloudbaseQuery(db, f))));
      continue;
    }
    if (cond === null || typeof cond !== 'object' || Array.isArray(cond)) {
      out[field] = cond === null ? _.eq(null) : cond;
      continue;
    }
    const parts: unknown[] = [];
    for (const [op, v] of Object.entries(cond as FieldOps)) {
      switch (op) {
        case '$eq': parts.push(_.eq(v)); break;
        case '$ne': parts.push(_.neq(v)); break;
        case '$gt': parts.push(_.gt(v)); break;
        case '$gte': parts.push(_.gte(v)); break;
        case '$lt': parts.push(_.lt(v)); break;
        case '$lte': parts.push(_.lte(v)); break;
        case '$in': parts.push(_.in(v)); break;
        // On an array field `in` matches when any element is in the list (MongoDB semantics).
        case '$hasAny': parts.push(_.in(v)); break;
        case '$nin': parts.push(_.nin(v)); break;
        case '$exists': parts.push(_.exists(v)); break;
        case '$contains':
          parts.push(db.RegExp({ regexp: escapeRegExp(String(v)), options: 'i' }));
          break;
        default:
          throw new Error(`unsupported operator ${op}`);
      }
    }
    out[field] = parts.length === 1 ? parts[0] : _.and(parts);
  }
  if (ands.length === 0) return out;
  return _.and([out, ...ands]);
}

export function toCloudbaseUpdate(db: Db, patch: Patch): Record<string, unknown> {
  const _ = db.command;
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(patch)) {
    if (isInc(value)) out[field] = _.inc(value.$inc);
    else if (value === undefined) out[field] = _.remove();
    else if (value !== null && typeof value === 'object') out[field] = _.set(value);
    else out[field] = value;
  }
  return out;
}

/**
 * Cloudbase answers an insert of an existing _id with DATABASE_DUPLICATE_WRITE; the Store reports
 * it as SqliteStore does (code DUPLICATE_ID), so callers see one error for one situation.
 */
async function insertOnce(ref: Db, coll: string, doc: { _id: string }): Promise<void> {
  try {
    check(await ref.collection(coll).add(doc), `insert ${coll}`);
  } catch (e) {
    if ((e as { code?: unknown })?.code === 'DATABASE_DUPLICATE_WRITE') {
      throw Object.assign(new Error(`duplicate id ${coll}/${doc._id}`), { code: 'DUPLICATE_ID' });
    }
    throw e;
  }
}

function withoutId<T extends object>(doc: T): Omit<T, '_id'> {
  const { _id: _ignored, ...rest } = doc as T & { _id?: string };
  return rest;
}

function sdkFailed(res: any): boolean {
  return res && typeof res === 'object' && typeof res.code === 'string' && res.code !== '';
}

function check(res: any, what: string): any {
  if (sdkFailed(res)) throw Object.assign(new Error(`${what}: ${res.code} ${res.message ?? ''}`), { code: res.code });
  return res;
}

/**
 * How a transaction is retried on DATABASE_TRANSACTION_CONFLICT. The SDK's own runTransaction
 * retries at once, without any pause: a handful of concurrent submits on one hot stock document
 * burn through its retries while the winner is still committing, and fail. So the SDK is asked
 * for no retries, and the Store retries with exponential backoff and full jitter (what the
 * Cloudbase error-code page for DATABASE_TRANSACTION_CONFLICT recommends).
 */
export interface TransactionRetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_TRANSACTION_RETRY: TransactionRetryPolicy = { attempts: 10, baseDelayMs: 20, maxDelayMs: 1000 };

const TRANSACTION_CONFLICT = 'DATABASE_TRANSACTION_CONFLICT';

function isConflict(e: unknown): boolean {
  return e !== null && typeof e === 'object' && (e as { code?: unknown }).code === TRANSACTION_CONFLICT;
}

function backoffMs(policy: TransactionRetryPolicy, attempt: number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.random() * cap;
}

export class CloudbaseStore implements Store {
  readonly kind = 'cloudbase' as const;
  constructor(
    private readonly db: Db,
    private readonly retry: TransactionRetryPolicy = DEFAULT_TRANSACTION_RETRY,
  ) {}

  async get<C extends CollectionName>(coll: C, id: string): Promise<DocOf<C> | null> {
    const res = check(await this.db.collection(coll).doc(id).get(), `get ${coll}`);
    const data = Array.isArray(res.data) ? res.data[0] : res.data;
    return (data ?? null) as DocOf<C> | null;
  }

  async getMany<C extends CollectionName>(coll: C, ids: readonly string[]): Promise<DocOf<C>[]> {
    const unique = [...new Set(ids)];
    const out: DocOf<C>[] = [];
    for (let i = 0; i < unique.length; i += MAX_QUERY_LIMIT) {
      const chunk = unique.slice(i, i + MAX_QUERY_LIMIT);
      const res = check(
        await this.db.collection(coll).where({ _id: this.db.command.in(chunk) }).limit(MAX_QUERY_LIMIT).get(),
        `getMany ${coll}`,
      );
      out.push(...(res.data as DocOf<C>[]));
    }
    return out;
  }

  async find<C extends CollectionName>(coll: C, filter: Filter, opts: QueryOptions): Promise<DocOf<C>[]> {
    if (opts.limit > MAX_QUERY_LIMIT) throw new Error(`limit over ${MAX_QUERY_LIMIT}`);
    // The SDK sends no limit for 0 (its default of 100 applies): answer it here.
    if (opts.limit <= 0) return [];
    let q = this.db.collection(coll).where(toCloudbaseQuery(this.db, filter));
    for (const [field, dir] of opts.orderBy ?? []) q = q.orderBy(field, dir);
    if (opts.skip) q = q.skip(opts.skip);
    const res = check(await q.limit(opts.limit).get(), `find ${coll}`);
    return res.data as DocOf<C>[];
  }

  async count<C extends CollectionName>(coll: C, filter: Filter): Promise<number> {
    const res = check(await this.db.collection(coll).where(toCloudbaseQuery(this.db, filter)).count(), `count ${coll}`);
    return Number(res.total ?? 0);
  }

  async insert<C extends CollectionName>(coll: C, doc: DocOf<C>): Promise<void> {
    await insertOnce(this.db, coll, doc as { _id: string });
  }

  async set<C extends CollectionName>(coll: C, doc: DocOf<C>): Promise<void> {
    const id = (doc as { _id: string })._id;
    check(await this.db.collection(coll).doc(id).set(withoutId(doc as object)), `set ${coll}`);
  }

  async patch<C extends CollectionName>(coll: C, id: string, patch: Patch): Promise<void> {
    check(await this.db.collection(coll).doc(id).update(toCloudbaseUpdate(this.db, patch)), `patch ${coll}`);
  }

  async updateWhere<C extends CollectionName>(coll: C, filter: Filter, patch: Patch): Promise<number> {
    const res = check(
      await this.db.collection(coll).where(toCloudbaseQuery(this.db, filter)).update(toCloudbaseUpdate(this.db, patch)),
      `updateWhere ${coll}`,
    );
    return Number(res.updated ?? 0);
  }

  async remove<C extends CollectionName>(coll: C, id: string): Promise<void> {
    check(await this.db.collection(coll).doc(id).remove(), `remove ${coll}`);
  }

  async transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.runOnce(fn);
      } catch (e) {
        if (!isConflict(e)) throw e;
        if (attempt >= this.retry.attempts) throw new DomainError('CONFLICT');
        await new Promise((resolve) => setTimeout(resolve, backoffMs(this.retry, attempt)));
      }
    }
  }

  /** One attempt: the SDK starts the transaction, runs the callback, commits or rolls back. */
  private runOnce<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.db.runTransaction(async (t: Db) => {
      const tx: Tx = {
        get: async (coll, id) => {
          try {
            const res = await t.collection(coll).doc(id).get();
            return (res?.data ?? null) as never;
          } catch (e) {
            // A missing document inside a transaction is reported as an error by the SDK.
            if (/not ?exist|DOCUMENT_NOT_FOUND|does not exist/i.test(String((e as Error)?.message ?? e))) return null;
            throw e;
          }
        },
        set: async (coll, doc) => {
          await t.collection(coll).doc((doc as { _id: string })._id).set(withoutId(doc as object));
        },
        insert: async (coll, doc) => {
          await insertOnce(t, coll, doc as { _id: string });
        },
        patch: async (coll, id, p) => {
          await t.collection(coll).doc(id).update(toCloudbaseUpdate(this.db, p));
        },
        remove: async (coll, id) => {
          await t.collection(coll).doc(id).remove();
        },
      };
      return fn(tx);
    }, 0) as Promise<T>;
  }
}
