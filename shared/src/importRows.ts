/**
 * Spreadsheet import, part 1: from the cells suppliers type (Chinese headers, yuan, 是/否) to
 * typed rows. Pure: the CLI and the admin function read the file, this module maps headers,
 * normalises cell values and validates each row with zod, giving Chinese reasons per row.
 *
 * A blank cell means "not given": a new record takes the default, an existing one keeps its
 * value (see importPlan.ts). Money is typed in yuan and becomes integer fen.
 */
import { z } from 'zod';
import { parseYuanToFen } from './money';

export const ImportKind = z.enum(['products', 'prices', 'customers', 'stock']);
export type ImportKind = z.infer<typeof ImportKind>;

export const IMPORT_KIND_LABELS: Record<ImportKind, string> = {
  products: '商品',
  prices: '价格表',
  customers: '客户',
  stock: '库存',
};

export interface ColumnSpec {
  field: string;
  /** The header as written in the sample file. */
  label: string;
  aliases: readonly string[];
  /** The column must be present in the file (the cell may still be blank for an update). */
  required?: boolean;
}

const col = (field: string, label: string, aliases: string[] = [], required = false): ColumnSpec => ({
  field,
  label,
  aliases,
  required,
});

/** Known columns per kind; headers are matched after normalizeHeader(). */
export const IMPORT_COLUMNS: Record<ImportKind, readonly ColumnSpec[]> = {
  products: [
    col('code', '商品编码', ['sku编码', 'sku', '编码', '货号', '商品代码', '存货编码', '物料编码', '规格编码', '条码'], true),
    col('name', '商品名称', ['品名', '名称', '商品', '产品名称', '存货名称', '物料名称']),
    col('productCode', '产品编码', ['款号', '产品代码', 'spu编码', '产品货号']),
    col('spec', '规格', ['规格型号', '型号', '规格说明']),
    col('category', '分类', ['商品分类', '类别', '品类', '产品分类', '类目']),
    col('baseUnit', '单位', ['基本单位', '计量单位', '最小单位', '件单位']),
    col('caseUnit', '箱单位', ['包装单位', '整件单位', '大单位']),
    col('caseSize', '箱规(件/箱)', ['箱规', '装箱数', '每箱数量', '箱装数', '箱入数', '包装规格', '件/箱', '装箱规格']),
    col('caseOnly', '只整箱', ['整箱', '仅整箱', '只卖整箱', '整箱销售', '必须整箱']),
    col('listPriceFen', '标准价(元)', ['标准价', '标准单价', '单价', '价格', '售价', '零售价', '建议零售价', '出厂价', '批发价', '价格(元)']),
    col('moq', '起订量', ['最小起订量', '起订数量', '最低起订', 'moq', '起订']),
    col('active', '上架', ['是否上架', '上架状态', '状态', '在售']),
    col('madeToOrder', '定制', ['是否定制', '定制品', '按单生产', '订制']),
    col('leadTimeDays', '交期(天)', ['交期', '交货期', '交货天数', '生产周期', '货期', '交期天数']),
    col('description', '描述', ['商品描述', '备注', '说明']),
    col('imageUrl', '图片', ['图片链接', '图片地址', '主图']),
  ],
  prices: [
    col('priceType', '价格类型(等级/客户)', ['价格类型', '类型', '价格对象类型', '适用类型', '价格类别']),
    col('target', '等级或客户编码', ['等级/客户编码', '等级或客户', '等级/客户', '适用对象', '对象编码', '对象']),
    col('levelName', '客户等级', ['等级', '等级名称', '等级编码']),
    col('customerCode', '客户编码', ['客户代码', '客户编号']),
    col('skuCode', '商品编码', ['sku编码', 'sku', '编码', '货号', '商品代码', '存货编码', '物料编码'], true),
    col('priceFen', '单价(元)', ['单价', '价格', '协议价', '售价', '价格(元)', '专属价', '等级价'], true),
    col('moq', '起订量', ['最小起订量', '起订数量', '最低起订', 'moq', '起订']),
    col('listName', '价格表名称', ['价格表', '价目表名称']),
  ],
  customers: [
    col('code', '客户编码', ['客户代码', '客户编号', '编码', '客户id'], true),
    col('name', '客户名称', ['客户', '名称', '公司名称', '客户全称', '单位名称', '门店名称']),
    col('levelName', '客户等级', ['等级', '客户级别', '级别', '价格等级']),
    col('merchandiser', '跟单员', ['业务员', '负责人', '跟单', '客户经理', '销售']),
    col('creditLimitFen', '信用额度(元)', ['信用额度', '授信额度', '额度', '信用额']),
    col('invitationCode', '邀请码', ['绑定码', '邀请编码']),
    col('contact', '联系人', ['收货人', '联系人姓名']),
    col('phone', '电话', ['联系电话', '手机', '手机号', '联系方式', '电话号码']),
    col('address', '地址', ['收货地址', '送货地址', '详细地址']),
    col('active', '启用', ['状态', '是否启用', '有效']),
    col('priority', '优先级', ['客户优先级', '优先等级', '重要程度']),
    col('region', '区域', ['地区', '片区', '销售区域', '所属区域']),
  ],
  stock: [
    col('skuCode', '商品编码', ['sku编码', 'sku', '编码', '货号', '商品代码', '存货编码', '物料编码'], true),
    col('onHand', '现有库存', ['库存', '库存数量', '现存量', '结存数量', '在库数量', '数量', '实际库存', '可用库存'], true),
    col('unit', '库存单位', ['单位', '计量单位']),
  ],
};

