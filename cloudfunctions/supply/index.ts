/**
 * supply: scarce stock and samples. Back-orders (缺货登记: customers register, staff allocate and
 * fill), the shortfall view and allocation (staff), samples (样品单: request, send, 批板, order)
 * and the 跟单's monthly supply report (staff; XLSX inline as base64 like the statements).
 */
import { Api } from '@dinghuo/shared/contract';
import { defineFunction } from '../_lib/runtime';
import { requireStaff } from '../_lib/identity';
import {
  allocate,
  cancelBackOrder,
  cancelSample,
  createBackOrder,
  decideSample,
  listBackOrders,
  listSamples,
  loadSample,
  loadSupplyReport,
  moveSample,
  orderSample,
  requestSample,
  sendSample,
  shortfall,
} from '../_lib/services/supply';
import { supplyReportXlsx } from '../_lib/services/reportXlsx';

export const main = defineFunction(Api.supply, {
  shortfall: async (input, { store, caller }) => shortfall(store, caller, input),
  allocate: async (input, { store, caller, now, config }) => allocate(store, caller, input, now, config),
  backOrderCreate: async (input, { store, caller, now }) => createBackOrder(store, caller, input, now),
  backOrders: async (input, { store, caller }) => listBackOrders(store, caller, input),
  backOrderCancel: async (input, { store, caller, now }) => cancelBackOrder(store, caller, input.backOrderId, now),
  sampleRequest: async (input, { store, caller, now }) => requestSample(store, caller, input, now),
  samples: async (input, { store, caller }) => listSamples(store, caller, input),
  sampleDetail: async (input, { store, caller }) => loadSample(store, caller, input.sampleId),
  sampleSend: async (input, { store, caller, now }) => {
    requireStaff(caller);
    return moveSample(store, caller, input.sampleId, (s, by) =>
      sendSample(s, by, { company: input.company, trackingNo: input.trackingNo, costFen: input.costFen }, now),
    );
  },
  sampleDecide: async (input, { store, caller, now }) =>
    moveSample(store, caller, input.sampleId, (s, by) => decideSample(s, by, input.approved, input.note, now)),
  sampleCancel: async (input, { store, caller, now }) => moveSample(store, caller, input.sampleId, (s, by) => cancelSample(s, by, input.note, now)),
  sampleOrder: async (input, { store, caller, now, config }) => orderSample(store, caller, input, now, config),
  report: async (input, { store, caller, now }) => {
    const report = await loadSupplyReport(store, caller, input.month, now);
    return input.format === 'xlsx' ? supplyReportXlsx(report) : report;
  },
});
