/**
 * Statements and reports as XLSX (exceljs). Amounts are written as numbers in yuan with a
 * two-decimal format, so Excel can sum them; they come from integer fen (fen / 100 is exact to
 * the cent for any amount below 2^53 fen).
 */
import ExcelJS from 'exceljs';
import {
  exportFileName,
  formatShortDateTime,
  businessDate,
  type MonthlyReport,
  type ProductMonthRow,
  type Statement,
  type SupplyReport,
  type XlsxFile,
} from '@dinghuo/shared';

export const YUAN = '#,##0.00';
export const yuan = (fen: number) => fen / 100;

function styleHeader(row: ExcelJS.Row): void {
  row.font = { bold: true };
  row.alignment = { vertical: 'middle', horizontal: 'center' };
  row.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFF3F8' } };
    c.border = { bottom: { style: 'thin', color: { argb: 'FF999999' } } };
  });
}

/** A table: header row, data rows, money columns formatted; returns the header row number. */
export function table(
  ws: ExcelJS.Worksheet,
  columns: { header: string; width: number; money?: boolean }[],
  rows: (string | number | null)[][],
): number {
  const header = ws.addRow(columns.map((c) => c.header));
  styleHeader(header);
  columns.forEach((c, i) => {
    ws.getColumn(i + 1).width = Math.max(ws.getColumn(i + 1).width ?? 0, c.width);
  });
  for (const r of rows) {
    const row = ws.addRow(r);
    columns.forEach((c, i) => {
      if (c.money) row.getCell(i + 1).numFmt = YUAN;
    });
  }
  return header.number;
}

/** A bold 合计 row under a table; `money`: the (1-based) columns that hold yuan. */
export function totalRow(ws: ExcelJS.Worksheet, values: (string | number | null)[], money: readonly number[]): void {
  const row = ws.addRow(values);
  row.font = { bold: true };
  for (const c of money) row.getCell(c).numFmt = YUAN;
}

/** The 按商品 sheet: the monthly report's and the supply report's, one layout. */
function productTable(ws: ExcelJS.Worksheet, rows: readonly ProductMonthRow[]): void {
  table(
    ws,
    [
      { header: '商品编码', width: 14 },
      { header: '商品名称', width: 20 },
      { header: '规格', width: 16 },
      { header: '单位', width: 6 },
      { header: '订货数量', width: 10 },
      { header: '订货金额(元)', width: 14, money: true },
      { header: '发货数量', width: 10 },
      { header: '发货金额(元)', width: 14, money: true },
    ],
    rows.map((x) => [x.skuCode, x.name, x.spec, x.baseUnit, x.orderedQty, yuan(x.orderedFen), x.shippedQty, yuan(x.shippedFen)]),
  );
}

export async function toFile(wb: ExcelJS.Workbook, fileName: string): Promise<XlsxFile> {
  const buf = Buffer.from(await wb.xlsx.writeBuffer());
  return {
    fileName,
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    base64: buf.toString('base64'),
    bytes: buf.length,
  };
}

export function workbook(): ExcelJS.Workbook {
  const wb = new ExcelJS.Workbook();
  wb.creator = '订货通';
  return wb;
}

export const STATEMENT_SHEET = '对账单';
export const STATEMENT_RECEIPTS_SHEET = '收款明细';

