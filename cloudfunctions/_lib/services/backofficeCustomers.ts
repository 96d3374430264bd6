/**
 * The back office's customers (level, credit limit, merchandiser, addresses, active), their
 * invitation code and bound WeChat users, and stock (on hand / reserved / available, adjustments
 * recorded as stock movements, low-stock thresholds).
 *
 * Scope: a merchandiser reads only his customers (others are NOT_FOUND); writes are admin-only.
 * A customer's outstanding amount is its account's (collection accounts, moved only by orders
 * through counters.ts): read here, never written; an edit patches only the fields the form owns.
 * Stock changes go through counters.ts too (onHand and available move together, by increments).
 */
import { randomBytes } from 'node:crypto';
import {
  DomainError,
  importIds,
  STOCK_REASON_LABELS,
  type Address,
  type BackofficeCustomerDetail,
  type BackofficeCustomerRow,
  type BackofficeStockRow,
  type BoundUser,
  type CustomerInvitation,
  type Caller,
  type Customer,
  type Page,
  type Sku,
  type Stock,
  type StaffLogin,
  type StockMovement,
} from '@dinghuo/shared';
import { findAll, type Filter, type Store } from '../data/store';
import { requireAdmin, requireStaff, WEB_USER_PREFIX } from '../identity';
import { customerBriefs, loadScopedCustomer, staffScope } from './followup';
import { randomInvitationCode } from './importer';
import { pageOf, skuKeywordFilter, type In } from './backofficeCatalog';
import { addOnHand, availableIn, ensureAccount, stockPatch } from './counters';

// --- staff sign-ins ---------------------------------------------------------------------------

export async function staffLogins(store: Store, caller: Caller): Promise<StaffLogin[]> {
  requireAdmin(caller);
  const [users, staff] = await Promise.all([
    findAll(store, 'users', { role: { $in: ['admin', 'merchandiser'] } }),
    findAll(store, 'staff', {}),
  ]);
  const byId = new Map(staff.map((s) => [s._id, s]));
  return users
    .filter((u) => u.staffId && byId.has(u.staffId))
    .map((u) => {
      const s = byId.get(u.staffId!)!;
      return { loginId: u._id, staffId: s._id, staffName: s.name, role: s.role, kind: u._id.startsWith(WEB_USER_PREFIX) ? ('web' as const) : ('wechat' as const) };
    })
    .sort((a, b) => (a.staffId === b.staffId ? (a.loginId < b.loginId ? -1 : 1) : a.staffId < b.staffId ? -1 : 1));
}

export async function grantStaffLogin(store: Store, caller: Caller, input: In<'grantStaffLogin'>, now: number): Promise<StaffLogin[]> {
  requireAdmin(caller);
  const staff = await store.get('staff', input.staffId);
  if (!staff) throw new DomainError('NOT_FOUND');
  await store.transaction(async (tx) => {
    const existing = await tx.get('users', input.loginId);
    // A customer's WeChat user stays a customer: unbind it first.
    if (existing && existing.role === 'customer') throw new DomainError('ALREADY_BOUND', '该账号已绑定客户，请先解绑');
    await tx.set('users', { _id: input.loginId, role: staff.role, staffId: staff._id, name: staff.name, boundAt: now });
  });
  return staffLogins(store, caller);
}

export async function revokeStaffLogin(store: Store, caller: Caller, input: In<'revokeStaffLogin'>): Promise<StaffLogin[]> {
  const admin = requireAdmin(caller);
  if (input.loginId === admin.openid) throw new DomainError('FORBIDDEN', '不能移除自己的登录');
  await store.transaction(async (tx) => {
    const user = await tx.get('users', input.loginId);
    if (!user || user.role === 'customer') throw new DomainError('NOT_FOUND');
    await tx.remove('users', user._id);
  });
  return staffLogins(store, caller);
}

// --- customers -------------------------------------------------------------------------------

/** The back office's customer rows: the staff's brief of each customer, and what only the back office shows. */
async function toRows(store: Store, customers: readonly Customer[]): Promise<BackofficeCustomerRow[]> {
  // The page's bound users in one query (a customer has a handful), not one count per customer.
  const [briefs, users] = await Promise.all([
    customerBriefs(store, customers),
    customers.length ? findAll(store, 'users', { customerId: { $in: customers.map((c) => c._id) } }) : Promise.resolve([]),
  ]);
  const boundUsers = new Map<string, number>();
  for (const u of users) if (u.customerId) boundUsers.set(u.customerId, (boundUsers.get(u.customerId) ?? 0) + 1);
  return customers.map((c, i) => ({
    ...briefs[i]!,
    levelId: c.levelId,
    active: c.active,
    invitationCode: c.invitationCode,
    invitationRevoked: c.invitationRevoked === true,
    boundUsers: boundUsers.get(c._id) ?? 0,
  }));
}

