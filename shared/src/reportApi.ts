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
import { ApplyOnAccountInput, RecordReceiptInput, type AccountApplication, type Receipt } from './receipts';
import type { ReceiptsReport } from './receiptsReport';
import type { OrderStatus } from './orderStatus';

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
  /** 收款 (staff, for a customer of theirs; admin: any). Idempotent by requestId. */
  recordReceipt: RecordReceiptInput,
  /** What the receipt form needs: the customer's balances, unpaid orders and recent receipts. */
  receiptForm: z.object({ customerId: Id }),
  /** 冲抵预收 (staff): applies the customer's on-account balance to its orders. Idempotent by requestId. */
  applyOnAccount: ApplyOnAccountInput,
  /** 对账确认: the customer confirms its own statement of a month that has ended. */
  confirmStatement: z.object({ month: MonthInput, note: z.string().trim().max(200).default('') }),
  /** 货款回笼 and 提成 for a month (staff: a merchandiser sees its own; an admin all). */
  receiptsReport: z.object({ month: MonthInput, format: z.enum(['data', 'xlsx']).default('data') }),
} as const;

/** An order the receipt form offers to allocate to. */
export interface PayableOrderRow {
  orderId: string;
  orderNo: string;
  createdDate: string;
  status: OrderStatus;
  statusLabel: string;
  totalFen: number;
  paidFen: number;
  unpaidFen: number;
  shippedDate: string | null;
}

export interface ReceiptForm {
  customer: { _id: string; code: string; name: string; outstandingFen: number; onAccountFen: number };
  /** Unpaid orders in the order auto allocation pays them. */
  openOrders: PayableOrderRow[];
  recent: Receipt[];
  /** Recent applications of money on account (冲抵预收), newest first. */
  applications: AccountApplication[];
}

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
  recordReceipt: Receipt;
  receiptForm: ReceiptForm;
  applyOnAccount: AccountApplication;
  confirmStatement: Statement;
  receiptsReport: ReceiptsReport | XlsxFile;
}