/** Quantity-break columns of a price list: 阶梯1数量 / 阶梯1单价(元) and variants. */
const BREAK_HEADER_RES: readonly RegExp[] = [
  /^阶梯价?(\d{1,2})(数量|起订量|起批量|单价|价格)$/,
  /^第?(\d{1,2})档(数量|起订量|起批量|单价|价格)$/,
];
export const MAX_PRICE_BREAKS = 10;

/** Trim, drop BOM, spaces and required-marks, half-width brackets, lower case, strip a unit suffix. */
export function normalizeHeader(header: string): string {
  let h = header
    .replace(/^\uFEFF/, '')
    .replace(/[\s\u3000*＊]/g, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/【/g, '(')
    .replace(/】/g, ')')
    .toLowerCase();
  // "标准价(元)" → "标准价"; a 万元 column is a different unit and must not match.
  if (!h.includes('万')) h = h.replace(/\([^)]*\)$/, '');
  return h;
}

export interface HeaderMap {
  /** For each column index, the field it feeds (null: ignored). */
  fields: (string | null)[];
  /** Headers that matched nothing (shown as a warning). */
  ignored: string[];
}

export type HeaderResult = { ok: true; map: HeaderMap } | { ok: false; reasons: string[] };

/** Maps a header row to fields; reports missing required columns and columns given twice. */
export function mapHeaders(kind: ImportKind, headers: readonly string[]): HeaderResult {
  const specs = IMPORT_COLUMNS[kind];
  const lookup = new Map<string, string>();
  for (const s of specs) {
    for (const name of [s.label, ...s.aliases]) {
      const key = normalizeHeader(name);
      if (!lookup.has(key)) lookup.set(key, s.field);
    }
  }
  const fields: (string | null)[] = [];
  const ignored: string[] = [];
  const seen = new Map<string, string>();
  const reasons: string[] = [];
  headers.forEach((raw) => {
    const h = normalizeHeader(raw);
    let field: string | null = lookup.get(h) ?? null;
    if (!field && kind === 'prices') {
      for (const re of BREAK_HEADER_RES) {
        const m = re.exec(h);
        if (m) {
          const n = Number(m[1]);
          if (n >= 1 && n <= MAX_PRICE_BREAKS) field = `break${n}.${m[2]!.includes('价') ? 'price' : 'qty'}`;
          break;
        }
      }
    }
    if (field) {
      const before = seen.get(field);
      if (before !== undefined) reasons.push(`列「${raw.trim()}」与列「${before}」重复`);
      else seen.set(field, raw.trim());
    } else if (raw.trim() !== '') {
      ignored.push(raw.trim());
    }
    fields.push(field);
  });
  const missing = specs.filter((s) => s.required && !seen.has(s.field)).map((s) => s.label);
  if (missing.length) reasons.unshift(`缺少必填列：${missing.join('、')}`);
  if (kind === 'prices' && !seen.has('target') && !seen.has('levelName') && !seen.has('customerCode')) {
    reasons.push('缺少列：等级或客户编码（或“客户等级”/“客户编码”列）');
  }
  return reasons.length ? { ok: false, reasons } : { ok: true, map: { fields, ignored } };
}

