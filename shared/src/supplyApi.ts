/**
 * The `supply` function's contract: scarce stock (shortfall, allocation, back-orders 缺货登记),
 * samples (样品单) and the 跟单's monthly supply report. Registered in api.ts as ApiInputs.supply /
 * ApiOutputs.supply. Roles: customers register back-orders and request/approve samples for
 * themselves; merchandisers act for their own customers; admins for all.
 */
import { z } from 'zod';
import { Id, PageInput, type Page } from './ids';
import { OrderUnit } from './catalog';
import { CartLineInput, MAX_ORDER_LINES } from './order';
import { MonthInput } from './statement';
import { Fen } from './money';
import { BackOrderStatus, type BackOrder, type ShortfallRow } from './supply';
import { SampleStatus, type Sample } from './samples';
import type { SupplyReport } from './supplyReports';
import type { OrderDetail } from './api';
import type { XlsxFile } from './reportApi';

const Text = (max: number) => z.string().trim().max(max);
const RequiredText = (max: number) => z.string().trim().min(1, '请填写').max(max);

export const SupplyInputs = {
  /** Staff: SKUs with waiting back-orders, their demand against stock, the suggested allocation. */
  shortfall: z.object({ skuId: Id.optional() }),
  /**
   * Staff: fill a SKU's back-orders from its available stock: by the given allocation, or by the
   * suggestion when none is given. Each fill is an order through the normal submit path.
   */
  allocate: z.object({
    skuId: Id,
    allocations: z.array(z.object({ backOrderId: Id, qty: z.number().int().min(0).max(1_000_000) })).max(200).optional(),
  }),
  /** Customer: 缺货登记 for a SKU that is short. */
  backOrderCreate: z.object({ skuId: Id, unit: OrderUnit, count: z.number().int().min(1).max(1_000_000), addressId: Id }),
  backOrders: PageInput.extend({ status: BackOrderStatus.optional(), skuId: Id.optional() }),
  backOrderCancel: z.object({ backOrderId: Id }),
  /** customerId: staff only (a customer requests for itself). */
  sampleRequest: z.object({
    customerId: Id.optional(),
    items: z.array(z.object({ skuId: Id, qty: z.number().int().min(1).max(1000) })).min(1).max(20),
    note: Text(200).default(''),
  }),
  samples: PageInput.extend({ status: SampleStatus.optional() }),
  sampleDetail: z.object({ sampleId: Id }),
  sampleSend: z.object({ sampleId: Id, company: RequiredText(20), trackingNo: RequiredText(40), costFen: Fen.max(10_000_000) }),
  sampleDecide: z.object({ sampleId: Id, approved: z.boolean(), note: Text(200).default('') }),
  sampleCancel: z.object({ sampleId: Id, note: Text(200).default('') }),
  sampleOrder: z.object({ sampleId: Id, lines: z.array(CartLineInput).min(1).max(MAX_ORDER_LINES), addressId: Id }),
  /** Staff: the month's supply report (own customers for a merchandiser), as data or XLSX. */
  report: z.object({ month: MonthInput, format: z.enum(['data', 'xlsx']).default('data') }),
} as const;

export interface FillOutcome {
  backOrderId: string;
  qty: number;
  orderId: string | null;
  error: { code: string; message: string } | null;
}

export interface AllocateResult {
  filled: FillOutcome[];
  shortfall: ShortfallRow;
}

export interface SupplyOutputs {
  shortfall: ShortfallRow[];
  allocate: AllocateResult;
  backOrderCreate: BackOrder;
  backOrders: Page<BackOrder>;
  backOrderCancel: BackOrder;
  sampleRequest: Sample;
  samples: Page<Sample>;
  sampleDetail: Sample;
  sampleSend: Sample;
  sampleDecide: Sample;
  sampleCancel: Sample;
  sampleOrder: { sample: Sample; order: OrderDetail };
  report: SupplyReport | XlsxFile;
}
