/**
 * backoffice: the supplier's web back office (管理后台), for admins and merchandisers. The contract
 * and the role rules are in shared/src/backofficeApi.ts; the use cases in
 * _lib/services/backoffice*.ts reuse the existing services (catalog pricing, 跟单 review, import,
 * monthly report). Order detail and its actions are the `followup` function's, called as they are.
 */
import { Api } from '@dinghuo/shared/contract';
import { defineFunction } from '../_lib/runtime';
import { storageFor } from '../_lib/storage';
import {
  ensurePriceList,
  listPriceLists,
  listProducts,
  priceGrid,
  pricePreview,
  productDetail,
  refs,
  saveCategory,
  saveLevel,
  savePriceEntries,
  saveProduct,
  setSkusActive,
  setProductActive,
  uploadImage,
} from '../_lib/services/backofficeCatalog';
import {
  adjustStock,
  createInvitation,
  addInvitation,
  customerDetail,
  grantStaffLogin,
  revokeStaffLogin,
  staffLogins,
  listCustomers,
  listStock,
  listStockMovements,
  revokeInvitation,
  saveCustomer,
  setLowStockThreshold,
  unbindUser,
} from '../_lib/services/backofficeCustomers';
import { bulkConfirm, dashboard, deliveryNote, importFile, listImportRuns, monthlyXlsx, orderBoard } from '../_lib/services/backofficeOrders';

export const main = defineFunction(Api.backoffice, {
  refs: async (_input, { store, caller }) => refs(store, caller),
  saveLevel: async (input, { store, caller }) => saveLevel(store, caller, input),
  saveCategory: async (input, { store, caller }) => saveCategory(store, caller, input),
  staffLogins: async (_input, { store, caller }) => staffLogins(store, caller),
  grantStaffLogin: async (input, { store, caller, now }) => grantStaffLogin(store, caller, input, now),
  revokeStaffLogin: async (input, { store, caller }) => revokeStaffLogin(store, caller, input),

  products: async (input, ctx) => listProducts(ctx.store, ctx.caller, storageFor(ctx), input),
  product: async (input, ctx) => productDetail(ctx.store, ctx.caller, storageFor(ctx), input.productId),
  saveProduct: async (input, ctx) => saveProduct(ctx.store, ctx.caller, storageFor(ctx), input),
  setSkusActive: async (input, { store, caller }) => setSkusActive(store, caller, input),
  setProductActive: async (input, { store, caller }) => setProductActive(store, caller, input),
  uploadImage: async (input, ctx) => uploadImage(ctx.caller, storageFor(ctx), input),

  priceLists: async (_input, { store, caller }) => listPriceLists(store, caller),
  ensurePriceList: async (input, { store, caller }) => ensurePriceList(store, caller, input),
  priceGrid: async (input, { store, caller }) => priceGrid(store, caller, input),
  savePriceEntries: async (input, { store, caller }) => savePriceEntries(store, caller, input),
  pricePreview: async (input, { store, caller }) => pricePreview(store, caller, input),

  customers: async (input, { store, caller }) => listCustomers(store, caller, input),
  customer: async (input, { store, caller }) => customerDetail(store, caller, input.customerId),
  saveCustomer: async (input, { store, caller }) => saveCustomer(store, caller, input),
  createInvitation: async (input, { store, caller }) => createInvitation(store, caller, input),
  addInvitation: async (input, { store, caller, now }) => addInvitation(store, caller, input, now),
  revokeInvitation: async (input, { store, caller, now }) => revokeInvitation(store, caller, input, now),
  unbindUser: async (input, { store, caller }) => unbindUser(store, caller, input),

  stock: async (input, { store, caller }) => listStock(store, caller, input),
  adjustStock: async (input, { store, caller, now }) => adjustStock(store, caller, input, now),
  stockMovements: async (input, { store, caller }) => listStockMovements(store, caller, input),
  setLowStockThreshold: async (input, { store, caller }) => setLowStockThreshold(store, caller, input),

  orders: async (input, { store, caller, now }) => orderBoard(store, caller, input, now),
  bulkConfirm: async (input, { store, caller, now }) => bulkConfirm(store, caller, input, now),
  deliveryNote: async (input, { store, caller, now }) => deliveryNote(store, caller, input.orderId, now),

  importFile: async (input, { store, caller, now }) => importFile(store, caller, input, now),
  importRuns: async (input, { store, caller }) => listImportRuns(store, caller, input),

  dashboard: async (input, { store, caller, now, config }) => dashboard(store, caller, input, now, config),
  monthlyReportXlsx: async (input, { store, caller, now }) => monthlyXlsx(store, caller, input.month, now),
});