/**
 * Finds the header row among the first rows (a title line such as “2026年价格表” may come
 * first): the first row that maps without missing columns, else the best-matching row's reasons.
 */
export function findHeaderRow(
  kind: ImportKind,
  rows: readonly (readonly string[])[],
  scan = 10,
): { index: number; map: HeaderMap } | { index: -1; reasons: string[] } {
  let best: { score: number; reasons: string[] } = { score: -1, reasons: ['文件是空的'] };
  for (let i = 0; i < Math.min(scan, rows.length); i++) {
    const r = mapHeaders(kind, rows[i]!);
    if (r.ok) return { index: i, map: r.map };
    const filled = rows[i]!.filter((h) => h.trim() !== '').length;
    const score = filled - r.reasons.length;
    if (filled > 0 && score > best.score) best = { score, reasons: r.reasons };
  }
  return { index: -1, reasons: best.reasons };
}

/** One data row after header mapping: the spreadsheet's row number and the fields' texts. */
export const SheetRow = z.object({
  row: z.number().int().min(1),
  values: z.record(z.string(), z.string().max(2000)),
});
export type SheetRow = z.infer<typeof SheetRow>;

/** Maps one row of cell texts to a SheetRow (null when the row is blank). */
export function toSheetRow(map: HeaderMap, cells: readonly string[], rowNumber: number): SheetRow | null {
  const values: Record<string, string> = {};
  let any = false;
  map.fields.forEach((field, i) => {
    if (!field) return;
    const v = (cells[i] ?? '').trim();
    if (v !== '') {
      values[field] = v;
      any = true;
    }
  });
  return any ? { row: rowNumber, values } : null;
}

/**
 * The text of a cell as exceljs gives it: strings, numbers, booleans, dates, rich text,
 * hyperlinks and formula results. Numbers keep at most the precision a person typed.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) return (v.richText as { text?: string }[]).map((t) => t.text ?? '').join('').trim();
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return cellText(v.text);
    if ('error' in v) return '';
  }
  return String(value).trim();
}

/** 12.3 → "12.3"; float noise from formulas (0.30000000000000004) → "0.3". */
export function numberText(n: number): string {
  if (!Number.isFinite(n)) return '';
  if (Number.isInteger(n)) return Number.isSafeInteger(n) ? String(n) : n.toFixed(0);
  const rounded = Math.round(n * 1e6) / 1e6;
  return String(rounded);
}

// --- cell parsers ----------------------------------------------------------------------------

type Ctx = z.core.$RefinementCtx;
const blank = (v: string | undefined): v is undefined => v === undefined || v.trim() === '';

function issue(ctx: Ctx, message: string): never {
  ctx.addIssue({ code: 'custom', message });
  return z.NEVER as never;
}

function text(label: string, max: number) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (blank(v)) return undefined;
      const t = v.trim();
      if (t.length > max) return issue(ctx, `${label}不能超过 ${max} 个字`);
      return t;
    });
}

function code(label: string, max = 40) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (blank(v)) return issue(ctx, `${label}不能为空`);
      const t = v.trim();
      if (t.length > max) return issue(ctx, `${label}不能超过 ${max} 个字符`);
      if (/[\u0000-\u001f]/.test(t)) return issue(ctx, `${label}含有不可见字符`);
      return t;
    });
}

