/**
 * Spreadsheet import on top of the Store: validate already-parsed rows (shared/importRows),
 * load the records they refer to, plan creates/updates (shared/importPlan) and, unless it is a
 * dry run or a row is bad (without skipBad), write the plan.
 *
 * Writing goes through a BatchWriter: by default the Store interface (what the Cloudbase admin
 * function uses); the local CLI passes a writer that puts the whole plan in one SQLite
 * transaction (scripts/import/batchWrite.ts).
 */
import { randomBytes } from 'node:crypto';
import {
  countOutcomes,
  findDuplicateRows,
  findLevel,
  importIds,
  parseImportRow,
  planCustomers,
  planPrices,
  planProducts,
  planStock,
  priceListFor,
  resolvePriceRow,
  type BadRow,
  type Customer,
  type CustomerLevel,
  type ImportKind,
  type ImportPlan,
  type ImportReport,
  type ImportWrite,
  type Parsed,
  type PriceList,
  type SheetRow,
} from '@dinghuo/shared';
import { findAll, type CollectionName, type DocOf, type Patch, type Store } from '../data/store';
import { setOnHand } from './counters';

export type BatchWriter = (writes: readonly ImportWrite[]) => Promise<void>;
export type ImportPhase = 'validate' | 'load' | 'write';

export interface ImportOptions {
  dryRun: boolean;
  skipBad: boolean;
  now: number;
  /** The file name, recorded on the import run. */
  file?: string;
  writer?: BatchWriter;
  onProgress?: (phase: ImportPhase, done: number, total: number) => void;
  /** Invitation code for a new customer without one in the sheet (default: random). */
  newInvitationCode?: (customerCode: string) => string;
}

const IN_CHUNK = 500;

/** Documents whose `field` is one of `values`, in chunks (Cloudbase caps a read at 1000). */
export async function findIn<C extends CollectionName>(
  store: Store,
  coll: C,
  field: string,
  values: readonly string[],
): Promise<DocOf<C>[]> {
  const unique = [...new Set(values)];
  const out: DocOf<C>[] = [];
  for (let i = 0; i < unique.length; i += IN_CHUNK) {
    out.push(...(await findAll(store, coll, { [field]: { $in: unique.slice(i, i + IN_CHUNK) } })));
  }
  return out;
}

async function getManyChunked<C extends CollectionName>(store: Store, coll: C, ids: readonly string[]): Promise<DocOf<C>[]> {
  const unique = [...new Set(ids)];
  const out: DocOf<C>[] = [];
  for (let i = 0; i < unique.length; i += IN_CHUNK) out.push(...(await store.getMany(coll, unique.slice(i, i + IN_CHUNK))));
  return out;
}

function byKey<T, K>(items: readonly T[], key: (t: T) => K): Map<K, T> {
  const m = new Map<K, T>();
  // The lowest id wins when a code is held twice, so the choice is stable.
  const sorted = [...items].sort((a, b) => ((a as { _id: string })._id < (b as { _id: string })._id ? -1 : 1));
  for (const t of sorted) if (!m.has(key(t))) m.set(key(t), t);
  return m;
}

async function skusByCode(store: Store, codes: readonly string[]) {
  return byKey(await findIn(store, 'skus', 'code', codes), (s) => s.code);
}

/**
 * Writes one write through the Store interface, touching only what the import owns: a counted
 * onHand becomes an increment of onHand and available conditional on the onHand read (so stock
 * reserved meanwhile is kept), and an existing customer is patched field by field (its account,
 * which orders change, is another document and never written here).
 */
async function writeOne(store: Store, w: ImportWrite): Promise<void> {
  if (w.coll === 'stock') await setOnHand(store, w.doc._id, w.doc.onHand);
  else if (w.coll === 'customers' && w.existing) await store.patch('customers', w.doc._id, ownedCustomerFields(w.doc));
  else await store.set(w.coll, w.doc as never);
}

/** The fields of a customer that the customers sheet owns (everything but the id). */
export function ownedCustomerFields(doc: Customer): Patch {
  const { _id: _omit, ...fields } = doc;
  return fields;
}

/** The Store path (Cloudbase, or the local runtime's admin function): a few writes at a time. */
export function storeBatchWriter(store: Store, concurrency = 8, onWritten?: (n: number) => void): BatchWriter {
  return async (writes) => {
    let done = 0;
    for (let i = 0; i < writes.length; i += concurrency) {
      await Promise.all(writes.slice(i, i + concurrency).map((w) => writeOne(store, w)));
      done += Math.min(concurrency, writes.length - i);
      onWritten?.(done);
    }
  };
}

export function randomInvitationCode(): string {
  // No 0/O/1/I, so a code read over the phone is not mistyped.
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return [...randomBytes(8)].map((b) => alphabet[b % alphabet.length]).join('');
}

