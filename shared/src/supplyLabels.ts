/** Labels of samples and back-orders, with no zod and no runtime import (for the mini-program). */
export const SAMPLE_STATUS_LABELS = {
  requested: '待寄样',
  sent: '已寄样',
  approved: '已批板',
  rejected: '未通过',
  ordered: '已下单',
  cancelled: '已取消',
} as const;

export const BACK_ORDER_STATUS_LABELS = { waiting: '待补货', filled: '已补齐', cancelled: '已取消' } as const;