function yuan(label: string) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (blank(v)) return undefined;
      const fen = parseYuanToFen(v.replace(/元$/, ''));
      if (fen === null) return issue(ctx, `${label}「${v.trim()}」不是有效金额（以元为单位，最多两位小数）`);
      return fen;
    });
}

function int(label: string, min: number, max: number) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (blank(v)) return undefined;
      const t = v.trim().replace(/,/g, '');
      if (!/^-?\d+(\.0+)?$/.test(t)) return issue(ctx, `${label}「${v.trim()}」应为整数`);
      const n = Number(t);
      if (n < min) return issue(ctx, `${label}不能小于 ${min}`);
      if (n > max) return issue(ctx, `${label}不能大于 ${max}`);
      return n;
    });
}

const TRUE_WORDS = new Set(['是', 'y', 'yes', 'true', '1', '√', '✓', '✔', '对', '上架', '在售', '启用', '有效', '正常', '整箱', '定制']);
const FALSE_WORDS = new Set(['否', 'n', 'no', 'false', '0', '×', '✗', '不', '下架', '停售', '停用', '禁用', '无效', '不定制', '非定制']);

/** 是/否, Y/N, 1/0, √/×, 上架/下架, 启用/停用 … */
export function parseYesNo(v: string): boolean | null {
  const t = v.trim().toLowerCase();
  if (TRUE_WORDS.has(t)) return true;
  if (FALSE_WORDS.has(t)) return false;
  return null;
}

function yesNo(label: string) {
  return z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (blank(v)) return undefined;
      const b = parseYesNo(v);
      if (b === null) return issue(ctx, `${label}「${v.trim()}」应填“是”或“否”`);
      return b;
    });
}

// --- row schemas ---------------------------------------------------------------------------

export const ProductRow = z.object({
  code: code('商品编码'),
  name: text('商品名称', 80),
  productCode: text('产品编码', 40),
  spec: text('规格', 80),
  category: text('分类', 40),
  baseUnit: text('单位', 4),
  caseUnit: text('箱单位', 4),
  caseSize: int('箱规', 1, 100000),
  caseOnly: yesNo('只整箱'),
  listPriceFen: yuan('标准价'),
  moq: int('起订量', 1, 1_000_000),
  active: yesNo('上架'),
  madeToOrder: yesNo('定制'),
  leadTimeDays: int('交期(天)', 0, 365),
  description: text('描述', 500),
  imageUrl: text('图片', 300),
});
export type ProductRow = z.output<typeof ProductRow>;

export const PriceType = z.enum(['level', 'customer']);
export type PriceType = z.infer<typeof PriceType>;

const LEVEL_WORDS = new Set(['等级', '客户等级', '级别', '等级价', 'level', '等级价格']);
const CUSTOMER_WORDS = new Set(['客户', '专属', '客户价', '专属价', '客户专属', 'customer', '客户专属价']);

