/**
 * A local stand-in for the Cloudbase database HTTP API, for tests only. @cloudbase/node-sdk
 * (3.18.3, pinned) is pointed at it with `serviceUrl` (or TCB_CONTEXT_CNFG, PLATFORM.md), so the
 * REAL SDK builds and serializes every request; this server records each one and answers it from
 * in-memory documents.
 *
 * Wire protocol (read from node_modules/@cloudbase/database/src, @cloudbase/database 1.4.3): every
 * call is `POST /admin?env=…&seqId=…` with a JSON body `{ action, collectionName, … }`; queries,
 * updates and documents travel as canonical EJSON strings. The actions the SDK uses:
 * - database.getDocument       {query, queryType: 'DOC'|'WHERE', order?, offset?, limit, transactionId?}
 *                              → {data: {list: [ejson…]}}
 * - database.calculateDocument {query, queryType: 'WHERE'} → {data: {total}}   (never carries a tx)
 * - database.insertDocument    {data: [ejson…], transactionId?} → {data: {insertedIds}}
 * - database.modifyDocument    {query, queryType, data, multi, merge, upsert, transactionId?}
 *                              → {data: {updated, upsert_id?}}   (merge: false = replace (doc.set))
 * - database.removeDocument    {query, queryType, multi, transactionId?} → {data: {deleted}}
 * - database.startTransaction  {} → {transactionId}
 * - database.commitTransaction / database.abortTransaction {transactionId} → {}
 * - functions.invokeFunction    {function_name, request_data: JSON text of the event}
 *                              → {data: {response_data: JSON text of main's answer}}
 *                              (app.callFunction; answered by `options.functions`, see there)
 * An error is answered as `{code, message}`; the SDK throws it (runTransaction retries
 * DATABASE_TRANSACTION_CONFLICT).
 *
 * Semantics, as PLATFORM.md describes Cloudbase (MongoDB underneath):
 * - queries and updates are evaluated with mingo;
 * - a transaction reads a snapshot taken when it starts (plus its own writes); its writes are
 *   buffered and applied atomically at commit;
 * - a transactional write to a document that another open transaction has written, or that was
 *   committed after this transaction's snapshot, fails with DATABASE_TRANSACTION_CONFLICT and
 *   aborts the transaction;
 * - a non-transactional write to a document held by an open transaction waits until it ends;
 * - an insert of an existing _id fails with DATABASE_DUPLICATE_WRITE;
 * - `updated` counts documents actually modified (as MongoDB's nModified).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Query, update as mingoUpdate } from 'mingo';

type Doc = Record<string, unknown> & { _id: string };

/** One request as the SDK sent it, with its EJSON strings decoded. */
export interface RecordedRequest {
  seq: number;
  action: string;
  collectionName?: string;
  /** The transaction the request carries (for startTransaction: the id it was given). */
  transactionId?: string;
  queryType?: 'DOC' | 'WHERE';
  query?: Record<string, unknown>;
  /** modifyDocument: the update (or replacement); insertDocument: the documents. */
  data?: unknown;
  order?: Record<string, number>;
  offset?: number;
  limit?: number;
  multi?: boolean;
  merge?: boolean;
  upsert?: boolean;
  /** The body exactly as received. */
  body: Record<string, unknown>;
  url: string;
  /** The error code answered, if any. */
  error?: string;
  /** When the request arrived and when its answer left (performance.now(), ms). */
  startedAt: number;
  endedAt?: number;
  /** The fault injected into this request, if any. */
  fault?: Fault;
}

/**
 * A fault injected into one request:
 * - 'lost-response': the request is carried out, then the connection is cut before the answer
 *   (the caller cannot know whether it happened);
 * - 'timeout': the request is not carried out; no answer comes for `faultDelayMs`, then the
 *   connection is cut (as a gateway timeout looks to the SDK);
 * - 'conflict': answered DATABASE_TRANSACTION_CONFLICT without being carried out;
 * - 'drop': not carried out, the connection cut at once (the caller died, or the network did).
 */
export type Fault = 'lost-response' | 'timeout' | 'conflict' | 'drop';

/**
 * Sequential round trips in a set of requests: the most requests of it that ran one after
 * another (each arriving after the previous one's answer left), i.e. the longest chain of
 * requests that did not overlap in time. Requests sent in parallel overlap (each is in flight for
 * at least the emulator's latency), so they count once.
 */
