/**
 * Contracts of the `admin` function (supplier admin: spreadsheet import, monthly report) and the
 * `report` function (statements for customers, merchandisers and admins). Registered in api.ts
 * as ApiInputs.admin / ApiInputs.report and ApiOutputs.admin / ApiOutputs.report.
 */
import { z } from 'zod';
import { Id } from './ids';
import { ImportKind, SheetRow } from './importRows';
import type { ImportReport } from './importPlan';
import { MonthInput, type MonthlyReport, type Statement } from './statement';

/** Rows the admin function applies in one call (the CLI sends a file in chunks of these). */
export const MAX_IMPORT_CHUNK = 1000;

export const AdminInputs = {
  importRows: z.object({
    kind: ImportKind,
    rows: z.array(SheetRow).min(1).max(MAX_IMPORT_CHUNK),
    dryRun: z.boolean().default(true),
    skipBad: z.boolean().default(false),
    file: z.string().max(200).default(''),
  }),
  monthlyReport: z.object({
    month: MonthInput,
    format: z.enum(['data', 'xlsx']).default('data'),
  }),
} as const;

export const ReportInputs = {
  /** Customers whose statements the caller may see (a customer: itself). */
  statementCustomers: z.object({}),
  /** customerId is for staff; a customer always gets its own statement. */
  statement: z.object({ month: MonthInput, customerId: Id.optional() }),
  statementXlsx: z.object({ month: MonthInput, customerId: Id.optional() }),
} as const;

/** A generated spreadsheet, returned inline (works the same on Cloudbase and locally). */
export interface XlsxFile {
  fileName: string;
  contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  base64: string;
  bytes: number;
}

export interface StatementCustomer {
  _id: string;
  code: string;
  name: string;
}

export interface AdminOutputs {
  importRows: ImportReport;
  monthlyReport: MonthlyReport | XlsxFile;
}

export interface ReportOutputs {
  statementCustomers: StatementCustomer[];
  statement: Statement;
  statementXlsx: XlsxFile;
}
