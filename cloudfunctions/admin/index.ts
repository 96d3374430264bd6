/**
 * admin: the supplier admin's tools (admin role only).
 * - importRows: applies one chunk of already-parsed spreadsheet rows (the CLI reads the file and
 *   sends chunks: first all as dry runs, then, if no row is bad or --skip-bad, for real). A real
 *   run with bad rows and no skipBad writes nothing and answers IMPORT_INVALID with the report.
 * - monthlyReport: the month's orders/shipments by customer, quantities by product and the
 *   exceptions register, as data or as an XLSX file (base64).
 *
 * Callers: an admin WeChat user (users.role 'admin'), or — for importRows only — an operator
 * call signed with the admin key DINGHUO_ADMIN_KEY (the import CLI's --env path, which has no
 * WeChat user; see _lib/operatorAuth.ts).
 */
import { DomainError } from '@dinghuo/shared';
import { Api } from '@dinghuo/shared/contract';
import { defineFunction } from '../_lib/runtime';
import { requireAdmin } from '../_lib/identity';
import { importRows } from '../_lib/services/importer';
import { loadMonthlyReport } from '../_lib/services/reports';
import { monthlyReportXlsx } from '../_lib/services/reportXlsx';
import { fillWaitingBackOrders } from '../_lib/services/supply';

export const main = defineFunction(Api.admin, {
  importRows: async (input, { store, caller, now, config }) => {
    requireAdmin(caller);
    const report = await importRows(store, input.kind, input.rows, {
      dryRun: input.dryRun,
      skipBad: input.skipBad,
      now,
      file: input.file,
    });
    if (!input.dryRun && !report.written) {
      throw new DomainError('IMPORT_INVALID', `导入文件有 ${report.bad.length} 行错误，未写入任何数据`, {
        report: { ...report, bad: report.bad.slice(0, 200) },
      });
    }
    // Stock arrived: waiting back-orders (缺货登记) are filled in priority order, each as an order.
    if (input.kind === 'stock' && !input.dryRun && report.written) await fillWaitingBackOrders(store, now, config);
    return report;
  },
  monthlyReport: async (input, { store, caller, now }) => {
    requireAdmin(caller);
    const report = await loadMonthlyReport(store, input.month, now);
    return input.format === 'xlsx' ? monthlyReportXlsx(report) : report;
  },
}, { operator: { functionName: 'admin', actions: ['importRows'] } });
