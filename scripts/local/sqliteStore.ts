/**
 * The local embedded database: better-sqlite3, one table per collection holding JSON documents,
 * with expression indexes on the fields the functions query by. Transactions are real SQLite
 * transactions (BEGIN IMMEDIATE … COMMIT / ROLLBACK).
 *
 * better-sqlite3 is synchronous while the Store interface is async (Cloudbase is), so one async
 * mutex serialises access: a transaction holds it across its awaits, and every other call waits
 * for it. Nothing can observe a transaction's uncommitted writes.
 *
 * Writes are group-committed: the writes of every request in flight go into one SQLite
 * transaction that commits when the event loop has run what is ready, and each caller is
 * answered after that commit (see exclusive). A patch is one UPDATE with json_set (patchSql), so
 * a conditional update such as a stock reservation (`available >= q` → `$inc`) is one atomic
 * statement, also against other processes on the same file.
 */
import Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import path from 'node:path';
import {
  applyPatch,
  COLLECTION_NAMES,
  isInc,
  MAX_QUERY_LIMIT,
  type CollectionName,
  type DocOf,
  type FieldOps,
  type Filter,
  type Patch,
  type QueryOptions,
  type Scalar,
  type Store,
  type Tx,
} from '../../cloudfunctions/_lib/data/store';

/**
 * Fields queried by the functions; each gets an expression index (field, id). An entry may list
 * several fields (a composite index, e.g. a filter plus the order of its pages), and a field
 * written `name[]` is an array matched by $hasAny, indexed by its JSON (`doc -> '$.name'`, the
 * expression $hasAny reads, so a count by it is answered from the index alone).
 */
const INDEXES: Partial<Record<CollectionName, (string | string[])[]>> = {
  users: ['customerId', 'staffId'],
  customers: ['invitationCode', 'merchandiserId', 'code'],
  invitations: ['customerId'],
  // The catalog page: active SKUs a customer may see (visibleTo), in code order.
  skus: ['categoryId', 'code', 'active', ['active', 'code'], ['active', 'visibleTo[]']],
  products: ['code'],
  prices: ['priceListId', 'skuId'],
  priceLists: ['customerId', 'levelId'],
  orders: [
    'customerId', 'merchandiserId', 'status', 'createdAt', 'createdMonth', 'reservation.state',
    // The back office's order board: a filter, newest first (createdAt desc), paged with a count.
    ['status', 'createdAt'], ['customerId', 'createdAt'], ['merchandiserId', 'createdAt'], ['merchandiserId', 'status', 'createdAt'],
    // The dashboard's overdue / due-soon counts.
    ['status', 'dueDate'],
  ],
  stockMovements: [['skuId', 'at']],
  // The back office's 最近导入: newest first.
  importRuns: ['at'],
  exceptions: ['orderId', 'merchandiserId', 'status', 'openedAt'],
  afterSales: ['customerId', 'orderId', 'merchandiserId'],
  messageJobs: ['status', 'orderId', 'nextAttemptAt'],
  reservations: [['state', 'deadline']],
  consents: ['openid'],
  sentMessages: ['at'],
  receipts: ['customerId', 'month', 'merchandiserId', 'at'],
  statementConfirmations: ['customerId'],
  accountApplications: ['customerId', 'month', 'at'],
  backOrders: ['status', 'skuId', 'customerId', 'merchandiserId', 'createdAt'],
  samples: ['customerId', 'merchandiserId', 'status', 'requestedAt', 'requestedMonth', 'courier.sentMonth'],
};

const PATH_RE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

function fieldExpr(field: string): string {
  if (field === '_id') return 'id';
  if (!PATH_RE.test(field)) throw new Error(`bad field path: ${field}`);
  return `json_extract(doc, '$.${field}')`;
}

/** An array field's JSON as the index and $hasAny read it (NULL when missing). */
function jsonExpr(field: string): string {
  if (!PATH_RE.test(field) || field === '_id') throw new Error(`bad field path: ${field}`);
  return `(doc -> '$.${field}')`;
}

function indexExpr(field: string): string {
  return field.endsWith('[]') ? jsonExpr(field.slice(0, -2)) : fieldExpr(field);
}

function bind(value: Scalar): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

function isOps(value: unknown): value is FieldOps {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).some((k) => k.startsWith('$'));
}

/** Fields that have an index: their path is written into the SQL, as the index expression is. */
const INDEXED_FIELDS = new Set(
  Object.values(INDEXES).flatMap((entries) => (entries ?? []).flatMap((e) => (typeof e === 'string' ? [e] : e))),
);

/** A filter's SQL (WHERE clause), its parameters pushed onto `params` in the order it binds them. */
export function compileFilter(filter: Filter, params: unknown[]): string {
  return walkFilter(filter, params, true).sql;
}

/**
 * A filter's shape, with its parameters: what compileFilter's SQL text depends on (fields written
 * into the SQL by name, operators, list lengths, null tests), so the same shape always compiles
 * to the same SQL, and the parameters in the order that SQL binds them. A call finds its
 * statement by the shape without building SQL (sqliteFilterShape.test.ts checks this over random
 * filters).
 */
export function filterShape(filter: Filter, params: unknown[]): string {
  return walkFilter(filter, params, false).shape;
}

/**
 * One walk of a filter for both: always the parameters and the shape; the SQL text only when
 * `withSql`. A field is written into the SQL by name when it has an index (the expression must be
 * the index's) or is the id; any other field's path is bound as a parameter, so a path that names
 * a document (holds.<orderId>) does not make a new statement per order.
 */
