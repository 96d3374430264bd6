/**
 * 供应商报表 from the local embedded database.
 *
 *   npx tsx scripts/report/cli.ts monthly --month 2026-11 --out report.xlsx [--data-dir .data]
 *   npx tsx scripts/report/cli.ts statement --customer C001 --month 2026-11 --out 对账单.xlsx [--data-dir .data]
 *
 * monthly: 按客户 (orders, shipments, payments), 按商品 (quantities), 异常登记 (exceptions).
 * statement: one customer's 对账单 (customer by code or id).
 * On Cloudbase the same reports come from the admin function (monthlyReport) and the report
 * function (statementXlsx).
 */
import fs from 'node:fs';
import path from 'node:path';
import { businessMonth, DomainError, formatFen, MonthInput } from '@dinghuo/shared';
import { SqliteStore } from '../local/sqliteStore';
import type { Store } from '../../cloudfunctions/_lib/data/store';
import { loadMonthlyReport, loadStatement } from '../../cloudfunctions/_lib/services/reports';
import { monthlyReportXlsx, statementXlsx } from '../../cloudfunctions/_lib/services/reportXlsx';

function flag(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0) return argv[i + 1];
  return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

export async function writeMonthlyReport(store: Store, month: string, out: string, now = Date.now()) {
  const report = await loadMonthlyReport(store, month, now);
  const file = await monthlyReportXlsx(report);
  fs.writeFileSync(out, Buffer.from(file.base64, 'base64'));
  return report;
}

export async function writeStatement(store: Store, customerCodeOrId: string, month: string, out: string, now = Date.now()) {
  const customer =
    (await store.get('customers', customerCodeOrId)) ?? (await store.find('customers', { code: customerCodeOrId }, { limit: 1 }))[0] ?? null;
  if (!customer) throw new DomainError('NOT_FOUND', `客户「${customerCodeOrId}」不存在`);
  const statement = await loadStatement(store, customer, month, now);
  const file = await statementXlsx(statement);
  fs.writeFileSync(out, Buffer.from(file.base64, 'base64'));
  return statement;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  const month = flag(argv, 'month') ?? businessMonth(Date.now());
  if (!MonthInput.safeParse(month).success) {
    console.error('月份格式应为 YYYY-MM');
    return 2;
  }
  const dataDir = path.resolve(flag(argv, 'data-dir') ?? '.data');
  const store = new SqliteStore({ dataDir });
  try {
    if (command === 'monthly') {
      const out = path.resolve(flag(argv, 'out') ?? `月度报表-${month}.xlsx`);
      const r = await writeMonthlyReport(store, month, out);
      console.log(`月度报表 ${month}：订单 ${r.totals.orderCount} 笔，订货 ${formatFen(r.totals.orderedFen)}，发货 ${formatFen(r.totals.shippedFen)}，回款 ${formatFen(r.totals.paidFen)}，异常 ${r.totals.exceptionCount} 条`);
      console.log(`已写入 ${out}`);
      return 0;
    }
    if (command === 'statement') {
      const customer = flag(argv, 'customer');
      if (!customer) {
        console.error('请用 --customer 指定客户编码');
        return 2;
      }
      const out = path.resolve(flag(argv, 'out') ?? `对账单-${customer}-${month}.xlsx`);
      const s = await writeStatement(store, customer, month, out);
      console.log(`对账单 ${s.customer.name} ${month}：期初未付 ${formatFen(s.totals.openingFen)}，本月发货 ${formatFen(s.totals.shippedFen)}，本月回款 ${formatFen(s.totals.paidFen)}，期末未付 ${formatFen(s.totals.closingFen)}`);
      console.log(`已写入 ${out}`);
      return 0;
    }
    console.error('用法：npx tsx scripts/report/cli.ts monthly --month YYYY-MM --out report.xlsx [--data-dir .data]\n      npx tsx scripts/report/cli.ts statement --customer 客户编码 --month YYYY-MM --out 对账单.xlsx');
    return 2;
  } catch (e) {
    if (e instanceof DomainError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  } finally {
    store.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