export async function listCustomers(store: Store, caller: Caller, input: In<'customers'>): Promise<Page<BackofficeCustomerRow>> {
  const filter: Filter = { ...staffScope(caller) };
  if (input.merchandiserId && !filter.merchandiserId) filter.merchandiserId = input.merchandiserId;
  else if (input.merchandiserId && filter.merchandiserId !== input.merchandiserId) return pageOf([], input, 0);
  if (input.levelId) filter.levelId = input.levelId;
  if (input.active !== undefined) filter.active = input.active;
  const k = input.keyword?.trim();
  if (k) filter.$or = [{ name: { $contains: k } }, { code: { $contains: k } }];
  const skip = (input.page - 1) * input.pageSize;
  const [customers, total] = await Promise.all([
    store.find('customers', filter, { orderBy: [['code', 'asc']], skip, limit: input.pageSize }),
    store.count('customers', filter),
  ]);
  return pageOf(await toRows(store, customers), input, total);
}

async function detailOf(store: Store, customer: Customer): Promise<BackofficeCustomerDetail> {
  const [[row], users, extra] = await Promise.all([
    toRows(store, [customer]),
    store.find('users', { customerId: customer._id }, { orderBy: [['_id', 'asc']], limit: 200 }),
    store.find('invitations', { customerId: customer._id }, { limit: 200 }),
  ]);
  const bound: BoundUser[] = users.map((u) => ({ openid: u._id, name: u.name, boundAt: u.boundAt ?? null, invitationCode: u.invitationCode ?? null }));
  const boundWith = (code: string) => users.filter((u) => u.invitationCode === code).length;
  const invitations: CustomerInvitation[] = [
    { code: customer.invitationCode, primary: true, revoked: customer.invitationRevoked === true, createdAt: null, boundUsers: boundWith(customer.invitationCode) },
    ...extra
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((i) => ({ code: i._id, primary: false, revoked: i.revoked, createdAt: i.createdAt, boundUsers: boundWith(i._id) })),
  ];
  return { ...row!, addresses: customer.addresses, users: bound, invitations };
}

export async function customerDetail(store: Store, caller: Caller, customerId: string): Promise<BackofficeCustomerDetail> {
  return detailOf(store, await loadScopedCustomer(store, caller, customerId));
}

/** One default address: the first marked, else the first. */
function normalizeAddresses(addresses: readonly Address[]): Address[] {
  const ids = addresses.map((a) => a.id);
  const dup = ids.find((id, i) => ids.indexOf(id) !== i);
  if (dup) throw new DomainError('VALIDATION_FAILED', `地址编号 ${dup} 重复`);
  const def = Math.max(0, addresses.findIndex((a) => a.isDefault));
  return addresses.map((a, i) => ({ ...a, isDefault: i === def }));
}

export async function saveCustomer(store: Store, caller: Caller, input: In<'saveCustomer'>): Promise<BackofficeCustomerDetail> {
  requireAdmin(caller);
  const id = input._id ?? importIds.customer(input.code);
  const [existing, sameCode, level, merchandiser] = await Promise.all([
    store.get('customers', id),
    store.find('customers', { code: input.code }, { limit: 2 }),
    store.get('levels', input.levelId),
    store.get('staff', input.merchandiserId),
  ]);
  if (input._id && !existing) throw new DomainError('NOT_FOUND');
  if (!input._id && existing) throw new DomainError('CONFLICT', `客户编码 ${input.code} 已存在`);
  if (sameCode.some((c) => c._id !== id)) throw new DomainError('CONFLICT', `客户编码 ${input.code} 已被其他客户使用`);
  if (!level) throw new DomainError('VALIDATION_FAILED', '客户等级不存在', { issues: [{ path: 'levelId', message: '客户等级不存在' }] });
  if (!merchandiser || merchandiser.role !== 'merchandiser') {
    throw new DomainError('VALIDATION_FAILED', '跟单员不存在', { issues: [{ path: 'merchandiserId', message: '跟单员不存在' }] });
  }
  const fields = {
    code: input.code,
    name: input.name,
    levelId: input.levelId,
    merchandiserId: input.merchandiserId,
    creditLimitFen: input.creditLimitFen,
    addresses: normalizeAddresses(input.addresses),
    active: input.active,
  };
  if (existing) {
    // Only the form's fields (others, e.g. the invitation code, have their own actions).
    await store.patch('customers', id, fields);
  } else {
    const code = await unusedInvitationCode(store);
    await store.insert('customers', { _id: id, ...fields, invitationCode: code });
    // Its account (outstanding amount) starts at zero; only orders move it.
    await ensureAccount(store, id);
  }
  return detailOf(store, (await store.get('customers', id))!);
}