function walkFilter(filter: Filter, params: unknown[], withSql: boolean): { shape: string; sql: string } {
  const w: FilterWalk = { shape: '', parts: [], params, withSql };
  for (const [field, cond] of Object.entries(filter)) {
    if (cond === undefined) continue;
    if (field === '$or') {
      const ors = (cond as Filter[]).map((f) => walkFilter(f, params, withSql));
      w.shape += `(${ors.length}:${ors.map((o) => o.shape).join('|')})`;
      if (withSql) w.parts.push(ors.length === 0 ? '0' : `(${ors.map((o) => o.sql).join(' OR ')})`);
      continue;
    }
    // A plain value is an $eq.
    const ops: FieldOps = isOps(cond) ? cond : { $eq: cond as Scalar };
    for (const [op, v] of Object.entries(ops)) walkCondition(w, field, op, v);
  }
  return { shape: w.shape, sql: withSql ? (w.parts.length === 0 ? '1' : w.parts.join(' AND ')) : '' };
}

/**
 * One walk of a filter: its shape so far, its SQL terms (when withSql) and the parameters.
 * The walk's steps are plain functions over this, not closures made per call: tsx compiles with
 * keepNames, so each named closure costs a defineProperty where it is created.
 */
interface FilterWalk {
  shape: string;
  parts: string[];
  params: unknown[];
  withSql: boolean;
}

/** The field's value in SQL; each use binds its own path parameter, in the order of the text. */
function fieldRef(w: FilterWalk, field: string): string {
  if (field === '_id' || INDEXED_FIELDS.has(field)) {
    w.shape += field;
    return fieldExpr(field);
  }
  if (!PATH_RE.test(field)) throw new Error(`bad field path: ${field}`);
  w.params.push(`$.${field}`);
  w.shape += '~';
  return 'json_extract(doc, ?)';
}

function placeholders(list: readonly unknown[]): string {
  return list.map(() => '?').join(',');
}

function walkCondition(w: FilterWalk, field: string, op: string, v: unknown): void {
  const { params, withSql } = w;
  switch (op) {
    case '$eq': {
      const e = fieldRef(w, field);
      if (v === null) {
        w.shape += '$eqN;';
        if (withSql) w.parts.push(`${e} IS NULL`);
      } else {
        w.shape += '$eq;';
        if (withSql) w.parts.push(`${e} = ?`);
        params.push(bind(v as Scalar));
      }
      return;
    }
    case '$ne':
      if (v === null) {
        const e = fieldRef(w, field);
        w.shape += '$neN;';
        if (withSql) w.parts.push(`${e} IS NOT NULL`);
      } else {
        const a = fieldRef(w, field);
        const b = fieldRef(w, field);
        w.shape += '$ne;';
        if (withSql) w.parts.push(`(${a} IS NULL OR ${b} <> ?)`);
        params.push(bind(v as Scalar));
      }
      return;
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      const e = fieldRef(w, field);
      w.shape += `${op};`;
      if (withSql) w.parts.push(`${e} ${op === '$gt' ? '>' : op === '$gte' ? '>=' : op === '$lt' ? '<' : '<='} ?`);
      params.push(v);
      return;
    }
    case '$in': {
      const list = v as Scalar[];
      if (list.length === 0) {
        w.shape += '$in0;';
        if (withSql) w.parts.push('0');
      } else {
        const e = fieldRef(w, field);
        w.shape += `$in${list.length};`;
        if (withSql) w.parts.push(`${e} IN (${placeholders(list)})`);
        for (const x of list) params.push(bind(x));
      }
      return;
    }
    case '$nin': {
      const list = v as Scalar[];
      if (list.length > 0) {
        const a = fieldRef(w, field);
        const b = fieldRef(w, field);
        w.shape += `$nin${list.length};`;
        if (withSql) w.parts.push(`(${a} IS NULL OR ${b} NOT IN (${placeholders(list)}))`);
        for (const x of list) params.push(bind(x));
      }
      return;
    }
    case '$exists':
      if (field === '_id') {
        w.shape += `_id$exists${v ? 1 : 0};`;
        if (withSql) w.parts.push(v ? '1' : '0');
      } else {
        if (!PATH_RE.test(field)) throw new Error(`bad field path: ${field}`);
        w.shape += `$exists${v ? 1 : 0};`;
        if (withSql) w.parts.push(`json_type(doc, ?) IS ${v ? 'NOT ' : ''}NULL`);
        params.push(`$.${field}`);
      }
      return;
    case '$contains': {
      const e = fieldRef(w, field);
      w.shape += '$contains;';
      if (withSql) w.parts.push(`instr(lower(${e}), lower(?)) > 0`);
      params.push(v);
      return;
    }
    case '$hasAny': {
      // json_each of the field's JSON: an array's elements (a scalar yields itself, as MongoDB's
      // $in compares it; a missing field yields nothing). The same expression as the `name[]`
      // index, so a filter on it can be answered from that index.
      const list = v as Scalar[];
      if (list.length === 0 || field === '_id') {
        w.shape += '$hasAny0;';
        if (withSql) w.parts.push('0');
      } else {
        const j = jsonExpr(field);
        w.shape += `${field}$hasAny${list.length};`;
        if (withSql) w.parts.push(`EXISTS (SELECT 1 FROM json_each(${j}) WHERE value IN (${placeholders(list)}))`);
        for (const x of list) params.push(bind(x));
      }
      return;
    }
    default:
      throw new Error(`unsupported operator ${op}`);
  }
}

