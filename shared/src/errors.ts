/**
 * One error type for the whole product. Every code is stable (clients and tests match on it)
 * and carries a Chinese message that is fit to show on screen as it is.
 */
export const ERROR_MESSAGES = {
  VALIDATION_FAILED: '提交的信息有误，请检查后重试',
  UNKNOWN_ACTION: '不支持的操作',
  UNAUTHENTICATED: '请先登录',
  NOT_BOUND: '您的微信尚未绑定客户账号',
  FORBIDDEN: '您没有权限执行此操作',
  NOT_FOUND: '记录不存在或已被删除',
  INVITATION_INVALID: '邀请码无效，请向供应商确认',
  ALREADY_BOUND: '该微信已绑定客户账号',
  CUSTOMER_INACTIVE: '客户账号已停用，请联系供应商',
  EMPTY_ORDER: '订单里还没有商品',
  TOO_MANY_LINES: '单笔订单商品种类过多，请分单提交',
  DUPLICATE_LINE: '同一商品同一单位请合并为一行',
  SKU_NOT_FOUND: '商品不存在',
  SKU_INACTIVE: '商品已下架',
  SKU_NOT_SOLD: '该商品不对您销售',
  UNIT_INVALID: '该商品不支持所选单位',
  NOT_WHOLE_CASE: '该商品只能整箱订购',
  BELOW_MOQ: '未达到起订量',
  QUANTITY_TOO_LARGE: '订购数量过大',
  OUT_OF_STOCK: '库存不足',
  CREDIT_LIMIT_EXCEEDED: '超出信用额度，请先回款或联系跟单员',
  ADDRESS_NOT_FOUND: '收货地址不存在',
  ILLEGAL_TRANSITION: '当前订单状态不允许此操作',
  ORDER_NOT_CANCELLABLE: '订单已被确认，无法取消，请联系跟单员',
  REQUEST_ID_REUSED: '重复的提交编号对应了不同的订单内容',
  NODE_INVALID: '跟单节点无效',
  EXCEPTION_NOT_FOUND: '异常记录不存在',
  EXCEPTION_ALREADY_RESOLVED: '该异常已处理',
  NODE_ALREADY_DONE: '该跟单节点已完成',
  NODE_OUT_OF_ORDER: '请先完成前面的跟单节点',
  DATE_IN_FUTURE: '日期不能晚于今天',
  DUE_DATE_INVALID: '交期不能早于今天',
  PLAN_INVALID: '计划日期不能早于审单日期',
  AFTER_SALES_NOT_ALLOWED: '当前订单状态不能申请售后',
  SHIPMENT_LINE_INVALID: '发货明细有误：商品不在订单中、重复或为空',
  SHIPMENT_EXCEEDS_ORDER: '发货数量超过未发数量',
  SHIPMENT_NOT_FOUND: '发货记录不存在',
  SHIPMENT_ALREADY_RECEIVED: '该批货物已确认收货',
  ORDER_CHANGE_NOT_ALLOWED: '订单已开始发货或当前状态不能改单',
  ORDER_UNCHANGED: '订单内容没有变化',
  CONFLICT: '数据正在被他人修改，请稍后重试',
  PAYMENT_BY_RECEIPT: '回款请通过登记收款完成，收齐后自动完成回款节点',
  RECEIPT_ALLOCATION_INVALID: '收款分配有误，请检查核销的订单',
  ALLOCATION_EXCEEDS_UNPAID: '分配金额不能超过订单未付金额',
  RECEIPT_OVER_ALLOCATED: '分配合计超过收款金额',
  ON_ACCOUNT_EMPTY: '该客户没有预收余额可冲抵',
  ON_ACCOUNT_INSUFFICIENT: '预收余额不足',
  NOTHING_TO_APPLY: '该客户没有未付订单可冲抵',
  STATEMENT_NOT_CLOSED: '本月尚未结束，月末后才能对账确认',
  BACKORDER_NOT_SHORT: '该商品库存充足，请直接下单',
  BACKORDER_NOT_WAITING: '该缺货登记已补齐或已取消',
  ALLOCATION_INVALID: '分配数量有误，请按库存和登记数量重新分配',
  SAMPLE_ILLEGAL_TRANSITION: '当前样品单状态不允许此操作',
  SAMPLE_LINE_INVALID: '下单商品须是该样品单中的商品',
  TEMPLATE_UNKNOWN: '消息模板不存在或已停用',
  IMPORT_INVALID: '导入文件有错误，未写入任何数据',
  IMPORT_FILE_UNREADABLE: '无法读取导入文件，请使用 CSV 或 XLSX 格式',
  IMPORT_HEADER_INVALID: '导入文件的表头不正确',
  OPERATOR_NOT_CONFIGURED: '云函数未配置管理密钥（DINGHUO_ADMIN_KEY），不接受密钥签名的调用',
  OPERATOR_SIGNATURE_INVALID: '管理密钥签名无效：请核对本机的 DINGHUO_ADMIN_KEY 与云函数的是否一致',
  OPERATOR_SIGNATURE_EXPIRED: '管理密钥签名已过期：请核对本机时间后重试',
  OPERATOR_REPLAYED: '该签名已被使用过，请重新发起调用',
  OPERATOR_NOT_ALLOWED: '该操作不接受管理密钥签名的调用',
  TIMER_ONLY: '该任务只由定时触发器自动运行，不接受直接调用',
  BAD_REQUEST: '请求格式有误，请检查后重试',
  PAYLOAD_TOO_LARGE: '请求内容过大',
  ROUTE_NOT_FOUND: '请求的地址不存在',
  METHOD_NOT_ALLOWED: '该地址不支持此请求方法',
  INTERNAL: '系统繁忙，请稍后重试',
} as const;

export type ErrorCode = keyof typeof ERROR_MESSAGES;

export interface ErrorIssue {
  path: string;
  message: string;
}

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  details?: { issues?: ErrorIssue[]; [key: string]: unknown };
}

export class DomainError extends Error {
  readonly code: ErrorCode;
  readonly details?: ErrorBody['details'];

  constructor(code: ErrorCode, message?: string, details?: ErrorBody['details']) {
    super(message ?? ERROR_MESSAGES[code]);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }

  toBody(): ErrorBody {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(ERROR_MESSAGES, value);
}

/** What every function returns: data, or one typed error. */
export type Result<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };
