/**
 * report: statements (对账单). A customer gets its own; a merchandiser its customers'; an admin
 * any customer's. The XLSX comes back inline as base64: the H5 app turns it into a download and
 * the mini-program writes it to USER_DATA_PATH and opens it with wx.openDocument, so no cloud
 * storage is needed (see docs in scripts/import/README.md).
 */
import { Api } from '@dinghuo/shared/contract';
import { defineFunction } from '../_lib/runtime';
import { loadStatement, statementCustomerFor, statementCustomers } from '../_lib/services/reports';
import { statementXlsx } from '../_lib/services/reportXlsx';

export const main = defineFunction(Api.report, {
  statementCustomers: async (_input, { store, caller }) => statementCustomers(store, caller),
  statement: async (input, { store, caller, now }) =>
    loadStatement(store, await statementCustomerFor(store, caller, input.customerId), input.month, now),
  statementXlsx: async (input, { store, caller, now }) =>
    statementXlsx(await loadStatement(store, await statementCustomerFor(store, caller, input.customerId), input.month, now)),
});
