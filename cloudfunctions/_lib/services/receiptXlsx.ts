/** The month's receipts (货款回笼) and commissions (提成) as XLSX: one sheet each, and by customer. */
import { exportFileName, type ReceiptsReport, type XlsxFile } from '@dinghuo/shared';
import { table, toFile, totalRow, workbook, yuan } from './reportXlsx';

export const RECEIPTS_SHEETS = { receipts: '货款回笼', customers: '回款按客户', commissions: '提成' } as const;

export async function receiptsReportXlsx(r: ReceiptsReport, scopeName: string): Promise<XlsxFile> {
  const wb = workbook();
  const ws = wb.addWorksheet(RECEIPTS_SHEETS.receipts);
  ws.addRow([`货款回笼 ${r.period.firstDate} 至 ${r.period.lastDate}`]).font = { bold: true, size: 14 };
  ws.addRow([]);
  table(
    ws,
    [
      { header: '收款日期', width: 12 },
      { header: '客户编码', width: 10 },
      { header: '客户', width: 18 },
      { header: '跟单员', width: 10 },
      { header: '方式', width: 10 },
      { header: '参考号', width: 18 },
      { header: '金额(元)', width: 14, money: true },
      { header: '核销订单(元)', width: 14, money: true },
      { header: '计入预收(元)', width: 14, money: true },
      { header: '核销订单号', width: 36 },
      { header: '登记人', width: 10 },
    ],
    r.receipts.map((x) => [x.date, x.customerCode, x.customerName, x.merchandiserName, x.methodLabel, x.reference, yuan(x.amountFen), yuan(x.allocatedFen), yuan(x.onAccountFen), x.orderNos.join('、'), x.recordedBy]),
  );
  totalRow(ws, ['合计', '', '', '', '', '', yuan(r.totals.receivedFen), yuan(r.totals.allocatedFen), yuan(r.totals.onAccountFen)], [7, 8, 9]);

  const cs = wb.addWorksheet(RECEIPTS_SHEETS.customers);
  table(
    cs,
    [
      { header: '客户编码', width: 10 },
      { header: '客户', width: 18 },
      { header: '跟单员', width: 10 },
      { header: '笔数', width: 8 },
      { header: '回款(元)', width: 14, money: true },
      { header: '核销订单(元)', width: 14, money: true },
      { header: '计入预收(元)', width: 14, money: true },
    ],
    r.byCustomer.map((c) => [c.customerCode, c.customerName, c.merchandiserName, c.count, yuan(c.receivedFen), yuan(c.allocatedFen), yuan(c.onAccountFen)]),
  );

  const ms = wb.addWorksheet(RECEIPTS_SHEETS.commissions);
  table(
    ms,
    [
      { header: '跟单员', width: 10 },
      { header: '客户数', width: 8 },
      { header: '收款笔数', width: 10 },
      { header: '回款(元)', width: 14, money: true },
      { header: '提成比例', width: 10 },
      { header: '提成(元)', width: 14, money: true },
    ],
    r.commissions.map((c) => [c.merchandiserName, c.customerCount, c.receiptCount, yuan(c.receivedFen), c.rateLabel, yuan(c.commissionFen)]),
  );
  totalRow(ms, ['合计', '', '', yuan(r.totals.receivedFen), '', yuan(r.totals.commissionFen)], [4, 6]);
  return toFile(wb, exportFileName('货款回笼与提成', scopeName, r.month));
}