/** An integer as SQLite should store it in JSON (an integer, not 3.0); other values as they are. */
function bindJsonNumber(n: number): unknown {
  return Number.isSafeInteger(n) ? BigInt(n) : n;
}

/**
 * A whole Patch as one SQL expression over the `doc` column, or null when it cannot be written
 * exactly. json_set takes its path/value pairs left to right, and every value is computed from
 * the stored document, so one UPDATE applies the patch with no read, parse or re-serialise in
 * JavaScript, and a conditional update (`available >= q` → `$inc`) is a single atomic statement:
 *  - set: a string, number, boolean, null, or an object/array (as JSON);
 *  - `{ $inc: n }`: the current number (0 when missing or not a number) plus n, in integers
 *    while they are safe, else in doubles as JavaScript adds;
 *  - undefined: json_remove;
 *  - dot paths (holds.<orderId>): each parent is first kept when it is an object, else made `{}`,
 *    as applyPatch does.
 * Paths are bound as parameters, so one statement serves every order's `holds.<orderId>`. Null
 * (the caller reads, applies applyPatch and writes) for an empty patch, a key outside
 * [A-Za-z0-9_] segments, or two entries where one path is, or lies inside, the other.
 */
export function patchSql(patch: Patch): { sql: string; named: Record<string, unknown> } | null {
  const compiled = compilePatch(patch);
  if (!compiled) return null;
  return { sql: compiled.template.sql, named: bindPatch(compiled.template, compiled.keys, compiled.values) };
}

/**
 * A patch's SQL depends only on its shape: how many entries, each one's kind of value, and the
 * parents of its dotted keys (a dotted key's last segment is bound, like every path). So the SQL
 * is built once per shape (`shape` names it, to key a statement cache) and each call only binds:
 * the reservation of order after order is one statement, found without building or hashing SQL.
 * Parameters are named (@p0: entry 0's path, @v0: its value, @q0_1: its first parent), each bound
 * once however often the SQL reads it.
 */
interface PatchTemplate {
  shape: string;
  sql: string;
  binds: { name: string; slot: PatchSlot }[];
}

/** Where a bound parameter comes from: entry i's path, one of its parents (d segments), its value. */
type PatchSlot = { i: number; k: 'path' | 'inc' | 'num' | 'str' | 'json' } | { i: number; k: 'parent'; d: number };

const VALID_PATCH_KEY = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;
const PROTO_SEGMENT = /(^|\.)__proto__(\.|$)/;
const MAX_PATCH_TEMPLATES = 2000;
const patchTemplates = new Map<string, PatchTemplate>();

/** A value's kind, as far as the SQL differs; null when it cannot be written. */
function patchKind(value: unknown): string | null {
  if (value === undefined) return 'u';
  if (isInc(value)) return Number.isSafeInteger(value.$inc) ? 'i' : 'd';
  switch (typeof value) {
    case 'string':
      return 's';
    case 'number':
      return Number.isFinite(value) ? 'n' : 'z'; // JSON has no NaN/Infinity: stringify writes null
    case 'boolean':
      return value ? 't' : 'f';
    case 'object':
      if (value === null) return 'z';
      // Only a toJSON can make an object's JSON undefined.
      return typeof (value as { toJSON?: unknown }).toJSON === 'function' && JSON.stringify(value) === undefined ? null : 'o';
    default:
      return null;
  }
}

