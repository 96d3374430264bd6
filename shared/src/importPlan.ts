/**
 * Spreadsheet import, part 2: given validated rows and the records that already exist, decide
 * for every row whether it creates, updates or leaves a record unchanged, and which documents to
 * write. Pure; the service loads the existing records (by code / by deterministic id) and writes.
 *
 * Ids are deterministic (from the SKU code, customer code, level name…), so importing the same
 * file twice writes nothing the second time, and two imports never create the same thing twice.
 */
import { Category, CustomerLevel, PriceEntry, PriceList, Product, Sku, Stock } from './catalog';
import { Customer, Staff } from './customer';
import { withVisibleTo } from './pricing';
import type { BadRow, CustomerRow, ImportKind, ParsedRows, PriceRow, PriceType, ProductRow, StockRow } from './importRows';

// --- ids -----------------------------------------------------------------------------------

/** 64-bit FNV-1a of a string, as 16 hex digits (pure, the same in Node and the mini-program). */
export function fnv1a64(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ (c + i), 0x01000193) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/** A code as it can stand in an id: itself when short and plain, else a hash of it. */
export function idPart(code: string): string {
  return /^[A-Za-z0-9_\-.]{1,24}$/.test(code) ? code : `x${fnv1a64(code)}`;
}

export const importIds = {
  sku: (code: string) => `sku_${idPart(code)}`,
  product: (code: string) => `prd_${idPart(code)}`,
  category: (name: string) => `cat_${idPart(name)}`,
  level: (name: string) => `lv_${idPart(name)}`,
  staff: (name: string) => `stf_${idPart(name)}`,
  customer: (code: string) => `cus_${idPart(code)}`,
  /** The target id already says which: pl_lv_… or pl_cus_…. */
  priceList: (_type: PriceType, targetId: string) => `pl_${targetId}`,
  priceEntry: (priceListId: string, skuId: string) => `${priceListId}:${skuId}`,
};

// --- comparing documents ------------------------------------------------------------------

/** JSON with sorted keys and undefined fields left out, to compare documents. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson(obj[k])}`).join(',')}}`;
}

export function sameDoc(a: unknown, b: unknown): boolean {
  return stableJson(a) === stableJson(b);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}

// --- plans ---------------------------------------------------------------------------------

export type ImportWrite =
  | { coll: 'categories'; doc: Category }
  | { coll: 'products'; doc: Product }
  | { coll: 'skus'; doc: Sku }
  | { coll: 'levels'; doc: CustomerLevel }
  | { coll: 'staff'; doc: Staff }
  | { coll: 'priceLists'; doc: PriceList }
  | { coll: 'prices'; doc: PriceEntry }
  /** existing: patch the sheet's fields of a customer that exists (never the whole document). */
  | { coll: 'customers'; doc: Customer; existing: boolean }
  /** Stock of an existing SKU: only onHand is written, so a concurrent reservation is kept. */
  | { coll: 'stock'; doc: Stock; onHandOnly: boolean };

export type RowAction = 'create' | 'update' | 'unchanged';

export interface RowOutcome {
  row: number;
  key: string;
  action: RowAction;
}

export interface RelatedCreated {
  categories: string[];
  products: string[];
  levels: string[];
  staff: string[];
  priceLists: string[];
}

export interface ImportPlan {
  outcomes: RowOutcome[];
  bad: BadRow[];
  warnings: BadRow[];
  /** Documents to write, related records (categories, levels…) first. */
  writes: ImportWrite[];
  /** Related records the import creates, by name, for the report. */
  related: RelatedCreated;
}

function emptyPlan(): ImportPlan {
  return { outcomes: [], bad: [], warnings: [], writes: [], related: { categories: [], products: [], levels: [], staff: [], priceLists: [] } };
}

export interface Parsed<K extends ImportKind> {
  row: number;
  value: ParsedRows[K];
}