export const PriceRow = z
  .object({
    priceType: z
      .string()
      .optional()
      .transform((v, ctx) => {
        if (blank(v)) return undefined;
        const t = v.trim().toLowerCase();
        if (LEVEL_WORDS.has(t)) return 'level' as const;
        if (CUSTOMER_WORDS.has(t)) return 'customer' as const;
        return issue(ctx, `价格类型「${v.trim()}」应为“等级”或“客户”`);
      }),
    target: text('等级或客户编码', 40),
    levelName: text('客户等级', 40),
    customerCode: text('客户编码', 40),
    skuCode: code('商品编码'),
    priceFen: yuan('单价').refine((v) => v !== undefined, '单价不能为空'),
    moq: int('起订量', 1, 1_000_000),
    listName: text('价格表名称', 40),
    breaks: z.array(z.object({ n: z.number(), minQty: z.number().optional(), priceFen: z.number().optional() })),
  })
  .transform((r, ctx) => {
    // Who the price is for: an explicit type + target, or a 客户编码 / 客户等级 column.
    let type: PriceType | undefined = r.priceType;
    let target = r.target;
    if (!type && !target) {
      if (r.customerCode) [type, target] = ['customer', r.customerCode];
      else if (r.levelName) [type, target] = ['level', r.levelName];
    } else if (!type) {
      type = r.customerCode ? 'customer' : r.levelName ? 'level' : undefined;
    } else if (!target) {
      target = type === 'customer' ? r.customerCode : r.levelName;
    }
    if (!type) return issue(ctx, '请填写价格类型（等级/客户）');
    if (!target) return issue(ctx, type === 'level' ? '请填写客户等级' : '请填写客户编码');
    const breaks: { minQty: number; priceFen: number }[] = [];
    for (const b of [...r.breaks].sort((a, b2) => a.n - b2.n)) {
      if (b.minQty === undefined && b.priceFen === undefined) continue;
      if (b.minQty === undefined) return issue(ctx, `阶梯${b.n}缺少数量`);
      if (b.priceFen === undefined) return issue(ctx, `阶梯${b.n}缺少单价`);
      const prev = breaks[breaks.length - 1];
      if (b.minQty < 2) return issue(ctx, `阶梯${b.n}数量应大于 1`);
      if (prev && b.minQty <= prev.minQty) return issue(ctx, `阶梯${b.n}数量应大于上一档`);
      breaks.push({ minQty: b.minQty, priceFen: b.priceFen });
    }
    return { type, target, skuCode: r.skuCode, priceFen: r.priceFen!, moq: r.moq, listName: r.listName, breaks };
  });
export type PriceRow = z.output<typeof PriceRow>;

export const CustomerRow = z.object({
  code: code('客户编码'),
  name: text('客户名称', 60),
  levelName: text('客户等级', 20),
  merchandiser: text('跟单员', 20),
  /** undefined: not given; null: 不限 (no limit). */
  creditLimitFen: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (blank(v)) return undefined;
      if (['不限', '无限', '无限制', '不限额', '无'].includes(v.trim())) return null;
      const fen = parseYuanToFen(v.replace(/元$/, ''));
      if (fen === null) return issue(ctx, `信用额度「${v.trim()}」不是有效金额（以元为单位；不限额请填“不限”）`);
      return fen;
    }),
  invitationCode: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (blank(v)) return undefined;
      const t = v.trim().toUpperCase();
      if (!/^[A-Z0-9]{4,32}$/.test(t)) return issue(ctx, `邀请码「${v.trim()}」应为 4–32 位字母或数字`);
      return t;
    }),
  contact: text('联系人', 20),
  phone: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (blank(v)) return undefined;
      const t = v.trim();
      if (!/^[0-9+\-() ]{5,20}$/.test(t)) return issue(ctx, `电话「${t}」格式不正确`);
      return t;
    }),
  address: text('地址', 120),
  active: yesNo('启用'),
  /** 优先级 0–9, larger first when stock is short (supply.ts); undefined: not given. */
  priority: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (blank(v)) return undefined;
      const t = v.trim();
      if (!/^[0-9]$/.test(t)) return issue(ctx, `优先级「${t}」应为 0–9 的整数（越大越优先）`);
      return Number(t);
    }),
  region: text('区域', 20),
});
export type CustomerRow = z.output<typeof CustomerRow>;

export const StockRow = z.object({
  skuCode: code('商品编码'),
  onHand: int('现有库存', 0, 1_000_000_000).refine((v) => v !== undefined, '现有库存不能为空'),
  unit: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (blank(v)) return 'piece' as const;
      const t = v.trim();
      if (['箱', '件/箱', 'case', '整箱'].includes(t)) return 'case' as const;
      if (['件', '个', '瓶', '盒', '包', '袋', '罐', '桶', '支', '提', '卷', '组', '基本单位', 'piece'].includes(t)) return 'piece' as const;
      return issue(ctx, `库存单位「${t}」应为“件”（基本单位）或“箱”`);
    }),
});
export type StockRow = z.output<typeof StockRow>;