export function sequentialRoundTrips(requests: readonly RecordedRequest[]): number {
  const spans = requests
    .filter((r) => r.endedAt !== undefined)
    .map((r) => [r.startedAt, r.endedAt!] as const)
    .sort((a, b) => a[1] - b[1]);
  let count = 0;
  let lastEnd = -Infinity;
  for (const [start, end] of spans) {
    if (start >= lastEnd) {
      count++;
      lastEnd = end;
    }
  }
  return count;
}

export interface EmulatorOptions {
  /** Milliseconds to wait before answering each request (widens race windows). */
  latencyMs?: number | ((req: RecordedRequest) => number);
  /** How long a non-transactional write waits for a transaction's lock (default 5000 ms). */
  lockWaitMs?: number;
  /**
   * Runs a cloud function for app.callFunction: the test wires this to the functions' mains
   * (e.g. the local runtime's invoke with no openid, which is what a call made with the
   * environment's secret keys looks like). Without it, invokeFunction answers FUNCTIONS_NOT_FOUND.
   */
  functions?: (name: string, event: unknown) => Promise<unknown>;
  /** Faults to inject: called for every request (after it is recorded); see Fault. */
  fault?: (req: RecordedRequest) => Fault | undefined;
  /** How long a 'timeout' fault holds the connection before cutting it (default 200 ms). */
  faultDelayMs?: number;
}

interface Version {
  seq: number;
  doc: Doc | null;
}

interface Txn {
  id: string;
  snapshot: number;
  writes: Map<string, { coll: string; id: string; doc: Doc | null }>;
  state: 'open' | 'committed' | 'aborted';
}

class EmulatorError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

// --- canonical EJSON, the subset the SDK produces ------------------------------------------

/** Decodes canonical EJSON (as bson's EJSON.stringify(…, {relaxed: false}) writes it). */
export function fromEJSON(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromEJSON);
  if (value === null || typeof value !== 'object') return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  if (keys.length === 1) {
    const k = keys[0]!;
    const v = obj[k];
    switch (k) {
      case '$numberInt':
      case '$numberLong':
      case '$numberDouble':
      case '$numberDecimal':
        return Number(v);
      case '$regularExpression': {
        const { pattern, options } = v as { pattern: string; options: string };
        return new RegExp(pattern, options);
      }
      case '$date': {
        const d = v as { $numberLong?: string } | string | number;
        return new Date(typeof d === 'object' ? Number(d.$numberLong) : d);
      }
      case '$oid':
        return String(v);
      default:
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = fromEJSON(obj[k]);
  return out;
}

/** Encodes a stored document the way the server answers (canonical EJSON numbers). */
export function toEJSON(value: unknown): unknown {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && !Object.is(value, -0)) {
      return Math.abs(value) <= 0x7fffffff ? { $numberInt: String(value) } : { $numberLong: String(value) };
    }
    return { $numberDouble: String(value) };
  }
  if (Array.isArray(value)) return value.map(toEJSON);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toEJSON(v);
  return out;
}

function parseEJSONString(text: unknown): unknown {
  return typeof text === 'string' ? fromEJSON(JSON.parse(text)) : text;
}

const UPDATE_OPERATORS = new Set([
  '$set', '$unset', '$inc', '$mul', '$min', '$max', '$push', '$pull', '$pullAll', '$addToSet', '$pop', '$rename',
]);

function isOperatorUpdate(update: Record<string, unknown>): boolean {
  return Object.keys(update).some((k) => k.startsWith('$'));
}

/** Applies an update document ({$set, $inc, $unset, …}) to a copy; reports whether it changed. */
function applyUpdate(doc: Doc, update: Record<string, unknown>): { doc: Doc; changed: boolean } {
  const next = structuredClone(doc);
  let changed = false;
  for (const [op, expr] of Object.entries(update)) {
    if (!UPDATE_OPERATORS.has(op)) throw new EmulatorError('INVALID_PARAM', `unsupported update operator ${op}`);
    if (expr && typeof expr === 'object' && '_id' in (expr as object)) {
      throw new EmulatorError('INVALID_PARAM', '不能更新_id的值');
    }
    const paths = mingoUpdate(next, { [op]: expr } as never);
    if (paths.length > 0) changed = true;
  }
  return { doc: next, changed };
}

