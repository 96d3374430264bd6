/**
 * report: statements (对账单), receipts (收款) and the receipts/commission report. A customer gets
 * its own statement and confirms it (对账确认); a merchandiser sees its customers' statements and
 * records their receipts; an admin any customer's. The XLSX comes back inline as base64: the H5
 * app turns it into a download and the mini-program writes it to USER_DATA_PATH and opens it with
 * wx.openDocument, so no cloud storage is needed (see docs in scripts/import/README.md).
 */
import { Api } from '@dinghuo/shared/contract';
import { defineFunction } from '../_lib/runtime';
import { requireStaff } from '../_lib/identity';
import { loadStatement, statementCustomerFor, statementCustomers } from '../_lib/services/reports';
import { statementXlsx } from '../_lib/services/reportXlsx';
import { applyOnAccount, confirmStatement, loadReceiptsReport, receiptForm, recordReceipt } from '../_lib/services/receipts';
import { receiptsReportXlsx } from '../_lib/services/receiptXlsx';

export const main = defineFunction(Api.report, {
  statementCustomers: async (_input, { store, caller }) => statementCustomers(store, caller),
  statement: async (input, { store, caller, now }) =>
    loadStatement(store, await statementCustomerFor(store, caller, input.customerId), input.month, now),
  statementXlsx: async (input, { store, caller, now }) =>
    statementXlsx(await loadStatement(store, await statementCustomerFor(store, caller, input.customerId), input.month, now)),
  recordReceipt: async (input, { store, caller, now }) => recordReceipt(store, caller, input, now),
  receiptForm: async (input, { store, caller }) => receiptForm(store, caller, input.customerId),
  applyOnAccount: async (input, { store, caller, now }) => applyOnAccount(store, caller, input, now),
  confirmStatement: async (input, { store, caller, now }) => confirmStatement(store, caller, input, now),
  receiptsReport: async (input, { store, caller, now, config }) => {
    const report = await loadReceiptsReport(store, caller, input.month, now, config);
    if (input.format === 'data') return report;
    const staff = requireStaff(caller);
    return receiptsReportXlsx(report, staff.kind === 'admin' ? '全部' : staff.name);
  },
});