/** Whether any customer holds the code: as its own code or as an extra one. */
async function codeTaken(store: Store, code: string, exceptCustomerId?: string): Promise<boolean> {
  const [holders, extra] = await Promise.all([store.find('customers', { invitationCode: code }, { limit: 2 }), store.get('invitations', code)]);
  return holders.some((c) => c._id !== exceptCustomerId) || (extra !== null && extra.customerId !== exceptCustomerId);
}

async function unusedInvitationCode(store: Store): Promise<string> {
  for (;;) {
    const code = randomInvitationCode();
    if (!(await codeTaken(store, code))) return code;
  }
}

/** Replaces the customer's own code (admin); its extra codes stay as they are. */
export async function createInvitation(store: Store, caller: Caller, input: In<'createInvitation'>): Promise<BackofficeCustomerDetail> {
  requireAdmin(caller);
  const customer = await store.get('customers', input.customerId);
  if (!customer) throw new DomainError('NOT_FOUND');
  let code = input.code;
  if (code) {
    if (await codeTaken(store, code, customer._id)) throw new DomainError('CONFLICT', '该邀请码已被其他客户使用');
    if ((await store.get('invitations', code)) !== null) throw new DomainError('CONFLICT', '该邀请码已是此客户的另一个邀请码');
  } else {
    code = await unusedInvitationCode(store);
  }
  await store.patch('customers', customer._id, { invitationCode: code, invitationRevoked: false });
  return detailOf(store, (await store.get('customers', customer._id))!);
}

/**
 * One more code for the customer (admin). The code is the document's id, so of two admins adding
 * the same code at once only one insert succeeds (CONFLICT for the other).
 */
export async function addInvitation(store: Store, caller: Caller, input: In<'addInvitation'>, now: number): Promise<BackofficeCustomerDetail> {
  const admin = requireAdmin(caller);
  const customer = await store.get('customers', input.customerId);
  if (!customer) throw new DomainError('NOT_FOUND');
  const code = input.code ?? (await unusedInvitationCode(store));
  if (input.code && (await codeTaken(store, code))) throw new DomainError('CONFLICT', '该邀请码已被使用');
  try {
    await store.insert('invitations', { _id: code, customerId: customer._id, createdAt: now, createdBy: admin.staffId, revoked: false });
  } catch (e) {
    if ((e as { code?: unknown })?.code === 'DUPLICATE_ID') throw new DomainError('CONFLICT', '该邀请码已被使用');
    throw e;
  }
  return detailOf(store, customer);
}

/** Revokes one code of the customer (its own without `code`): a single conditional update. */
export async function revokeInvitation(store: Store, caller: Caller, input: In<'revokeInvitation'>, now: number): Promise<BackofficeCustomerDetail> {
  requireAdmin(caller);
  const customer = await store.get('customers', input.customerId);
  if (!customer) throw new DomainError('NOT_FOUND');
  if (!input.code || input.code === customer.invitationCode) {
    await store.updateWhere('customers', { _id: customer._id }, { invitationRevoked: true });
  } else {
    const [extra] = await Promise.all([
      store.get('invitations', input.code),
      store.updateWhere('invitations', { _id: input.code, customerId: customer._id, revoked: false }, { revoked: true, revokedAt: now }),
    ]);
    if (!extra || extra.customerId !== customer._id) throw new DomainError('NOT_FOUND', '该客户没有这个邀请码');
  }
  return detailOf(store, (await store.get('customers', customer._id))!);
}

export async function unbindUser(store: Store, caller: Caller, input: In<'unbindUser'>): Promise<BackofficeCustomerDetail> {
  requireAdmin(caller);
  const customer = await store.get('customers', input.customerId);
  if (!customer) throw new DomainError('NOT_FOUND');
  await store.transaction(async (tx) => {
    const user = await tx.get('users', input.openid);
    if (!user || user.role !== 'customer' || user.customerId !== customer._id) throw new DomainError('NOT_FOUND');
    await tx.remove('users', user._id);
  });
  return detailOf(store, customer);
}

// --- stock -----------------------------------------------------------------------------------