function zodReason(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  return error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`).join('；');
}

// products ----------------------------------------------------------------------------------

export interface ProductRefs {
  skusByCode: ReadonlyMap<string, Sku>;
  /** Existing products by code and by id. */
  productsByCode: ReadonlyMap<string, Product>;
  productsById: ReadonlyMap<string, Product>;
  categories: readonly Category[];
}

export function planProducts(rows: readonly Parsed<'products'>[], refs: ProductRefs): ImportPlan {
  const plan = emptyPlan();
  const categoriesByName = new Map(refs.categories.map((c) => [c.name, c]));
  let nextSort = refs.categories.reduce((m, c) => Math.max(m, c.sort), 0) + 1;
  const newCategories = new Map<string, Category>();
  const productDocs = new Map<string, { doc: Product; existing: Product | null }>();
  const skuWrites: ImportWrite[] = [];
  const usedCategories = new Set<string>();
  const usedProducts = new Set<string>();

  const categoryFor = (name: string): Category => {
    const existing = categoriesByName.get(name) ?? newCategories.get(name);
    if (existing) return existing;
    const c: Category = { _id: importIds.category(name), name, sort: nextSort++ };
    newCategories.set(name, c);
    return c;
  };

  for (const { row, value: r } of rows) {
    const existing = refs.skusByCode.get(r.code) ?? null;
    if (!existing) {
      const missing = [!r.name && '商品名称', r.listPriceFen === undefined && '标准价'].filter(Boolean);
      if (missing.length) {
        plan.bad.push({ row, key: r.code, reason: `新商品必须填写${missing.join('、')}` });
        continue;
      }
    }
    const category = r.category ? categoryFor(r.category) : existing ? null : categoryFor('未分类');
    const categoryId = category?._id ?? existing!.categoryId;
    const name = r.name ?? existing!.name;

    // The product: by 产品编码 when given; a new SKU without one groups by its name.
    let productId = existing?.productId;
    if (r.productCode || !existing) {
      const productCode = r.productCode ?? name.slice(0, 40);
      const known = refs.productsByCode.get(productCode);
      productId = known?._id ?? importIds.product(productCode);
      if (!productDocs.has(productId)) {
        const base = known ?? refs.productsById.get(productId) ?? null;
        const doc: Product = {
          ...(base ?? { description: '', active: true }),
          _id: productId,
          code: base?.code ?? productCode,
          name,
          categoryId,
          ...(r.description !== undefined ? { description: r.description } : {}),
        } as Product;
        productDocs.set(productId, { doc, existing: base });
      }
    }

    const changes = definedOnly({
      name: r.name,
      spec: r.spec,
      baseUnit: r.baseUnit,
      caseUnit: r.caseUnit,
      caseSize: r.caseSize,
      caseOnly: r.caseOnly,
      listPriceFen: r.listPriceFen,
      moq: r.moq,
      active: r.active,
      madeToOrder: r.madeToOrder,
      leadTimeDays: r.leadTimeDays,
      imageUrl: r.imageUrl,
    });
    const candidate = existing
      ? { ...existing, ...changes, categoryId, productId: productId! }
      : { _id: importIds.sku(r.code), code: r.code, productId: productId!, categoryId, ...changes };
    const parsed = Sku.safeParse(candidate);
    if (!parsed.success) {
      plan.bad.push({ row, key: r.code, reason: `数据不符合要求：${zodReason(parsed.error)}` });
      continue;
    }
    // visibleTo follows saleScope (the catalog query filters by it); kept from an existing SKU's scope.
    const sku = withVisibleTo(parsed.data);
    if (sku.caseOnly && sku.caseSize <= 1) {
      plan.bad.push({ row, key: r.code, reason: '只整箱的商品箱规应大于 1' });
      continue;
    }
    const action: RowAction = !existing ? 'create' : sameDoc(existing, sku) ? 'unchanged' : 'update';
    plan.outcomes.push({ row, key: r.code, action });
    if (action !== 'unchanged') skuWrites.push({ coll: 'skus', doc: sku });
    usedCategories.add(sku.categoryId);
    usedProducts.add(sku.productId);
  }

  for (const { doc } of productDocs.values()) if (usedProducts.has(doc._id)) usedCategories.add(doc.categoryId);
  for (const c of newCategories.values()) {
    // Only categories some valid row still uses.
    if (!usedCategories.has(c._id)) continue;
    plan.writes.push({ coll: 'categories', doc: c });
    plan.related.categories.push(c.name);
  }
  for (const { doc, existing } of productDocs.values()) {
    if (!usedProducts.has(doc._id) || (existing && sameDoc(existing, doc))) continue;
    plan.writes.push({ coll: 'products', doc });
    if (!existing) plan.related.products.push(doc.name);
  }
  plan.writes.push(...skuWrites);
  return plan;
}

// prices ------------------------------------------------------------------------------------

export interface PriceRefs {
  skusByCode: ReadonlyMap<string, Sku>;
  levels: readonly CustomerLevel[];
  customersByCode: ReadonlyMap<string, Customer>;
  /** Existing price lists of the levels and customers named in the file. */
  priceLists: readonly PriceList[];
  /** Existing entries by id. */
  entries: ReadonlyMap<string, PriceEntry>;
}

/** The level a cell names: by name first, then by id. */
export function findLevel(levels: readonly CustomerLevel[], text: string): CustomerLevel | undefined {
  return levels.find((l) => l.name === text) ?? levels.find((l) => l._id === text);
}

/** The price list for a level or customer: the existing one (lowest id), else a new one. */
export function priceListFor(
  lists: readonly PriceList[],
  type: PriceType,
  target: { _id: string; name: string },
  name?: string,
): { list: PriceList; existing: boolean } {
  const found = lists
    .filter((l) => l.scope === type && (type === 'level' ? l.levelId === target._id : l.customerId === target._id))
    .sort((a, b) => (a._id < b._id ? -1 : 1))[0];
  if (found) return { list: found, existing: true };
  const list: PriceList =
    type === 'level'
      ? { _id: importIds.priceList(type, target._id), name: name ?? `${target.name}价`.slice(0, 40), scope: 'level', levelId: target._id }
      : { _id: importIds.priceList(type, target._id), name: name ?? `${target.name}专属价`.slice(0, 40), scope: 'customer', customerId: target._id };
  return { list, existing: false };
}

/** Resolves the row's target (level or customer) and SKU; null with a reason when unknown. */
export function resolvePriceRow(
  r: PriceRow,
  refs: Pick<PriceRefs, 'skusByCode' | 'levels' | 'customersByCode'>,
): { ok: true; sku: Sku; target: { _id: string; name: string } } | { ok: false; reason: string } {
  const reasons: string[] = [];
  const sku = refs.skusByCode.get(r.skuCode);
  if (!sku) reasons.push(`商品编码「${r.skuCode}」不存在，请先导入商品`);
  let target: { _id: string; name: string } | undefined;
  if (r.type === 'level') {
    target = findLevel(refs.levels, r.target);
    if (!target) reasons.push(`客户等级「${r.target}」不存在`);
  } else {
    target = refs.customersByCode.get(r.target);
    if (!target) reasons.push(`客户编码「${r.target}」不存在，请先导入客户`);
  }
  if (!sku || !target) return { ok: false, reason: reasons.join('；') };
  return { ok: true, sku, target };
}

export function planPrices(rows: readonly Parsed<'prices'>[], refs: PriceRefs): ImportPlan {
  const plan = emptyPlan();
  const lists = new Map<string, PriceList>();
  const newLists: PriceList[] = [];
  const entryWrites: ImportWrite[] = [];
  for (const { row, value: r } of rows) {
    const resolved = resolvePriceRow(r, refs);
    if (!resolved.ok) {
      plan.bad.push({ row, key: r.skuCode, reason: resolved.reason });
      continue;
    }
    const { sku, target } = resolved;
    const key = `${r.type}:${target._id}`;
    let list = lists.get(key);
    if (!list) {
      const found = priceListFor(refs.priceLists, r.type, target, r.listName);
      list = found.list;
      lists.set(key, list);
      if (!found.existing) newLists.push(list);
    }
    const id = importIds.priceEntry(list._id, sku._id);
    const existing = refs.entries.get(id) ?? null;
    const entry: PriceEntry = {
      _id: id,
      priceListId: list._id,
      skuId: sku._id,
      priceFen: r.priceFen,
      breaks: r.breaks,
      ...(r.moq !== undefined ? { moq: r.moq } : {}),
    };
    if (r.breaks.some((b) => b.priceFen > r.priceFen)) {
      plan.warnings.push({ row, key: r.skuCode, reason: '阶梯单价高于基础单价，请确认' });
    }
    const action: RowAction = !existing ? 'create' : sameDoc(existing, entry) ? 'unchanged' : 'update';
    plan.outcomes.push({ row, key: r.skuCode, action });
    if (action !== 'unchanged') entryWrites.push({ coll: 'prices', doc: entry });
  }
  for (const l of newLists) {
    plan.writes.push({ coll: 'priceLists', doc: l });
    plan.related.priceLists.push(l.name);
  }
  plan.writes.push(...entryWrites);
  return plan;
}

// customers ---------------------------------------------------------------------------------

export interface CustomerRefs {
  customersByCode: ReadonlyMap<string, Customer>;
  /** Existing customers holding the invitation codes named in the file. */
  customersByInvitation: ReadonlyMap<string, Customer>;
  levels: readonly CustomerLevel[];
  staff: readonly Staff[];
}

export const IMPORTED_ADDRESS_ID = 'addr_1';

/**
 * @param newInvitationCode makes an invitation code for a new customer that has none in the
 *   sheet (random in the service; deterministic in tests).
 */
export function planCustomers(
  rows: readonly Parsed<'customers'>[],
  refs: CustomerRefs,
  newInvitationCode: (customerCode: string) => string,
): ImportPlan {
  const plan = emptyPlan();
  const newLevels = new Map<string, CustomerLevel>();
  const newStaff = new Map<string, Staff>();
  const invitationsInFile = new Map<string, { row: number; code: string }>();
  const customerWrites: ImportWrite[] = [];

  for (const { row, value: r } of rows) {
    const existing = refs.customersByCode.get(r.code) ?? null;
    const reasons: string[] = [];
    if (!existing) {
      const missing = [!r.name && '客户名称', !r.levelName && '客户等级', !r.merchandiser && '跟单员'].filter(Boolean);
      if (missing.length) reasons.push(`新客户必须填写${missing.join('、')}`);
    }
    const addressGiven = [r.contact, r.phone, r.address].filter((v) => v !== undefined).length;
    if (addressGiven > 0 && addressGiven < 3) reasons.push('联系人、电话、地址需同时填写');

    let levelId = existing?.levelId;
    if (r.levelName) {
      const level = findLevel(refs.levels, r.levelName) ?? newLevels.get(r.levelName);
      if (level) levelId = level._id;
      else {
        const created: CustomerLevel = { _id: importIds.level(r.levelName), name: r.levelName, discountBp: 10000 };
        newLevels.set(r.levelName, created);
        levelId = created._id;
      }
    }
    let merchandiserId = existing?.merchandiserId;
    if (r.merchandiser) {
      const byName = refs.staff.filter((s) => s.name === r.merchandiser);
      const byId = refs.staff.find((s) => s._id === r.merchandiser);
      if (byName.length > 1) reasons.push(`跟单员「${r.merchandiser}」有重名，请填写跟单员编号`);
      else if (byName[0] ?? byId) merchandiserId = (byName[0] ?? byId)!._id;
      else {
        const created = newStaff.get(r.merchandiser) ?? { _id: importIds.staff(r.merchandiser), name: r.merchandiser, role: 'merchandiser' as const, phone: '' };
        newStaff.set(r.merchandiser, created);
        merchandiserId = created._id;
      }
    }

    const invitationCode = r.invitationCode ?? existing?.invitationCode ?? newInvitationCode(r.code);
    const holder = refs.customersByInvitation.get(invitationCode);
    if (holder && holder.code !== r.code) reasons.push(`邀请码「${invitationCode}」已被客户 ${holder.code} 使用`);
    const earlier = invitationsInFile.get(invitationCode);
    if (earlier && earlier.code !== r.code) reasons.push(`邀请码「${invitationCode}」与第 ${earlier.row} 行重复`);
    else invitationsInFile.set(invitationCode, { row, code: r.code });

    if (reasons.length) {
      plan.bad.push({ row, key: r.code, reason: reasons.join('；') });
      continue;
    }

    let addresses = existing?.addresses ?? [];
    if (addressGiven === 3) {
      const imported = { id: IMPORTED_ADDRESS_ID, contact: r.contact!, phone: r.phone!, address: r.address! };
      const at = addresses.findIndex((a) => a.id === IMPORTED_ADDRESS_ID);
      if (at >= 0) addresses = addresses.map((a, i) => (i === at ? { ...imported, isDefault: a.isDefault } : a));
      else addresses = [{ ...imported, isDefault: !addresses.some((a) => a.isDefault) }, ...addresses];
    }
    const candidate = {
      ...(existing ?? { _id: importIds.customer(r.code), code: r.code, active: true, creditLimitFen: null }),
      ...definedOnly({ name: r.name, active: r.active, priority: r.priority, region: r.region }),
      ...(r.creditLimitFen !== undefined ? { creditLimitFen: r.creditLimitFen } : {}),
      levelId,
      merchandiserId,
      invitationCode,
      addresses,
    };
    const parsed = Customer.safeParse(candidate);
    if (!parsed.success) {
      plan.bad.push({ row, key: r.code, reason: `数据不符合要求：${zodReason(parsed.error)}` });
      continue;
    }
    const action: RowAction = !existing ? 'create' : sameDoc(existing, parsed.data) ? 'unchanged' : 'update';
    plan.outcomes.push({ row, key: r.code, action });
    if (action !== 'unchanged') customerWrites.push({ coll: 'customers', doc: parsed.data, existing: existing !== null && existing !== undefined });
  }
  const used = new Set(customerWrites.map((w) => (w.doc as Customer).levelId));
  const usedStaff = new Set(customerWrites.map((w) => (w.doc as Customer).merchandiserId));
  for (const l of newLevels.values()) {
    if (!used.has(l._id)) continue;
    plan.writes.push({ coll: 'levels', doc: l });
    plan.related.levels.push(l.name);
  }
  for (const s of newStaff.values()) {
    if (!usedStaff.has(s._id)) continue;
    plan.writes.push({ coll: 'staff', doc: s });
    plan.related.staff.push(s.name);
  }
  plan.writes.push(...customerWrites);
  return plan;
}

// stock -------------------------------------------------------------------------------------

export interface StockRefs {
  skusByCode: ReadonlyMap<string, Sku>;
  stockById: ReadonlyMap<string, Stock>;
}

export function planStock(rows: readonly Parsed<'stock'>[], refs: StockRefs): ImportPlan {
  const plan = emptyPlan();
  for (const { row, value: r } of rows) {
    const sku = refs.skusByCode.get(r.skuCode);
    if (!sku) {
      plan.bad.push({ row, key: r.skuCode, reason: `商品编码「${r.skuCode}」不存在，请先导入商品` });
      continue;
    }
    const onHand = r.unit === 'case' ? r.onHand * sku.caseSize : r.onHand;
    if (!Number.isSafeInteger(onHand) || onHand > 1_000_000_000) {
      plan.bad.push({ row, key: r.skuCode, reason: '库存数量过大' });
      continue;
    }
    const existing = refs.stockById.get(sku._id) ?? null;
    const reserved = existing?.reserved ?? 0;
    const doc: Stock = { _id: sku._id, onHand, reserved, available: onHand - reserved };
    if (existing && onHand < existing.reserved) {
      plan.warnings.push({ row, key: r.skuCode, reason: `现有库存 ${onHand} 少于已预占 ${existing.reserved}，部分订单将无法发货` });
    }
    const action: RowAction = !existing ? 'create' : existing.onHand === onHand ? 'unchanged' : 'update';
    plan.outcomes.push({ row, key: r.skuCode, action });
    if (action !== 'unchanged') plan.writes.push({ coll: 'stock', doc, onHandOnly: existing !== null });
  }
  return plan;
}

export type { ProductRow, PriceRow, CustomerRow, StockRow };

// --- the report ------------------------------------------------------------------------------

export interface ImportReport {
  kind: ImportKind;
  dryRun: boolean;
  /** True when the documents were written. */
  written: boolean;
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  /** Bad rows left out because skipBad was asked (0 otherwise). */
  skipped: number;
  bad: BadRow[];
  warnings: BadRow[];
  related: RelatedCreated;
  /** Documents written (or that would be written). */
  writes: number;
}

export function countOutcomes(outcomes: readonly RowOutcome[]): Record<RowAction, number> {
  const c = { create: 0, update: 0, unchanged: 0 };
  for (const o of outcomes) c[o.action] += 1;
  return c;
}

/** Adds the reports of several chunks of one file (the CLI sends chunks to the admin function). */
export function mergeReports(reports: readonly ImportReport[]): ImportReport {
  const first = reports[0];
  if (!first) throw new Error('no reports');
  const uniq = (xs: string[]) => [...new Set(xs)];
  return {
    kind: first.kind,
    dryRun: first.dryRun,
    written: reports.every((r) => r.written),
    rows: reports.reduce((n, r) => n + r.rows, 0),
    created: reports.reduce((n, r) => n + r.created, 0),
    updated: reports.reduce((n, r) => n + r.updated, 0),
    unchanged: reports.reduce((n, r) => n + r.unchanged, 0),
    skipped: reports.reduce((n, r) => n + r.skipped, 0),
    bad: reports.flatMap((r) => r.bad).sort((a, b) => a.row - b.row),
    warnings: reports.flatMap((r) => r.warnings).sort((a, b) => a.row - b.row),
    related: {
      categories: uniq(reports.flatMap((r) => r.related.categories)),
      products: uniq(reports.flatMap((r) => r.related.products)),
      levels: uniq(reports.flatMap((r) => r.related.levels)),
      staff: uniq(reports.flatMap((r) => r.related.staff)),
      priceLists: uniq(reports.flatMap((r) => r.related.priceLists)),
    },
    writes: reports.reduce((n, r) => n + r.writes, 0),
  };
}