export async function statementXlsx(s: Statement): Promise<XlsxFile> {
  const wb = workbook();
  const ws = wb.addWorksheet(STATEMENT_SHEET);
  ws.addRow([`对账单 — ${s.customer.name}（${s.customer.code}）`]).font = { bold: true, size: 14 };
  ws.addRow(['对账期间', `${s.period.firstDate} 至 ${s.period.lastDate}`]);
  ws.addRow(['跟单员', s.merchandiserName]);
  ws.addRow(['对账确认', s.confirmation.stateLabel, s.confirmation.confirmedAt === null ? '' : `${s.confirmation.confirmedBy} ${formatShortDateTime(s.confirmation.confirmedAt)}`]);
  ws.addRow(['生成时间', formatShortDateTime(s.generatedAt), businessDate(s.generatedAt)]);
  ws.addRow([]);
  const summary: [string, number][] = [
    ['期初未付(元)', s.totals.openingFen],
    ['本月订货(元)', s.totals.orderedFen],
    ['本月发货(元)', s.totals.shippedFen],
    ['本月回款(元)', s.totals.paidFen],
    ['期末未付(元)', s.totals.closingFen],
  ];
  for (const [label, fen] of summary) {
    const row = ws.addRow([label, yuan(fen)]);
    row.getCell(2).numFmt = YUAN;
  }
  ws.addRow(['本月订单数', s.totals.orderCount]);
  ws.addRow([]);
  table(
    ws,
    [
      { header: '订单号', width: 20 },
      { header: '下单日期', width: 12 },
      { header: '状态', width: 8 },
      { header: '订单金额(元)', width: 14, money: true },
      { header: '发货日期', width: 12 },
      { header: '本月发货(元)', width: 14, money: true },
      { header: '回款日期', width: 12 },
      { header: '本月回款(元)', width: 14, money: true },
      { header: '月末未付(元)', width: 14, money: true },
    ],
    s.lines.map((l) => [
      l.orderNo,
      l.createdDate,
      l.statusLabel,
      yuan(l.totalFen),
      l.shippedDate ?? '',
      yuan(l.shippedInMonthFen),
      l.paidDate ?? '',
      yuan(l.paidInMonthFen),
      yuan(l.unpaidAtEndFen),
    ]),
  );
  totalRow(ws, ['合计', '', '', null, '', yuan(s.totals.shippedFen), '', yuan(s.totals.paidFen), yuan(s.lines.reduce((n, l) => n + l.unpaidAtEndFen, 0))], [6, 8, 9]);
  const rs = wb.addWorksheet(STATEMENT_RECEIPTS_SHEET);
  table(
    rs,
    [
      { header: '收款日期', width: 12 },
      { header: '方式', width: 10 },
      { header: '参考号', width: 20 },
      { header: '金额(元)', width: 14, money: true },
      { header: '计入预收(元)', width: 14, money: true },
      { header: '核销订单', width: 40 },
    ],
    s.receipts.map((r) => [r.date, r.methodLabel, r.reference, yuan(r.amountFen), yuan(r.onAccountFen), r.orderNos.join('、')]),
  );
  return toFile(wb, exportFileName('对账单', s.customer.name, s.month));
}

export const MONTHLY_SHEETS = { customers: '按客户', products: '按商品', exceptions: '异常登记' } as const;

export async function monthlyReportXlsx(r: MonthlyReport): Promise<XlsxFile> {
  const wb = workbook();
  const c = wb.addWorksheet(MONTHLY_SHEETS.customers);
  table(
    c,
    [
      { header: '客户编码', width: 12 },
      { header: '客户名称', width: 20 },
      { header: '跟单员', width: 10 },
      { header: '订单数', width: 8 },
      { header: '订货金额(元)', width: 14, money: true },
      { header: '发货单数', width: 10 },
      { header: '发货金额(元)', width: 14, money: true },
      { header: '回款金额(元)', width: 14, money: true },
    ],
    r.byCustomer.map((x) => [x.customerCode, x.customerName, x.merchandiserName, x.orderCount, yuan(x.orderedFen), x.shippedCount, yuan(x.shippedFen), yuan(x.paidFen)]),
  );
  totalRow(c, ['合计', '', '', r.totals.orderCount, yuan(r.totals.orderedFen), r.totals.shippedCount, yuan(r.totals.shippedFen), yuan(r.totals.paidFen)], [5, 7, 8]);

  productTable(wb.addWorksheet(MONTHLY_SHEETS.products), r.byProduct);

  const e = wb.addWorksheet(MONTHLY_SHEETS.exceptions);
  table(
    e,
    [
      { header: '订单号', width: 20 },
      { header: '客户', width: 16 },
      { header: '类型', width: 10 },
      { header: '严重程度', width: 8 },
      { header: '描述', width: 36 },
      { header: '负责人', width: 10 },
      { header: '状态', width: 8 },
      { header: '登记时间', width: 12 },
      { header: '登记人', width: 10 },
      { header: '解决时间', width: 12 },
      { header: '处理结果', width: 30 },
    ],
    r.exceptions.map((x) => [
      x.orderNo,
      x.customerName,
      x.kindLabel,
      x.severityLabel,
      x.description,
      x.owner,
      x.statusLabel,
      formatShortDateTime(x.openedAt),
      x.openedBy,
      x.resolvedAt === null ? '' : formatShortDateTime(x.resolvedAt),
      x.resolution,
    ]),
  );
  return toFile(wb, exportFileName('月度报表', '供应商', r.month));
}