function compilePatch(patch: Patch): { template: PatchTemplate; keys: string[]; values: unknown[] } | null {
  const keys = Object.keys(patch);
  if (keys.length === 0) return null;
  const values: unknown[] = [];
  let shape = '';
  let dotted = false;
  for (const key of keys) {
    if (!VALID_PATCH_KEY.test(key) || PROTO_SEGMENT.test(key)) return null;
    const value = patch[key];
    const kind = patchKind(value);
    if (kind === null) return null;
    values.push(value);
    const dot = key.lastIndexOf('.');
    if (dot >= 0) dotted = true;
    shape += `${kind}${dot >= 0 ? key.slice(0, dot) + '.*' : ''};`;
  }
  // One path inside another (`holds` and `holds.o1`) cannot be one json_set.
  if (dotted) {
    const all = new Set(keys);
    for (const key of keys) {
      for (let at = key.indexOf('.'); at >= 0; at = key.indexOf('.', at + 1)) if (all.has(key.slice(0, at))) return null;
    }
  }
  let template = patchTemplates.get(shape);
  if (!template) {
    template = buildPatchTemplate(shape, keys, values);
    if (patchTemplates.size >= MAX_PATCH_TEMPLATES) patchTemplates.clear();
    patchTemplates.set(shape, template);
  }
  return { template, keys, values };
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function buildPatchTemplate(shape: string, keys: string[], values: unknown[]): PatchTemplate {
  const binds = new Map<string, PatchSlot>();
  const param = (name: string, slot: PatchSlot): string => {
    binds.set(name, slot);
    return `@${name}`;
  };
  // json_set's path/value pairs, each entry in order (the stored key order is JSON.stringify's of
  // applyPatch's result). `parents`: each dotted key's parents, in order of first appearance.
  const pairs: string[] = [];
  const parents = new Map<string, string>();
  /** The pairs with each parent made an object just before the first entry under it. */
  const pairsFixed: string[] = [];
  const asObject = (q: string) => `CASE json_type(doc, ${q}) WHEN 'object' THEN doc -> ${q} ELSE json('{}') END`;
  const removes: string[] = [];
  let dottedDelete = false;
  keys.forEach((key, i) => {
    const segs = key.split('.');
    for (let d = 1; d < segs.length; d++) {
      const parent = segs.slice(0, d).join('.');
      if (parents.has(parent)) continue;
      const q = param(`q${i}_${d}`, { i, k: 'parent', d });
      parents.set(parent, q);
      pairsFixed.push(`${q}, ${asObject(q)}`);
    }
    const before = pairs.length;
    const p = param(`p${i}`, { i, k: 'path' });
    const kind = patchKind(values[i])!;
    if (kind === 'u') {
      removes.push(p);
      if (segs.length > 1) dottedDelete = true;
    } else if (kind === 'i') {
      // As applyPatch adds (doubles): exact integer arithmetic while the value and the sum are
      // safe integers, else floating point (a stored 7.1e16 is not the integer SQLite would read).
      const n = param(`v${i}`, { i, k: 'inc' });
      const v = `json_extract(doc, ${p})`;
      pairs.push(
        `${p}, CASE json_type(doc, ${p}) WHEN 'integer' THEN CASE WHEN abs(${v}) <= ${MAX_SAFE} AND abs(${v} + ${n}) <= ${MAX_SAFE} ` +
          `THEN ${v} + ${n} ELSE CAST(${v} AS REAL) + ${n} END WHEN 'real' THEN ${v} + ${n} ELSE ${n} END`,
      );
    } else if (kind === 'd') {
      const n = param(`v${i}`, { i, k: 'inc' });
      pairs.push(`${p}, CASE WHEN json_type(doc, ${p}) IN ('integer', 'real') THEN CAST(json_extract(doc, ${p}) AS REAL) + ${n} ELSE ${n} END`);
    } else if (kind === 's') pairs.push(`${p}, ${param(`v${i}`, { i, k: 'str' })}`);
    else if (kind === 'n') pairs.push(`${p}, ${param(`v${i}`, { i, k: 'num' })}`);
    else if (kind === 'z') pairs.push(`${p}, json('null')`);
    else if (kind === 't' || kind === 'f') pairs.push(`${p}, json('${kind === 't' ? 'true' : 'false'}')`);
    else pairs.push(`${p}, json(${param(`v${i}`, { i, k: 'json' })})`);
    pairsFixed.push(...pairs.slice(before));
  });
  // A parent that is a scalar or an array becomes {} first, as in applyPatch (json_set cannot
  // descend into it); one that is missing json_set creates in place, where applyPatch would.
  // Usually every parent is an object already: then the document goes in as it is (holds.<orderId>
  // would otherwise re-serialise and re-parse every open order's hold). The values read `doc`,
  // the stored document: a path under a parent that is not an object reads as missing there, as
  // it does in applyPatch's {} — so reading it before or after the fix is the same.
  let base = 'doc';
  let set = pairs;
  if (parents.size > 0 && dottedDelete) {
    // A dotted delete makes its parents objects too (applyPatch does), missing ones included, each
    // where applyPatch makes it.
    set = pairsFixed;
  } else if (parents.size > 0) {
    const qs = [...parents.values()];
    const ok = qs.map((q) => `coalesce(json_type(doc, ${q}), 'object') = 'object'`).join(' AND ');
    base = `CASE WHEN ${ok} THEN doc ELSE json_replace(doc, ${qs.map((q) => `${q}, ${asObject(q)}`).join(', ')}) END`;
  }
  let sql = set.length ? `json_set(${base}, ${set.join(', ')})` : base;
  if (removes.length) sql = `json_remove(${sql}, ${removes.join(', ')})`;
  return { shape, sql, binds: [...binds].map(([name, slot]) => ({ name, slot })) };
}

/** The named parameters of one patch, for its template. */
function bindPatch(template: PatchTemplate, keys: string[], values: unknown[]): Record<string, unknown> {
  const named: Record<string, unknown> = {};
  for (const { name, slot } of template.binds) {
    const key = keys[slot.i]!;
    switch (slot.k) {
      case 'path':
        named[name] = `$.${key}`;
        break;
      case 'parent':
        named[name] = `$.${key.split('.', slot.d).join('.')}`;
        break;
      case 'inc':
        named[name] = bindJsonNumber((values[slot.i] as { $inc: number }).$inc);
        break;
      case 'num':
        named[name] = bindJsonNumber(values[slot.i] as number);
        break;
      case 'str':
        named[name] = values[slot.i];
        break;
      case 'json':
        named[name] = JSON.stringify(values[slot.i]);
        break;
    }
  }
  return named;
}

/**
 * Checkpoints (copying the WAL into the database file, each ending in an fsync) run on a worker
 * thread with its own connection, so no commit waits for one: the main connection's automatic
 * checkpoint is turned off, and the worker runs a PASSIVE checkpoint (never blocks a writer)
 * every CHECKPOINT_EVERY_MS. Durability is unchanged (WAL, synchronous = NORMAL). If the worker
 * cannot run, the main connection checkpoints automatically again.
 */
const CHECKPOINT_EVERY_MS = 200;
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db = null;
// fileMustExist: a worker that starts after its store was closed and its directory removed
// must not create a new database there.
try { db = new Database(workerData.file, { fileMustExist: true }); } catch { process.exit(1); }
const checkpoint = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {} };
const timer = setInterval(checkpoint, workerData.everyMs);
parentPort.on('message', () => {
  clearInterval(timer);
  try { db.close(); } catch {}
  process.exit(0);
});
`;

function startCheckpointer(db: Database.Database, file: string): Worker | null {
  try {
    const worker = new Worker(CHECKPOINT_WORKER, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file, everyMs: CHECKPOINT_EVERY_MS },
    });
    worker.unref();
    db.pragma('wal_autocheckpoint = 0');
    const fallBack = () => {
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    };
    worker.on('error', fallBack);
    worker.on('exit', (code) => {
      if (code !== 0) fallBack();
    });
    return worker;
  } catch {
    return null;
  }
}

class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  /** Nothing holds or waits for the lock: a synchronous job may run at once. */
  get idle(): boolean {
    return this.pending === 0;
  }
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    this.pending += 1;
    const result = this.tail.then(fn);
    this.tail = result.then(
      () => {
        this.pending -= 1;
      },
      () => {
        this.pending -= 1;
      },
    );
    return result;
  }
}

export interface SqliteStoreOptions {
  /** A directory for the database file, or ':memory:'. */
  dataDir: string;
  /**
   * Size of the WAL file above which the main connection starts the log over (default 256 MiB).
   * Under sustained writes the worker's PASSIVE checkpoints never catch up with the end of the
   * log, so SQLite never starts it over by itself and the file grows without bound. Between two
   * transactions a RESTART checkpoint copies the little the worker has not, and the next commit
   * writes the log from its start again, over the file's pages (journal_size_limit cuts the file
   * back to this size then). Not TRUNCATE: emptying a 256 MiB file stalled the writer for
   * ~130 ms, and appending to an empty file costs about three times overwriting an allocated one
   * (measured on this machine's ext4).
   */
  walLimitBytes?: number;
}

/** The connection's page cache, in KiB. */
const SQLITE_CACHE_KIB = 128 * 1024;

/** Master data, read by id far more often than written: kept parsed (see SqliteStore.docCache). */
const CACHED_COLLECTIONS: ReadonlySet<CollectionName> = new Set<CollectionName>([
  'skus', 'prices', 'priceLists', 'levels', 'staff', 'customers', 'products', 'categories',
]);
const MAX_CACHED_DOCS = 100_000;

/** Freezes a parsed document and everything in it: a cached document is shared by its readers. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** How many store calls pass between two looks at the WAL file's size. */
const WAL_CHECK_EVERY = 32;

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  readonly db: Database.Database;
  private readonly mutex = new Mutex();
  /**
   * Set inside a transaction's callback, so that a store call made there (which would wait for
   * the transaction that waits for it) fails at once. Enabled only while a transaction runs: in
   * Node 20 an enabled AsyncLocalStorage installs promise hooks on every promise of the process,
   * which cost a submit (no transaction, ~100 promises) a fifth of its CPU. See transaction().
   */
  private readonly inTx = new AsyncLocalStorage<boolean>();
  private readonly stmtCache = new Map<string, Database.Statement>();
  private checkpointer: Worker | null = null;
  private checkpointerExited: Promise<void> = Promise.resolve();
  private readonly walFile: string | null = null;
  private readonly walLimitBytes: number;
  private callsSinceWalCheck = 0;
  /** SQLite commits made by store calls and transactions (group commit shares one among many). */
  commits = 0;
  /** The open group-commit batch (see exclusive), if any. */
  private batch: { committed: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | null = null;

  constructor(opts: SqliteStoreOptions) {
    this.walLimitBytes = opts.walLimitBytes ?? 256 * 1024 * 1024;
    if (opts.dataDir === ':memory:') {
      this.db = new Database(':memory:');
    } else {
      fs.mkdirSync(opts.dataDir, { recursive: true });
      this.db = new Database(path.join(opts.dataDir, 'dinghuo.sqlite'));
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      // A page cache that holds the working set (the default is 2 MB: a catalog of 10,000 SKUs,
      // its prices and a few thousand orders spill out of it, and every miss is a read syscall).
      this.db.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
      this.db.pragma(`journal_size_limit = ${Math.floor(this.walLimitBytes)}`);
      const worker = startCheckpointer(this.db, path.join(opts.dataDir, 'dinghuo.sqlite'));
      if (worker) this.checkpointerExited = new Promise((resolve) => worker.once('exit', () => resolve()));
      this.checkpointer = worker;
      this.walFile = path.join(opts.dataDir, 'dinghuo.sqlite-wal');
    }
    for (const coll of COLLECTION_NAMES) {
      this.db.exec(`CREATE TABLE IF NOT EXISTS "${coll}" (id TEXT PRIMARY KEY, doc TEXT NOT NULL)`);
      for (const entry of INDEXES[coll] ?? []) {
        const fields = typeof entry === 'string' ? [entry] : entry;
        const name = `ix_${coll}_${fields.map((f) => f.replace(/\[\]$/, '').replace(/\./g, '_')).join('_')}`;
        // (field, id): an equality match comes back in id order, so findAll's pages (ordered by
        // _id) are read from the index without sorting every match for every page. Databases
        // made before this had the single-column index: it is replaced.
        this.db.exec(`DROP INDEX IF EXISTS "${name}"`);
        this.db.exec(`CREATE INDEX IF NOT EXISTS "${name}_id" ON "${coll}" (${fields.map(indexExpr).join(', ')}, id)`);
      }
    }
  }

  /**
   * Commits what is open and closes the connection at once; the promise resolves when the
   * checkpoint worker has closed its own connection too (the database's -wal/-shm files are
   * released then: wait for it before removing the directory).
   */
  close(): Promise<void> {
    if (this.batch) this.commitBatch();
    // The worker is unref'd while the store is open; from here the process waits for its exit
    // (else a script awaiting close() would find its event loop empty and end before it).
    this.checkpointer?.ref();
    this.checkpointer?.postMessage('close');
    this.checkpointer = null;
    this.db.close();
    return this.checkpointerExited;
  }

  // --- the master-data read cache ---------------------------------------------------------

  /**
   * Documents of the master-data collections (CACHED_COLLECTIONS) read by id, parsed once and
   * frozen: a submit reads its 20 SKUs and their price entries, which change rarely, and reading
   * and parsing them was ~0.2 ms of its ~1.3 ms here. An id with no document is kept as null.
   * A write through this store forgets what it writes (updateWhere its whole collection); a
   * commit by any other connection (an import run from the CLI, another process) changes
   * `PRAGMA data_version`, which every cached read checks first, and empties the cache; a failed
   * batch or transaction empties it too. Reads inside a transaction bypass it.
   */
  private readonly docCache = new Map<CollectionName, Map<string, object | null>>();
  private dataVersion: unknown = null;
  private dataVersionStmt: Database.Statement | null = null;

  /**
   * data_version has been read since the open batch began. While a batch is open this connection
   * holds the database's write lock, so no other connection can commit: one look per batch is
   * enough (a submit makes ~5 cached reads, most of them inside some batch).
   */
  private versionSeenInBatch = false;

  /** The cache of a collection, emptied first if another connection has committed since. */
  private cacheOf(coll: CollectionName): Map<string, object | null> | null {
    if (!CACHED_COLLECTIONS.has(coll)) return null;
    if (!(this.batch && this.versionSeenInBatch)) {
      this.dataVersionStmt ??= this.db.prepare('PRAGMA data_version').pluck();
      const version = this.dataVersionStmt.get();
      if (version !== this.dataVersion) {
        this.docCache.clear();
        this.dataVersion = version;
      }
      this.versionSeenInBatch = this.batch !== null;
    }
    let cache = this.docCache.get(coll);
    if (!cache) {
      cache = new Map();
      this.docCache.set(coll, cache);
    }
    if (cache.size > MAX_CACHED_DOCS) cache.clear();
    return cache;
  }

  private forget(coll: CollectionName, id?: string): void {
    const cache = this.docCache.get(coll);
    if (!cache) return;
    if (id === undefined) cache.clear();
    else cache.delete(id);
  }

  private cachedGet<C extends CollectionName>(coll: C, id: string): DocOf<C> | null {
    const cache = this.cacheOf(coll);
    if (!cache) return this.getSync(coll, id);
    const hit = cache.get(id);
    if (hit !== undefined) return hit as DocOf<C> | null;
    const doc = this.getSync(coll, id);
    cache.set(id, doc === null ? null : deepFreeze(doc));
    return doc;
  }

  private cachedGetMany<C extends CollectionName>(coll: C, ids: readonly string[]): DocOf<C>[] {
    const cache = this.cacheOf(coll);
    if (!cache) return this.getManySync(coll, ids);
    const out: DocOf<C>[] = [];
    const missing: string[] = [];
    for (const id of ids) {
      const hit = cache.get(id);
      if (hit === undefined) missing.push(id);
      else if (hit !== null) out.push(hit as DocOf<C>);
    }
    if (missing.length === 0) return out;
    const found = this.getManySync(coll, missing);
    for (const doc of found) {
      cache.set((doc as { _id: string })._id, deepFreeze(doc));
      out.push(doc);
    }
    if (found.length < missing.length) for (const id of missing) if (!cache.has(id)) cache.set(id, null);
    return out;
  }

  /** A cached statement under a short key (a shape), its SQL built only the first time. */
  private stmtFor(key: string, sql: () => string): Database.Statement {
    let s = this.stmtCache.get(key);
    if (!s) {
      s = this.db.prepare(sql());
      this.stmtCache.set(key, s);
    }
    return s;
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmtCache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmtCache.set(sql, s);
    }
    return s;
  }

  /**
   * Runs a synchronous read or write outside any transaction, after the current one ends.
   *
   * Group commit: a write opens a batch (BEGIN IMMEDIATE) if none is open, and the batch commits
   * once the event loop has run what is ready (setImmediate), so the writes of every request in
   * flight share one commit instead of paying one each. A call made while a batch is open
   * answers only after that batch has committed: no caller sees, or acts on, a write that is not
   * yet durable. A statement that fails (a duplicate id, say) fails alone; the batch goes on.
   */
  private exclusive<T>(fn: () => T, kind: 'read' | 'write'): Promise<T> {
    if (this.inTx.getStore()) {
      return Promise.reject(new Error('store call inside a transaction: use the Tx passed to the callback'));
    }
    // The calls are synchronous: when nothing holds or waits for the lock (no transaction
    // callback between its awaits), one runs at once instead of queueing behind a resolved promise.
    if (this.mutex.idle) {
      try {
        const { result, committed } = this.runExclusive(fn, kind);
        return committed ? committed.then(() => result) : Promise.resolve(result);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    return this.mutex
      .run(() => this.runExclusive(fn, kind))
      .then(({ result, committed }) => (committed ? committed.then(() => result) : result));
  }

  /** With the lock held: one call, in the open batch (a write opens one). */
  private runExclusive<T>(fn: () => T, kind: 'read' | 'write'): { result: T; committed: Promise<void> | null } {
    if (kind === 'write' && !this.batch) this.openBatch();
    let result: T;
    try {
      result = fn();
    } catch (e) {
      // Some errors (I/O, disk full) make SQLite roll the whole transaction back: the batch is lost.
      if (this.batch && !this.db.inTransaction) this.failBatch(e);
      throw e;
    }
    if (!this.batch) this.boundWal();
    return { result, committed: this.batch?.committed ?? null };
  }

  private openBatch(): void {
    this.db.exec('BEGIN IMMEDIATE');
    this.versionSeenInBatch = false;
    let resolve!: () => void;
    let reject!: (e: unknown) => void;
    const committed = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    committed.catch(() => undefined); // each waiter gets the rejection; none is unhandled here
    const batch = { committed, resolve, reject };
    this.batch = batch;
    setImmediate(() => {
      void this.mutex.run(() => {
        if (this.batch === batch) this.commitBatch();
      });
    });
  }

  /** Commits the open batch (the mutex held, no transaction callback running). */
  private commitBatch(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = null;
    try {
      this.db.exec('COMMIT');
      this.commits += 1;
    } catch (e) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.docCache.clear();
      batch.reject(e);
      return;
    }
    batch.resolve();
    this.boundWal();
  }

  private failBatch(e: unknown): void {
    this.docCache.clear();
    const batch = this.batch;
    this.batch = null;
    batch?.reject(e);
  }

  /** Called with the mutex held and no transaction open: starts an oversized WAL over (see walLimitBytes). */
  private boundWal(): void {
    if (!this.walFile || ++this.callsSinceWalCheck < WAL_CHECK_EVERY) return;
    this.callsSinceWalCheck = 0;
    let size = 0;
    try {
      size = fs.statSync(this.walFile).size;
    } catch {
      return;
    }
    if (size <= this.walLimitBytes) return;
    try {
      this.db.pragma('wal_checkpoint(RESTART)');
    } catch {
      // busy with the worker's checkpoint: the next look tries again
    }
  }

  // --- synchronous primitives -------------------------------------------------------------

  /** A cached statement answering each row's first column as a plain value (no row object). */
  private pluck(sql: string): Database.Statement {
    const key = `pluck:${sql}`;
    let s = this.stmtCache.get(key);
    if (!s) {
      s = this.db.prepare(sql).pluck();
      this.stmtCache.set(key, s);
    }
    return s;
  }

  getSync<C extends CollectionName>(coll: C, id: string): DocOf<C> | null {
    const doc = this.pluck(`SELECT doc FROM "${coll}" WHERE id = ?`).get(id) as string | undefined;
    return doc === undefined ? null : (JSON.parse(doc) as DocOf<C>);
  }

  /** Documents by id in one statement (the primary key index per id), in no particular order. */
  getManySync<C extends CollectionName>(coll: C, ids: readonly string[]): DocOf<C>[] {
    if (ids.length === 0) return [];
    if (ids.length === 1) {
      const one = this.getSync(coll, ids[0]!);
      return one ? [one] : [];
    }
    const docs = this.pluck(`SELECT doc FROM "${coll}" WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as string[];
    return docs.map((d) => JSON.parse(d) as DocOf<C>);
  }

  insertSync<C extends CollectionName>(coll: C, doc: DocOf<C>): void {
    const id = (doc as { _id: string })._id;
    this.forget(coll, id);
    try {
      this.stmt(`INSERT INTO "${coll}" (id, doc) VALUES (?, ?)`).run(id, JSON.stringify(doc));
    } catch (e) {
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw Object.assign(new Error(`duplicate id ${coll}/${id}`), { code: 'DUPLICATE_ID' });
      }
      throw e;
    }
  }

  setSync<C extends CollectionName>(coll: C, doc: DocOf<C>): void {
    const id = (doc as { _id: string })._id;
    this.forget(coll, id);
    this.stmt(`INSERT INTO "${coll}" (id, doc) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET doc = excluded.doc`).run(
      id,
      JSON.stringify(doc),
    );
  }

  patchSync<C extends CollectionName>(coll: C, id: string, patch: Patch): boolean {
    this.forget(coll, id);
    // One UPDATE with json_set (patchSql): no read, parse, clone and re-serialise. Patches it
    // cannot write exactly go through applyPatch.
    const compiled = compilePatch(patch);
    if (compiled) {
      const { template, keys, values } = compiled;
      const named = bindPatch(template, keys, values);
      const info = this.stmtFor(`P\u0000${coll}\u0000${template.shape}`, () => `UPDATE "${coll}" SET doc = ${template.sql} WHERE id = ?`).run(id, named);
      return info.changes > 0;
    }
    const current = this.getSync(coll, id);
    if (!current) return false;
    const next = applyPatch(current as object, patch);
    this.stmt(`UPDATE "${coll}" SET doc = ? WHERE id = ?`).run(JSON.stringify(next), id);
    return true;
  }

  removeSync<C extends CollectionName>(coll: C, id: string): void {
    this.forget(coll, id);
    this.stmt(`DELETE FROM "${coll}" WHERE id = ?`).run(id);
  }

  findSync<C extends CollectionName>(coll: C, filter: Filter, opts: QueryOptions): DocOf<C>[] {
    if (opts.limit > MAX_QUERY_LIMIT) throw new Error(`limit over ${MAX_QUERY_LIMIT}`);
    const params: unknown[] = [];
    const shape = filterShape(filter, params);
    const orderBy = opts.orderBy ?? [];
    const key = `F\u0000${coll}\u0000${shape}\u0000${orderBy.map(([f, d]) => `${f} ${d}`).join(',')}`;
    params.push(opts.limit, opts.skip ?? 0);
    const rows = this.stmtFor(key, () => {
      const where = compileFilter(filter, []);
      const order = orderBy.map(([f, d]) => `${fieldExpr(f)} ${d === 'desc' ? 'DESC' : 'ASC'}`);
      return `SELECT doc FROM "${coll}" WHERE ${where}` + (order.length ? ` ORDER BY ${order.join(', ')}` : '') + ` LIMIT ? OFFSET ?`;
    }).all(...params) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as DocOf<C>);
  }

  countSync<C extends CollectionName>(coll: C, filter: Filter): number {
    const params: unknown[] = [];
    const shape = filterShape(filter, params);
    const row = this.stmtFor(`C\u0000${coll}\u0000${shape}`, () => `SELECT count(*) AS n FROM "${coll}" WHERE ${compileFilter(filter, [])}`).get(
      ...params,
    ) as { n: number };
    return row.n;
  }

  // --- Store -------------------------------------------------------------------------------

  get<C extends CollectionName>(coll: C, id: string): Promise<DocOf<C> | null> {
    return this.exclusive(() => this.cachedGet(coll, id), 'read');
  }

  getMany<C extends CollectionName>(coll: C, ids: readonly string[]): Promise<DocOf<C>[]> {
    return this.exclusive(() => this.cachedGetMany(coll, [...new Set(ids)]), 'read');
  }

  find<C extends CollectionName>(coll: C, filter: Filter, opts: QueryOptions): Promise<DocOf<C>[]> {
    return this.exclusive(() => this.findSync(coll, filter, opts), 'read');
  }

  count<C extends CollectionName>(coll: C, filter: Filter): Promise<number> {
    return this.exclusive(() => this.countSync(coll, filter), 'read');
  }

  insert<C extends CollectionName>(coll: C, doc: DocOf<C>): Promise<void> {
    return this.exclusive(() => this.insertSync(coll, doc), 'write');
  }

  set<C extends CollectionName>(coll: C, doc: DocOf<C>): Promise<void> {
    return this.exclusive(() => this.setSync(coll, doc), 'write');
  }

  patch<C extends CollectionName>(coll: C, id: string, patch: Patch): Promise<void> {
    return this.exclusive(() => {
      this.patchSync(coll, id, patch);
    }, 'write');
  }

  updateWhere<C extends CollectionName>(coll: C, filter: Filter, patch: Patch): Promise<number> {
    return this.exclusive(() => {
      this.forget(coll);
      const compiled = compilePatch(patch);
      if (compiled) {
        // One statement: the match and the write are atomic (also against other connections on
        // the same file), and the count is of the documents matched.
        const { template, keys, values } = compiled;
        const params: unknown[] = [];
        const shape = filterShape(filter, params);
        params.push(bindPatch(template, keys, values));
        return this.stmtFor(
          `U\u0000${coll}\u0000${template.shape}\u0000${shape}`,
          () => `UPDATE "${coll}" SET doc = ${template.sql} WHERE ${compileFilter(filter, [])}`,
        ).run(...params).changes;
      }
      return this.db.transaction(() => {
        const params: unknown[] = [];
        const where = compileFilter(filter, params);
        const rows = this.stmt(`SELECT id FROM "${coll}" WHERE ${where}`).all(...params) as { id: string }[];
        for (const r of rows) this.patchSync(coll, r.id, patch);
        return rows.length;
        // Inside the open batch this is a savepoint of it; IMMEDIATE when alone.
      }).immediate();
    }, 'write');
  }

  remove<C extends CollectionName>(coll: C, id: string): Promise<void> {
    return this.exclusive(() => this.removeSync(coll, id), 'write');
  }

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    if (this.inTx.getStore()) return Promise.reject(new Error('nested transaction'));
    return this.mutex.run(async () => {
      // A transaction stands alone: the open batch commits first (its callers then answered).
      this.commitBatch();
      let open = true;
      const guard = () => {
        if (!open) throw new Error('transaction already ended');
      };
      const tx: Tx = {
        get: async (c, id) => (guard(), this.getSync(c, id)),
        set: async (c, doc) => (guard(), this.setSync(c, doc)),
        insert: async (c, doc) => (guard(), this.insertSync(c, doc)),
        patch: async (c, id, p) => {
          guard();
          if (!this.patchSync(c, id, p)) throw new Error(`patch of missing document ${c}/${id}`);
        },
        remove: async (c, id) => (guard(), this.removeSync(c, id)),
      };
      this.db.exec('BEGIN IMMEDIATE');
      try {
        // run() enables the AsyncLocalStorage (and with it the process's promise hooks) ...
        const result = await this.inTx.run(true, () => fn(tx));
        open = false;
        this.db.exec('COMMIT');
        this.commits += 1;
        this.boundWal();
        return result;
      } catch (e) {
        open = false;
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        this.docCache.clear();
        throw e;
      } finally {
        // ... and this turns them off again: transactions hold the mutex one at a time, so none
        // is running now, and outside one getStore() is to answer undefined anyway (the next
        // transaction's run() enables it again).
        this.inTx.disable();
      }
    });
  }
}
