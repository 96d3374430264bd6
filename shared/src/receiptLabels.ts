/** Receipt methods and their labels, free of zod so the app can import them. */
export const RECEIPT_METHODS = ['bank', 'wechat', 'alipay', 'cash', 'acceptance', 'other'] as const;
export type ReceiptMethodKey = (typeof RECEIPT_METHODS)[number];
export const RECEIPT_METHOD_LABELS: Record<ReceiptMethodKey, string> = {
  bank: '银行转账',
  wechat: '微信',
  alipay: '支付宝',
  cash: '现金',
  acceptance: '承兑汇票',
  other: '其他',
};