export interface ParsedRows {
  products: ProductRow;
  prices: PriceRow;
  customers: CustomerRow;
  stock: StockRow;
}

export interface BadRow {
  /** The spreadsheet's row number (the header row counts). */
  row: number;
  /** The row's key (SKU or customer code) when it has one. */
  key?: string;
  reason: string;
}

export type RowParse<K extends ImportKind> = { ok: true; row: number; value: ParsedRows[K] } | { ok: false; bad: BadRow };

const SCHEMAS: { [K in ImportKind]: z.ZodType<ParsedRows[K]> } = {
  products: ProductRow as z.ZodType<ProductRow>,
  prices: PriceRow as unknown as z.ZodType<PriceRow>,
  customers: CustomerRow as z.ZodType<CustomerRow>,
  stock: StockRow as z.ZodType<StockRow>,
};

function priceInput(values: Record<string, string>): Record<string, unknown> {
  const breaks = new Map<number, { n: number; minQty?: number; priceFen?: number }>();
  const errors: string[] = [];
  for (const [k, v] of Object.entries(values)) {
    const m = /^break(\d+)\.(qty|price)$/.exec(k);
    if (!m) continue;
    const n = Number(m[1]);
    const b = breaks.get(n) ?? { n };
    if (m[2] === 'qty') {
      const t = v.trim().replace(/,/g, '');
      if (!/^\d+(\.0+)?$/.test(t)) errors.push(`阶梯${n}数量「${v}」应为整数`);
      else b.minQty = Number(t);
    } else {
      const fen = parseYuanToFen(v.replace(/元$/, ''));
      if (fen === null) errors.push(`阶梯${n}单价「${v}」不是有效金额`);
      else b.priceFen = fen;
    }
    breaks.set(n, b);
  }
  return { ...values, breaks: [...breaks.values()], __errors: errors };
}

/** Validates one row of a kind; every problem of the row is given, joined by '；'. */
export function parseImportRow<K extends ImportKind>(kind: K, sheetRow: SheetRow): RowParse<K> {
  const key = sheetRow.values.code ?? sheetRow.values.skuCode;
  let input: Record<string, unknown> = sheetRow.values;
  let pre: string[] = [];
  if (kind === 'prices') {
    input = priceInput(sheetRow.values);
    pre = input.__errors as string[];
  }
  const r = SCHEMAS[kind].safeParse(input);
  if (r.success && pre.length === 0) return { ok: true, row: sheetRow.row, value: r.data };
  const reasons = [...pre, ...(r.success ? [] : r.error.issues.map((i) => i.message))];
  return { ok: false, bad: { row: sheetRow.row, ...(key ? { key } : {}), reason: [...new Set(reasons)].join('；') } };
}

/** The key that must be unique within one file, per kind. */
export function rowKey<K extends ImportKind>(kind: K, value: ParsedRows[K]): string {
  switch (kind) {
    case 'products':
      return (value as ProductRow).code;
    case 'customers':
      return (value as CustomerRow).code;
    case 'stock':
      return (value as StockRow).skuCode;
    default: {
      const p = value as PriceRow;
      return `${p.type}\u0000${p.target}\u0000${p.skuCode}`;
    }
  }
}

/** Rows whose key appeared on an earlier row of the same file. */
export function findDuplicateRows<K extends ImportKind>(
  kind: K,
  rows: readonly { row: number; value: ParsedRows[K] }[],
): BadRow[] {
  const first = new Map<string, number>();
  const bad: BadRow[] = [];
  for (const r of rows) {
    const k = rowKey(kind, r.value);
    const at = first.get(k);
    if (at !== undefined) {
      const shown = kind === 'prices' ? (r.value as PriceRow).skuCode : k;
      bad.push({ row: r.row, key: shown, reason: `与第 ${at} 行重复` });
    } else first.set(k, r.row);
  }
  return bad;
}