export const SUPPLY_SHEETS = {
  products: '按商品',
  batches: '按生产批次',
  regions: '重点客户(按区域)',
  quality: '质量问题',
  samples: '样品登记',
  courier: '快递费登记',
} as const;

/** The 跟单's supply report: one sheet per register. */
export async function supplyReportXlsx(r: SupplyReport): Promise<XlsxFile> {
  const wb = workbook();
  productTable(wb.addWorksheet(SUPPLY_SHEETS.products), r.byProduct);
  table(
    wb.addWorksheet(SUPPLY_SHEETS.batches),
    [
      { header: '生产批次(完工日期)', width: 16 },
      { header: '商品编码', width: 14 },
      { header: '商品名称', width: 20 },
      { header: '规格', width: 16 },
      { header: '单位', width: 6 },
      { header: '数量', width: 10 },
      { header: '订单数', width: 8 },
      { header: '订单号', width: 40 },
    ],
    r.byBatch.map((x) => [x.batchDate, x.skuCode, x.name, x.spec, x.baseUnit, x.qty, x.orderCount, x.orderNos.join('、')]),
  );
  const g = wb.addWorksheet(SUPPLY_SHEETS.regions);
  table(
    g,
    [
      { header: '区域', width: 12 },
      { header: '客户编码', width: 12 },
      { header: '客户名称', width: 20 },
      { header: '优先级', width: 8 },
      { header: '重点客户', width: 8 },
      { header: '订单数', width: 8 },
      { header: '订货金额(元)', width: 14, money: true },
      { header: '发货金额(元)', width: 14, money: true },
    ],
    r.keyCustomers.map((x) => [x.region, x.customerCode, x.customerName, x.priority, x.keyCustomer ? '是' : '', x.orderCount, yuan(x.orderedFen), yuan(x.shippedFen)]),
  );
  g.addRow([]);
  table(
    g,
    [
      { header: '区域', width: 12 },
      { header: '客户数', width: 12 },
      { header: '重点客户数', width: 20 },
      { header: '订货金额(元)', width: 8, money: true },
      { header: '发货金额(元)', width: 8, money: true },
    ],
    r.regions.map((x) => [x.region, x.customerCount, x.keyCustomerCount, yuan(x.orderedFen), yuan(x.shippedFen)]),
  );
  table(
    wb.addWorksheet(SUPPLY_SHEETS.quality),
    [
      { header: '来源', width: 8 },
      { header: '订单号', width: 20 },
      { header: '客户', width: 16 },
      { header: '类型', width: 12 },
      { header: '严重程度', width: 8 },
      { header: '描述', width: 36 },
      { header: '状态', width: 8 },
      { header: '登记时间', width: 14 },
    ],
    r.quality.map((x) => [x.source, x.orderNo, x.customerName, x.kindLabel, x.severityLabel, x.description, x.statusLabel, formatShortDateTime(x.at)]),
  );
  table(
    wb.addWorksheet(SUPPLY_SHEETS.samples),
    [
      { header: '样品单号', width: 18 },
      { header: '客户', width: 16 },
      { header: '样品', width: 36 },
      { header: '状态', width: 8 },
      { header: '申请时间', width: 14 },
      { header: '申请人', width: 10 },
      { header: '快递公司', width: 10 },
      { header: '快递单号', width: 18 },
      { header: '快递费(元)', width: 12, money: true },
      { header: '批板结果', width: 20 },
    ],
    r.samples.map((x) => [x.sampleNo, x.customerName, x.items, x.statusLabel, formatShortDateTime(x.requestedAt), x.requestedBy, x.courierCompany, x.trackingNo, yuan(x.courierFen), x.decision]),
  );
  const c = wb.addWorksheet(SUPPLY_SHEETS.courier);
  table(
    c,
    [
      { header: '寄出时间', width: 14 },
      { header: '样品单号', width: 18 },
      { header: '客户', width: 16 },
      { header: '快递公司', width: 10 },
      { header: '快递单号', width: 18 },
      { header: '快递费(元)', width: 12, money: true },
      { header: '寄件人', width: 10 },
    ],
    r.courier.map((x) => [formatShortDateTime(x.sentAt), x.sampleNo, x.customerName, x.company, x.trackingNo, yuan(x.costFen), x.sentBy]),
  );
  totalRow(c, ['合计', '', '', '', '', yuan(r.totals.courierFen), ''], [6]);
  return toFile(wb, exportFileName('跟单月报', '样品与供货', r.month));
}