/** The ids a query pins its _id to (equality or $in, at the top or inside a top-level $and), else null. */
function idsNamedBy(query: Record<string, unknown> | undefined): string[] | null {
  if (!query) return null;
  const id = query._id;
  if (typeof id === 'string') return [id];
  if (id && typeof id === 'object') {
    const ops = id as Record<string, unknown>;
    if (typeof ops.$eq === 'string') return [ops.$eq];
    if (Array.isArray(ops.$in) && ops.$in.every((x) => typeof x === 'string')) return ops.$in as string[];
  }
  if (Array.isArray(query.$and)) {
    for (const part of query.$and) {
      const ids = idsNamedBy(part as Record<string, unknown>);
      if (ids) return ids;
    }
  }
  return null;
}

function keyOf(coll: string, id: string): string {
  return `${coll}\u0000${id}`;
}

function idFromDocQuery(query: Record<string, unknown> | undefined): string {
  const id = query?._id;
  if (typeof id !== 'string' && typeof id !== 'number') throw new EmulatorError('INVALID_PARAM', 'DOC query without _id');
  return String(id);
}

export class CloudbaseEmulator {
  readonly requests: RecordedRequest[] = [];
  private readonly collections = new Map<string, Map<string, Version[]>>();
  private readonly txns = new Map<string, Txn>();
  private readonly locks = new Map<string, string>();
  private readonly lockWaiters = new Map<string, (() => void)[]>();
  private seq = 0;
  private requestSeq = 0;
  /** Replaces options.fault (tests switch faults on and off between steps). */
  fault: ((req: RecordedRequest) => Fault | undefined) | undefined;
  private txnSeq = 0;
  private server: http.Server | null = null;
  url = '';

  constructor(private readonly options: EmulatorOptions = {}) {
    this.fault = options.fault;
  }

  /** Changes the latency of every later request. */
  setLatency(latencyMs: EmulatorOptions['latencyMs']): void {
    this.options.latencyMs = latencyMs;
  }

  static async start(options: EmulatorOptions = {}): Promise<CloudbaseEmulator> {
    const emu = new CloudbaseEmulator(options);
    await emu.listen();
    return emu;
  }