async function planFor(
  store: Store,
  kind: ImportKind,
  rows: Parsed<ImportKind>[],
  opts: ImportOptions,
): Promise<ImportPlan> {
  switch (kind) {
    case 'products': {
      const r = rows as Parsed<'products'>[];
      const skus = await skusByCode(store, r.map((x) => x.value.code));
      const productCodes = r.flatMap((x) => (x.value.productCode ? [x.value.productCode] : x.value.name ? [x.value.name.slice(0, 40)] : []));
      const [byCode, byId, categories] = await Promise.all([
        findIn(store, 'products', 'code', productCodes),
        getManyChunked(store, 'products', productCodes.map((c) => importIds.product(c))),
        findAll(store, 'categories', {}),
      ]);
      return planProducts(r, {
        skusByCode: skus,
        productsByCode: byKey(byCode, (p) => p.code),
        productsById: byKey(byId, (p) => p._id),
        categories,
      });
    }
    case 'prices': {
      const r = rows as Parsed<'prices'>[];
      const customerCodes = r.filter((x) => x.value.type === 'customer').map((x) => x.value.target);
      const [skus, levels, customers] = await Promise.all([
        skusByCode(store, r.map((x) => x.value.skuCode)),
        findAll(store, 'levels', {}),
        findIn(store, 'customers', 'code', customerCodes),
      ]);
      const customersByCode = byKey(customers, (c) => c.code);
      const levelIds = [...new Set(r.filter((x) => x.value.type === 'level').map((x) => findLevel(levels, x.value.target)?._id))].filter(
        (x): x is string => !!x,
      );
      const [levelLists, customerLists] = await Promise.all([
        findIn(store, 'priceLists', 'levelId', levelIds),
        findIn(store, 'priceLists', 'customerId', customers.map((c) => c._id)),
      ]);
      const priceLists: PriceList[] = [...levelLists, ...customerLists];
      // Entry ids are deterministic: read exactly the entries the rows would write.
      const refs = { skusByCode: skus, levels, customersByCode };
      const entryIds: string[] = [];
      const listCache = new Map<string, string>();
      for (const x of r) {
        const res = resolvePriceRow(x.value, refs);
        if (!res.ok) continue;
        const k = `${x.value.type}:${res.target._id}`;
        let listId = listCache.get(k);
        if (!listId) {
          listId = priceListFor(priceLists, x.value.type, res.target).list._id;
          listCache.set(k, listId);
        }
        entryIds.push(importIds.priceEntry(listId, res.sku._id));
      }
      const entries = await getManyChunked(store, 'prices', entryIds);
      return planPrices(r, { ...refs, priceLists, entries: new Map(entries.map((e) => [e._id, e])) });
    }
    case 'customers': {
      const r = rows as Parsed<'customers'>[];
      const [byCode, byInvitation, levels, staff] = await Promise.all([
        findIn(store, 'customers', 'code', r.map((x) => x.value.code)),
        findIn(store, 'customers', 'invitationCode', r.flatMap((x) => (x.value.invitationCode ? [x.value.invitationCode] : []))),
        findAll(store, 'levels', {}),
        findAll(store, 'staff', {}),
      ]);
      return planCustomers(
        r,
        {
          customersByCode: byKey(byCode, (c) => c.code),
          customersByInvitation: byKey(byInvitation, (c) => c.invitationCode),
          levels: levels as CustomerLevel[],
          staff: staff.filter((s) => s.role === 'merchandiser'),
        },
        opts.newInvitationCode ?? (() => randomInvitationCode()),
      );
    }
    case 'stock': {
      const r = rows as Parsed<'stock'>[];
      const skus = await skusByCode(store, r.map((x) => x.value.skuCode));
      const stock = await getManyChunked(store, 'stock', [...skus.values()].map((s) => s._id));
      return planStock(r, { skusByCode: skus, stockById: new Map(stock.map((s) => [s._id, s])) });
    }
  }
}

/**
 * Validates, plans and (unless dry run, or bad rows without skipBad) writes one batch of rows.
 * Nothing is written when a row is bad and skipBad is false.
 */
export async function importRows(
  store: Store,
  kind: ImportKind,
  sheetRows: readonly SheetRow[],
  opts: ImportOptions,
): Promise<ImportReport> {
  const progress = opts.onProgress ?? (() => undefined);
  const good: Parsed<ImportKind>[] = [];
  const bad: BadRow[] = [];
  sheetRows.forEach((sr, i) => {
    const p = parseImportRow(kind, sr);
    if (p.ok) good.push({ row: p.row, value: p.value });
    else bad.push(p.bad);
    if ((i + 1) % 5000 === 0) progress('validate', i + 1, sheetRows.length);
  });
  progress('validate', sheetRows.length, sheetRows.length);

  const dups = findDuplicateRows(kind, good);
  const dupRows = new Set(dups.map((d) => d.row));
  bad.push(...dups);
  const unique = dupRows.size ? good.filter((g) => !dupRows.has(g.row)) : good;

  progress('load', 0, 1);
  const plan = await planFor(store, kind, unique, opts);
  progress('load', 1, 1);
  bad.push(...plan.bad);
  bad.sort((a, b) => a.row - b.row);

  const counts = countOutcomes(plan.outcomes);
  const blocked = bad.length > 0 && !opts.skipBad;
  const write = !opts.dryRun && !blocked;
  const report: ImportReport = {
    kind,
    dryRun: opts.dryRun,
    written: false,
    rows: sheetRows.length,
    created: counts.create,
    updated: counts.update,
    unchanged: counts.unchanged,
    skipped: opts.skipBad ? bad.length : 0,
    bad,
    warnings: plan.warnings,
    related: plan.related,
    writes: plan.writes.length,
  };
  if (!write) return report;

  const writer = opts.writer ?? storeBatchWriter(store, 8, (n) => progress('write', n, plan.writes.length));
  progress('write', 0, plan.writes.length);
  await writer(plan.writes);
  progress('write', plan.writes.length, plan.writes.length);
  if (plan.writes.length > 0) {
    await store.set('importRuns', {
      _id: `imp_${opts.now.toString(36)}_${randomBytes(3).toString('hex')}`,
      kind,
      file: (opts.file ?? '').slice(0, 200),
      at: opts.now,
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      skipped: report.skipped,
    });
  }
  return { ...report, written: true };
}
