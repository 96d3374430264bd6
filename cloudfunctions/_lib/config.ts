/**
 * Function configuration, from environment variables (set per environment in cloudbaserc.json
 * or by the local runtime). Nothing here is a secret; WeChat template ids live here, not in code.
 */
export interface AppConfig {
  /** Hours an unconfirmed order holds its stock before the timer releases it. */
  reservationHours: number;
  /** WeChat subscription template ids by key. */
  templates: { orderStatus: string };
  /** Page opened from a subscription message. */
  orderPage: string;
  /** Mini-program state for messages: 'developer' | 'trial' | 'formal'. */
  miniprogramState: 'developer' | 'trial' | 'formal';
  /** Dispatcher retry policy for transient send failures. */
  dispatch: { maxAttempts: number; baseBackoffMs: number; leaseMs: number; batchSize: number };
  /** Days without change before an open order counts as stuck. */
  stuckAfterDays: number;
  /** Default commission (提成) rate in basis points of amounts received (a merchandiser may have its own). */
  commissionRateBp: number;
}

function num(value: string | undefined, fallback: number): number {
  const n = value === undefined || value === '' ? NaN : Number(value);
  return Number.isFinite(n) && n >= 0 ? n : fallback;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const state = env.DINGHUO_MINIPROGRAM_STATE;
  return {
    reservationHours: num(env.DINGHUO_RESERVATION_HOURS, 48),
    templates: { orderStatus: env.DINGHUO_TEMPLATE_ORDER_STATUS ?? 'local-order-status-template' },
    orderPage: env.DINGHUO_ORDER_PAGE ?? 'packageOrder/detail/index',
    miniprogramState: state === 'developer' || state === 'trial' ? state : 'formal',
    dispatch: {
      maxAttempts: num(env.DINGHUO_DISPATCH_MAX_ATTEMPTS, 5),
      baseBackoffMs: num(env.DINGHUO_DISPATCH_BACKOFF_MS, 30_000),
      leaseMs: num(env.DINGHUO_DISPATCH_LEASE_MS, 60_000),
      batchSize: num(env.DINGHUO_DISPATCH_BATCH, 50),
    },
    stuckAfterDays: num(env.DINGHUO_STUCK_AFTER_DAYS, 3),
    commissionRateBp: Math.min(10000, Math.round(num(env.DINGHUO_COMMISSION_RATE_BP, 100))),
  };
}