  private listen(): Promise<void> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.answer(req.url ?? '', Buffer.concat(chunks).toString('utf8')).then(({ payload, cut }) => {
          if (cut) {
            req.socket.destroy();
            return;
          }
          res.setHeader('content-type', 'application/json');
          res.end(JSON.stringify(payload));
        });
      });
    });
    // Idle keep-alive sockets stay open longer than the SDK's agent keeps them (agentkeepalive
    // frees them after a few seconds): with Node's default 5 s, a loaded machine's late timers let
    // the server close a socket the SDK is just reusing, an ECONNRESET no real gateway causes.
    server.keepAliveTimeout = 60_000;
    this.server = server;
    return new Promise((resolve) => {
      server.listen(0, '127.0.0.1', () => {
        this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin`;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // --- test helpers --------------------------------------------------------------------------

  /** Committed documents of a collection, sorted by _id. */
  docs(coll: string): Doc[] {
    const out: Doc[] = [];
    for (const versions of this.collections.get(coll)?.values() ?? []) {
      const doc = versions[versions.length - 1]?.doc;
      if (doc) out.push(structuredClone(doc));
    }
    return out.sort((a, b) => (a._id < b._id ? -1 : a._id > b._id ? 1 : 0));
  }

  /** Writes documents directly, outside the wire protocol (fast test fixtures). */
  put(coll: string, docs: readonly Record<string, unknown>[]): void {
    const seq = ++this.seq;
    for (const d of docs) this.write(coll, String(d._id), structuredClone(d) as Doc, seq);
  }

  /** Requests recorded since the last call (and forgets them). */
  takeRequests(): RecordedRequest[] {
    return this.requests.splice(0, this.requests.length);
  }

  openTransactions(): number {
    return [...this.txns.values()].filter((t) => t.state === 'open').length;
  }

  // --- storage -------------------------------------------------------------------------------

  private versionsOf(coll: string, id: string): Version[] | undefined {
    return this.collections.get(coll)?.get(id);
  }

  private latest(coll: string, id: string): Doc | null {
    const v = this.versionsOf(coll, id);
    return v?.[v.length - 1]?.doc ?? null;
  }

  private latestSeq(coll: string, id: string): number {
    const v = this.versionsOf(coll, id);
    return v?.[v.length - 1]?.seq ?? 0;
  }

  private atSnapshot(coll: string, id: string, snapshot: number): Doc | null {
    const versions = this.versionsOf(coll, id) ?? [];
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i]!.seq <= snapshot) return versions[i]!.doc;
    }
    return null;
  }

  /** What a transaction sees: its own writes, else its snapshot. */
  private view(txn: Txn, coll: string, id: string): Doc | null {
    const own = txn.writes.get(keyOf(coll, id));
    if (own) return own.doc;
    return this.atSnapshot(coll, id, txn.snapshot);
  }

  private write(coll: string, id: string, doc: Doc | null, seq: number): void {
    let c = this.collections.get(coll);
    if (!c) this.collections.set(coll, (c = new Map()));
    let versions = c.get(id);
    if (!versions) c.set(id, (versions = []));
    versions.push({ seq, doc: doc ? structuredClone(doc) : null });
  }

  /** Committed documents of a collection (latest versions), or a transaction's snapshot view. */
  private visibleDocs(coll: string, txn: Txn | null, query?: Record<string, unknown>): Doc[] {
    // A query naming its _id (or a list of them) reads those documents only, as an index would.
    const byId = idsNamedBy(query);
    const ids = new Set<string>(byId ?? this.collections.get(coll)?.keys() ?? []);
    if (txn) for (const w of txn.writes.values()) if (w.coll === coll) ids.add(w.id);
    const out: Doc[] = [];
    for (const id of ids) {
      const doc = txn ? this.view(txn, coll, id) : this.latest(coll, id);
      if (doc) out.push(doc);
    }
    return out;
  }

  // --- locks ---------------------------------------------------------------------------------

  private release(txn: Txn): void {
    for (const key of txn.writes.keys()) {
      if (this.locks.get(key) === txn.id) {
        this.locks.delete(key);
        const waiters = this.lockWaiters.get(key) ?? [];
        this.lockWaiters.delete(key);
        for (const w of waiters) w();
      }
    }
  }

  /** Waits until no open transaction holds any of the keys (a non-transactional write). */
  private async waitUnlocked(keys: () => string[]): Promise<void> {
    const deadline = Date.now() + (this.options.lockWaitMs ?? 5000);
    for (;;) {
      const held = keys().find((k) => this.locks.has(k));
      if (held === undefined) return;
      if (Date.now() > deadline) throw new EmulatorError('DATABASE_REQUEST_FAILED', 'lock wait timeout');
      await new Promise<void>((resolve) => {
        const list = this.lockWaiters.get(held) ?? [];
        list.push(resolve);
        this.lockWaiters.set(held, list);
        setTimeout(resolve, 50);
      });
    }
  }

  /** A transaction takes the write lock on a document, or conflicts (and is aborted). */
  private lockFor(txn: Txn, coll: string, id: string): void {
    const key = keyOf(coll, id);
    const holder = this.locks.get(key);
    if ((holder !== undefined && holder !== txn.id) || this.latestSeq(coll, id) > txn.snapshot) {
      this.abort(txn);
      throw new EmulatorError('DATABASE_TRANSACTION_CONFLICT', `write conflict on ${coll}/${id}`);
    }
    this.locks.set(key, txn.id);
  }

  private abort(txn: Txn): void {
    if (txn.state !== 'open') return;
    txn.state = 'aborted';
    this.release(txn);
  }

  private openTxn(id: unknown): Txn | null {
    if (id === undefined || id === null || id === '') return null;
    const txn = this.txns.get(String(id));
    if (!txn) throw new EmulatorError('DATABASE_TRANSACTION_FAIL', `unknown transaction ${String(id)}`);
    if (txn.state !== 'open') throw new EmulatorError('DATABASE_TRANSACTION_FAIL', `transaction ${txn.id} is ${txn.state}`);
    return txn;
  }

  // --- request handling ------------------------------------------------------------------------

  private async answer(url: string, text: string): Promise<{ payload: Record<string, unknown>; cut: boolean }> {
    const startedAt = performance.now();
    const payload = await this.answerRecorded(url, text, startedAt);
    const rec = this.lastRecorded.get(payload.requestId as string);
    this.lastRecorded.delete(payload.requestId as string);
    if (rec) rec.endedAt = performance.now();
    const f = rec?.fault;
    if (f === 'timeout') await new Promise((r) => setTimeout(r, this.options.faultDelayMs ?? 200));
    return { payload, cut: f === 'lost-response' || f === 'timeout' || f === 'drop' };
  }

  private readonly lastRecorded = new Map<string, RecordedRequest>();

  private async answerRecorded(url: string, text: string, startedAt: number): Promise<Record<string, unknown>> {
    const requestId = `emu-${++this.requestSeq}`;
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(text || '{}') as Record<string, unknown>;
    } catch {
      return { code: 'INVALID_PARAM', message: 'body is not JSON', requestId };
    }
    const rec: RecordedRequest = {
      seq: this.requestSeq,
      action: String(body.action ?? ''),
      body,
      url,
      startedAt,
    };
    this.lastRecorded.set(requestId, rec);
    try {
      if (typeof body.collectionName === 'string') rec.collectionName = body.collectionName;
      if (body.transactionId !== undefined) rec.transactionId = String(body.transactionId);
      if (body.queryType === 'DOC' || body.queryType === 'WHERE') rec.queryType = body.queryType;
      if (body.query !== undefined) rec.query = parseEJSONString(body.query) as Record<string, unknown>;
      if (body.data !== undefined) {
        rec.data = Array.isArray(body.data) ? body.data.map(parseEJSONString) : parseEJSONString(body.data);
      }
      if (body.order !== undefined) rec.order = parseEJSONString(body.order) as Record<string, number>;
      if (typeof body.offset === 'number') rec.offset = body.offset;
      if (typeof body.limit === 'number') rec.limit = body.limit;
      if (typeof body.multi === 'boolean') rec.multi = body.multi;
      if (typeof body.merge === 'boolean') rec.merge = body.merge;
      if (typeof body.upsert === 'boolean') rec.upsert = body.upsert;
    } catch (e) {
      this.requests.push(rec);
      rec.error = 'INVALID_PARAM';
      return { code: 'INVALID_PARAM', message: String(e), requestId };
    }
    this.requests.push(rec);
    const latency = typeof this.options.latencyMs === 'function' ? this.options.latencyMs(rec) : this.options.latencyMs;
    if (latency) await new Promise((r) => setTimeout(r, latency));
    const fault = this.fault?.(rec);
    if (fault) {
      rec.fault = fault;
      if (fault !== 'lost-response') {
        rec.error = fault === 'conflict' ? 'DATABASE_TRANSACTION_CONFLICT' : fault.toUpperCase();
        if (fault === 'conflict') {
          const txn = rec.transactionId ? this.txns.get(rec.transactionId) : undefined;
          if (txn) this.abort(txn);
        }
        return { code: 'DATABASE_TRANSACTION_CONFLICT', message: `injected ${fault}`, requestId };
      }
    }
    try {
      return { requestId, ...(await this.dispatch(rec)) };
    } catch (e) {
      const code = e instanceof EmulatorError ? e.code : 'SYS_ERR';
      rec.error = code;
      return { code, message: (e as Error).message, requestId };
    }
  }

  private async dispatch(r: RecordedRequest): Promise<Record<string, unknown>> {
    switch (r.action) {
      case 'database.startTransaction': {
        const txn: Txn = { id: `txn-${++this.txnSeq}`, snapshot: this.seq, writes: new Map(), state: 'open' };
        this.txns.set(txn.id, txn);
        r.transactionId = txn.id; // recorded: the id this start answered
        return { transactionId: txn.id };
      }
      case 'database.commitTransaction': {
        const txn = this.openTxn(r.body.transactionId);
        if (!txn) throw new EmulatorError('INVALID_PARAM', 'transactionId required');
        const seq = ++this.seq;
        for (const w of txn.writes.values()) this.write(w.coll, w.id, w.doc, seq);
        txn.state = 'committed';
        this.release(txn);
        return {};
      }
      case 'database.abortTransaction': {
        const txn = this.txns.get(String(r.body.transactionId));
        if (!txn) throw new EmulatorError('DATABASE_TRANSACTION_FAIL', 'unknown transaction');
        if (txn.state === 'committed') throw new EmulatorError('DATABASE_TRANSACTION_FAIL', 'already committed');
        this.abort(txn);
        return {};
      }
      case 'database.getDocument':
        return this.getDocument(r);
      case 'database.calculateDocument': {
        const coll = this.requireColl(r);
        const q = new Query(r.query ?? {});
        return { data: { total: this.visibleDocs(coll, null, r.query).filter((d) => q.test(d)).length } };
      }
      case 'database.insertDocument':
        return this.insertDocument(r);
      case 'database.modifyDocument':
        return this.modifyDocument(r);
      case 'database.removeDocument':
        return this.removeDocument(r);
      case 'functions.invokeFunction':
        return this.invokeFunction(r);
      default:
        throw new EmulatorError('INVALID_PARAM', `action not emulated: ${r.action}`);
    }
  }

  private async invokeFunction(r: RecordedRequest): Promise<Record<string, unknown>> {
    const name = r.body.function_name;
    if (typeof name !== 'string' || !name) throw new EmulatorError('INVALID_PARAM', 'function_name required');
    if (!this.options.functions) throw new EmulatorError('FUNCTIONS_NOT_FOUND', `no function ${name}`);
    const text = r.body.request_data;
    let event: unknown = {};
    if (typeof text === 'string' && text !== '') {
      try {
        event = JSON.parse(text);
      } catch {
        throw new EmulatorError('INVALID_PARAM', 'request_data is not JSON');
      }
    }
    const result = await this.options.functions(name, event);
    return { data: { response_data: JSON.stringify(result ?? null) } };
  }

  private requireColl(r: RecordedRequest): string {
    if (!r.collectionName) throw new EmulatorError('INVALID_PARAM', 'collectionName required');
    return r.collectionName;
  }

  private getDocument(r: RecordedRequest): Record<string, unknown> {
    const coll = this.requireColl(r);
    const txn = this.openTxn(r.body.transactionId);
    let docs: Doc[];
    if (r.queryType === 'DOC') {
      const id = idFromDocQuery(r.query);
      const doc = txn ? this.view(txn, coll, id) : this.latest(coll, id);
      docs = doc ? [doc] : [];
    } else {
      // Cloudbase carries only doc-by-id reads in a transaction; a query would run outside it.
      if (txn) throw new EmulatorError('INVALID_PARAM', 'a query inside a transaction is not supported');
      const limit = r.limit ?? 100;
      if (limit > 1000) throw new EmulatorError('INVALID_PARAM', 'limit over 1000');
      let cursor = new Query(r.query ?? {}).find<Doc>(this.visibleDocs(coll, txn, r.query));
      if (r.order && Object.keys(r.order).length > 0) cursor = cursor.sort(r.order);
      if (r.offset) cursor = cursor.skip(r.offset);
      docs = cursor.limit(limit).all();
    }
    return { data: { list: docs.map((d) => JSON.stringify(toEJSON(d))) } };
  }

  private async insertDocument(r: RecordedRequest): Promise<Record<string, unknown>> {
    const coll = this.requireColl(r);
    const txn = this.openTxn(r.body.transactionId);
    const docs = (r.data as Doc[]).map((d) => {
      if (d._id === undefined) return { ...d, _id: `emu_${(++this.requestSeq).toString(36)}` };
      return d;
    });
    if (txn) {
      for (const d of docs) {
        if (this.view(txn, coll, d._id)) {
          throw new EmulatorError('DATABASE_DUPLICATE_WRITE', `duplicate _id ${coll}/${d._id}`);
        }
        this.lockFor(txn, coll, d._id);
        txn.writes.set(keyOf(coll, d._id), { coll, id: d._id, doc: d });
      }
    } else {
      await this.waitUnlocked(() => docs.map((d) => keyOf(coll, d._id)));
      for (const d of docs) {
        if (this.latest(coll, d._id)) throw new EmulatorError('DATABASE_DUPLICATE_WRITE', `duplicate _id ${coll}/${d._id}`);
      }
      const seq = ++this.seq;
      for (const d of docs) this.write(coll, d._id, d, seq);
    }
    return { data: { insertedIds: docs.map((d) => d._id) } };
  }

  private async modifyDocument(r: RecordedRequest): Promise<Record<string, unknown>> {
    const coll = this.requireColl(r);
    const txn = this.openTxn(r.body.transactionId);
    const update = (r.data ?? {}) as Record<string, unknown>;
    const replace = r.merge === false;
    if (replace && isOperatorUpdate(update)) throw new EmulatorError('INVALID_PARAM', 'replacement with operators');
    if (!replace && !isOperatorUpdate(update)) {
      throw new EmulatorError('INVALID_PARAM', 'merge update without operators');
    }

    const compute = (current: Doc | null, id: string): { doc: Doc | null; changed: boolean } => {
      if (replace) {
        if (!current && !r.upsert) return { doc: null, changed: false };
        const doc = { ...(update as Record<string, unknown>), _id: id } as Doc;
        return { doc, changed: JSON.stringify(doc) !== JSON.stringify(current) };
      }
      if (!current) return { doc: null, changed: false };
      return applyUpdate(current, update);
    };

    if (r.queryType === 'DOC') {
      const id = idFromDocQuery(r.query);
      if (txn) {
        const current = this.view(txn, coll, id);
        const { doc, changed } = compute(current, id);
        if (doc && changed) {
          this.lockFor(txn, coll, id);
          txn.writes.set(keyOf(coll, id), { coll, id, doc });
        }
        return { data: { updated: current && changed ? 1 : 0, ...(current || !doc ? {} : { upsert_id: id }) } };
      }
      await this.waitUnlocked(() => [keyOf(coll, id)]);
      const current = this.latest(coll, id);
      const { doc, changed } = compute(current, id);
      if (doc && changed) this.write(coll, id, doc, ++this.seq);
      return { data: { updated: current && changed ? 1 : 0, ...(current || !doc ? {} : { upsert_id: id }) } };
    }

    // A WHERE update: never part of a transaction (the SDK does not even send the transactionId).
    if (txn) throw new EmulatorError('INVALID_PARAM', 'where update inside a transaction is not supported');
    if (replace || r.upsert) throw new EmulatorError('INVALID_PARAM', 'where update must merge without upsert');
    const q = new Query(r.query ?? {});
    const matching = (): Doc[] => this.visibleDocs(coll, null, r.query).filter((d) => q.test(d));
    await this.waitUnlocked(() => matching().map((d) => keyOf(coll, d._id)));
    const targets = r.multi === false ? matching().slice(0, 1) : matching();
    const seq = this.seq + 1;
    let updated = 0;
    for (const current of targets) {
      const { doc, changed } = applyUpdate(current, update);
      if (changed && doc) {
        this.write(coll, current._id, doc, seq);
        updated++;
      }
    }
    if (updated > 0) this.seq = seq;
    return { data: { updated } };
  }

  private async removeDocument(r: RecordedRequest): Promise<Record<string, unknown>> {
    const coll = this.requireColl(r);
    const txn = this.openTxn(r.body.transactionId);
    if (r.queryType === 'DOC') {
      const id = idFromDocQuery(r.query);
      if (txn) {
        if (!this.view(txn, coll, id)) return { data: { deleted: 0 } };
        this.lockFor(txn, coll, id);
        txn.writes.set(keyOf(coll, id), { coll, id, doc: null });
        return { data: { deleted: 1 } };
      }
      await this.waitUnlocked(() => [keyOf(coll, id)]);
      if (!this.latest(coll, id)) return { data: { deleted: 0 } };
      this.write(coll, id, null, ++this.seq);
      return { data: { deleted: 1 } };
    }
    if (txn) throw new EmulatorError('INVALID_PARAM', 'where remove inside a transaction is not supported');
    const q = new Query(r.query ?? {});
    const matching = (): Doc[] => this.visibleDocs(coll, null, r.query).filter((d) => q.test(d));
    await this.waitUnlocked(() => matching().map((d) => keyOf(coll, d._id)));
    const targets = r.multi === false ? matching().slice(0, 1) : matching();
    if (targets.length === 0) return { data: { deleted: 0 } };
    const seq = ++this.seq;
    for (const d of targets) this.write(coll, d._id, null, seq);
    return { data: { deleted: targets.length } };
  }
}