/** A SKU's stock row: available as the stock document keeps it. */
export function toStockRow(sku: Sku, stock: Stock | null | undefined): BackofficeStockRow {
  const available = availableIn(stock);
  const threshold = sku.lowStockThreshold ?? 0;
  return {
    skuId: sku._id,
    code: sku.code,
    name: sku.name,
    spec: sku.spec,
    baseUnit: sku.baseUnit,
    categoryId: sku.categoryId,
    active: sku.active,
    onHand: stock?.onHand ?? 0,
    reserved: stock?.reserved ?? 0,
    available,
    lowStockThreshold: threshold,
    low: threshold > 0 && available <= threshold,
  };
}

export async function listStock(store: Store, caller: Caller, input: In<'stock'>): Promise<Page<BackofficeStockRow>> {
  requireStaff(caller);
  const filter: Filter = { ...skuKeywordFilter(input.keyword) };
  if (input.categoryId) filter.categoryId = input.categoryId;
  const skip = (input.page - 1) * input.pageSize;
  if (input.lowOnly) {
    // Only SKUs with a threshold can be low; stock and threshold are compared here.
    const skus = await findAll(store, 'skus', { ...filter, lowStockThreshold: { $gt: 0 } }, [['code', 'asc']]);
    const stocks: Stock[] = [];
    for (let i = 0; i < skus.length; i += 500) stocks.push(...(await store.getMany('stock', skus.slice(i, i + 500).map((s) => s._id))));
    const byId = new Map(stocks.map((s) => [s._id, s]));
    const low = skus.map((s) => toStockRow(s, byId.get(s._id))).filter((r) => r.low);
    return pageOf(low.slice(skip, skip + input.pageSize), input, low.length);
  }
  const [skus, total] = await Promise.all([
    store.find('skus', filter, { orderBy: [['code', 'asc']], skip, limit: input.pageSize }),
    store.count('skus', filter),
  ]);
  const stocks = await store.getMany('stock', skus.map((s) => s._id));
  const byId = new Map(stocks.map((s) => [s._id, s]));
  return pageOf(skus.map((s) => toStockRow(s, byId.get(s._id))), input, total);
}

/**
 * Adds delta to on-hand stock (counters.addOnHand: an increment of onHand and available together,
 * conditional so on hand never drops below what is reserved: OUT_OF_STOCK), then records the
 * movement. Should recording fail, the increment is undone, so nothing is left half-written.
 */
export async function adjustStock(
  store: Store,
  caller: Caller,
  input: In<'adjustStock'>,
  now: number,
): Promise<{ stock: BackofficeStockRow; movement: StockMovement }> {
  const admin = requireAdmin(caller);
  const sku = await store.get('skus', input.skuId);
  if (!sku) throw new DomainError('SKU_NOT_FOUND');
  const { after } = await addOnHand(store, sku._id, input.delta);
  const movement: StockMovement = {
    _id: `mv_${now.toString(36)}${randomBytes(5).toString('hex')}`,
    skuId: sku._id,
    delta: input.delta,
    reason: input.reason,
    note: input.note || STOCK_REASON_LABELS[input.reason],
    onHandAfter: after,
    by: { staffId: admin.staffId, name: admin.name },
    at: now,
  };
  try {
    await store.insert('stockMovements', movement);
  } catch (e) {
    await store.updateWhere('stock', { _id: sku._id }, stockPatch(null, { reservedDelta: 0, onHandDelta: -input.delta }));
    throw e;
  }
  return { stock: toStockRow(sku, await store.get('stock', sku._id)), movement };
}

export async function listStockMovements(store: Store, caller: Caller, input: In<'stockMovements'>): Promise<Page<StockMovement>> {
  requireStaff(caller);
  const skip = (input.page - 1) * input.pageSize;
  const [items, total] = await Promise.all([
    store.find('stockMovements', { skuId: input.skuId }, { orderBy: [['at', 'desc']], skip, limit: input.pageSize }),
    store.count('stockMovements', { skuId: input.skuId }),
  ]);
  return pageOf(items, input, total);
}

export async function setLowStockThreshold(store: Store, caller: Caller, input: In<'setLowStockThreshold'>): Promise<BackofficeStockRow> {
  requireAdmin(caller);
  const n = await store.updateWhere('skus', { _id: input.skuId }, { lowStockThreshold: input.threshold });
  if (n === 0) throw new DomainError('SKU_NOT_FOUND');
  const [sku, stock] = await Promise.all([store.get('skus', input.skuId), store.get('stock', input.skuId)]);
  return toStockRow(sku!, stock);
}
