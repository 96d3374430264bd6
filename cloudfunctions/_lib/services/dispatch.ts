/**
 * The outbox dispatcher: sends the customer's order-status messages written by changeStatus.
 *
 * Guarantees
 * - A status change never waits for, or depends on, a message: the job is only a row written in
 *   the status change's transaction; everything here runs later, outside it.
 * - At most once per recipient, even with several dispatchers running at the same time:
 *   1. a job is claimed with a lease by ONE conditional single-document update
 *      (status 'pending' + the attempts it was read with → 'sending', leaseOwner, leaseUntil);
 *      only the dispatcher whose update matched (returns 1) sends;
 *   2. each recipient's consent is spent by a conditional update (count ≥ 1 → $inc -1) before
 *      its message is sent, so two sends can never share one consent;
 *   3. each recipient's result is written to the job (conditionally on still holding the lease)
 *      right after the send; a retry skips recipients with a final result ('sent', 'errcode:*');
 *   4. a job whose lease expired while 'sending' (its dispatcher crashed or timed out mid-send)
 *      is NEVER resent: we cannot know whether the message went out, so it ends 'failed'
 *      with result 'lease_expired' ('sent' if a delivery had already been recorded).
 *   These are single-document conditional updates, never inside a transaction (PLATFORM.md:
 *   a where().update() in a Cloudbase transaction silently runs outside it).
 * - Transient failures (timeouts, WeChat system errors, anything without a final errCode) put
 *   the job back to 'pending' with exponential backoff (config.dispatch), up to maxAttempts,
 *   then 'failed'. The recipient's consent is refunded, since nothing was delivered.
 *   Caveat: a send that timed out after WeChat accepted it is retried; WeChat then answers
 *   43101 unless the user has another consent (WeChat's own quota bounds the duplicate).
 * - Final WeChat errCodes: 43101 (refused / no quota: the user's count is reset to 0),
 *   47003, 40037, 40003, 41030 (failed, consent refunded). Rules: shared/src/subscription.ts.
 * - The result goes on the job and on the order (order.notification), the latter only if the
 *   order still points at this job (a later status change's job supersedes it).
 */
import crypto from 'node:crypto';
import {
  buildOrderStatusMessage,
  classifySendError,
  consentId,
  isFinalDelivery,
  jobOutcome,
  retryDelayMs,
  type Delivery,
  type MessageJob,
  type MessageJobStatus,
} from '@dinghuo/shared';
import type { Store } from '../data/store';
import type { AppConfig } from '../config';
import type { MessageSender } from '../senders';
import type { DispatchReport, JobReport } from '@dinghuo/shared/contract';

export interface DispatchDeps {
  store: Store;
  sender: MessageSender;
  config: AppConfig;
  /** The invocation's time: leases, backoff and records are computed from it. */
  now: number;
  /** This dispatcher's identity on leases (default: random per run). */
  owner?: string;
  /** Time as the run goes on (default: `now` plus the real time elapsed since the run started). */
  clock?: () => number;
}

/** What a run did (the dispatcher's output, shared/src/contract.ts). */
export type { DispatchReport, JobReport };

/** Keep this much of a lease free: no send starts when less remains. */
const LEASE_MARGIN_MS = 5_000;
const MAX_RECIPIENTS = 100;

function errorText(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').slice(0, 80) || 'error';
}

/** Records the job's outcome on its order, unless a later job has replaced it. Informational only. */
async function recordOnOrder(store: Store, job: Pick<MessageJob, '_id' | 'orderId'>, status: string, result: string, at: number): Promise<void> {
  try {
    await store.updateWhere('orders', { _id: job.orderId, 'notification.jobId': job._id }, { notification: { status, jobId: job._id, at, result } });
  } catch (e) {
    console.error('[dispatch] could not record the notification on the order', job.orderId, e);
  }
}

/** Closes jobs left 'sending' past their lease: never resent (at most once). */
export async function closeExpiredLeases(deps: DispatchDeps): Promise<string[]> {
  const { store, config, now } = deps;
  const stale = await store.find(
    'messageJobs',
    { status: 'sending', leaseUntil: { $lt: now } },
    { orderBy: [['leaseUntil', 'asc']], limit: Math.max(1, Math.min(config.dispatch.batchSize, 1000)) },
  );
  const closed: string[] = [];
  for (const job of stale) {
    const delivered = job.deliveries.some((d) => d.result === 'sent');
    const status: MessageJobStatus = delivered ? 'sent' : 'failed';
    const n = await store.updateWhere(
      'messageJobs',
      { _id: job._id, status: 'sending', leaseOwner: job.leaseOwner, leaseUntil: job.leaseUntil },
      { status, result: 'lease_expired', leaseOwner: null, leaseUntil: null, updatedAt: now },
    );
    if (n !== 1) continue;
    closed.push(job._id);
    await recordOnOrder(store, job, status, 'lease_expired', now);
  }
  return closed;
}

/** Claims and sends one job. Returns 'skipped' when another dispatcher got it first. */
export async function dispatchJob(deps: DispatchDeps & { owner: string; clock: () => number }, job: MessageJob): Promise<JobReport & { sent: number }> {
  const { store, sender, config, now, owner, clock } = deps;
  const attempts = job.attempts + 1;
  const leaseUntil = now + config.dispatch.leaseMs;
  const claimed = await store.updateWhere(
    'messageJobs',
    { _id: job._id, status: 'pending', attempts: job.attempts, nextAttemptAt: { $lte: now } },
    { status: 'sending', leaseOwner: owner, leaseUntil, attempts, updatedAt: now },
  );
  if (claimed !== 1) return { jobId: job._id, status: 'skipped', result: null, sent: 0 };

  const mine = { _id: job._id, status: 'sending', leaseOwner: owner };
  const deliveries = new Map<string, Delivery>(job.deliveries.map((d) => [d.openid, d]));
  let recipients: string[] = job.recipients;
  let passError: string | null = null;
  let lostLease = false;
  let sent = 0;

  try {
    const templateId = config.templates[job.templateKey as keyof AppConfig['templates']];
    if (!templateId) throw Object.assign(new Error('no template'), { final: 'no_template' });
    let data: Record<string, { value: string }>;
    try {
      data = buildOrderStatusMessage(job.payload);
    } catch {
      throw Object.assign(new Error('bad payload'), { final: 'bad_payload' });
    }
    const users = await store.find('users', { role: 'customer', customerId: job.customerId }, { orderBy: [['_id', 'asc']], limit: MAX_RECIPIENTS });
    recipients = users.map((u) => u._id);
    const page = `${config.orderPage}?id=${encodeURIComponent(job.orderId)}`;

    for (const openid of recipients) {
      const previous = deliveries.get(openid);
      if (previous && isFinalDelivery(previous)) continue;
      if (clock() > leaseUntil - LEASE_MARGIN_MS) {
        deliveries.set(openid, { openid, result: 'transient:lease_short', at: now });
        continue;
      }
      const cid = consentId(openid, templateId);
      const spent = await store.updateWhere('consents', { _id: cid, count: { $gte: 1 } }, { count: { $inc: -1 }, updatedAt: now });
      if (spent !== 1) {
        deliveries.set(openid, { openid, result: 'no_consent', at: now });
        continue;
      }
      let result: string;
      try {
        await sender.send({ touser: openid, templateId, page, data, miniprogramState: config.miniprogramState, jobId: job._id });
        result = 'sent';
        sent += 1;
      } catch (e) {
        const outcome = classifySendError(e);
        result = outcome.result;
        if (outcome.kind === 'final' && outcome.jobStatus === 'no_quota') {
          // WeChat says this user has no consent left: our count was wrong.
          await store.updateWhere('consents', { _id: cid }, { count: 0, updatedAt: now });
        } else {
          // Not delivered: the consent is still the user's.
          await store.updateWhere('consents', { _id: cid }, { count: { $inc: 1 }, updatedAt: now });
        }
      }
      deliveries.set(openid, { openid, result, at: now });
      const kept = await store.updateWhere('messageJobs', mine, { deliveries: [...deliveries.values()], recipients, updatedAt: now });
      if (kept !== 1) {
        lostLease = true;
        break;
      }
    }
  } catch (e) {
    const final = (e as { final?: string }).final;
    if (final) {
      const n = await store.updateWhere('messageJobs', mine, { status: 'failed', result: final, leaseOwner: null, leaseUntil: null, updatedAt: now });
      if (n === 1) await recordOnOrder(store, job, 'failed', final, now);
      return { jobId: job._id, status: 'failed', result: final, sent };
    }
    passError = errorText(e);
    console.error('[dispatch] job', job._id, 'failed this pass:', e);
  }

  if (lostLease) return { jobId: job._id, status: 'sending', result: 'lease_lost', sent };

  // A user unbound since an earlier pass no longer counts, unless they already got the message.
  const all = [...deliveries.values()].filter((d) => recipients.includes(d.openid) || isFinalDelivery(d));
  const outcome = jobOutcome(passError ? [...all, { result: `transient:${passError}` }] : all, attempts, config.dispatch.maxAttempts);
  const nextAttemptAt = outcome.status === 'pending' ? now + retryDelayMs(attempts, config.dispatch.baseBackoffMs) : job.nextAttemptAt;
  const n = await store.updateWhere('messageJobs', mine, {
    status: outcome.status,
    result: outcome.result,
    deliveries: [...deliveries.values()],
    recipients,
    nextAttemptAt,
    leaseOwner: null,
    leaseUntil: null,
    updatedAt: now,
  });
  if (n !== 1) return { jobId: job._id, status: 'sending', result: 'lease_lost', sent };
  await recordOnOrder(store, job, outcome.status, outcome.result, now);
  return { jobId: job._id, status: outcome.status, result: outcome.result, sent };
}

/** One dispatcher run: close expired leases, then send every due job (up to the batch size). */
export async function dispatchPending(deps: DispatchDeps): Promise<DispatchReport> {
  const owner = deps.owner ?? `d_${crypto.randomUUID().slice(0, 12)}`;
  const started = Date.now();
  const clock = deps.clock ?? (() => deps.now + (Date.now() - started));
  const run = { ...deps, owner, clock };

  const expired = await closeExpiredLeases(run);
  const due = await deps.store.find(
    'messageJobs',
    { status: 'pending', nextAttemptAt: { $lte: deps.now } },
    { orderBy: [['nextAttemptAt', 'asc'], ['_id', 'asc']], limit: Math.max(1, Math.min(deps.config.dispatch.batchSize, 1000)) },
  );
  const report: DispatchReport = { owner, jobs: [], skipped: 0, expired, sent: 0 };
  for (const job of due) {
    const r = await dispatchJob(run, job);
    if (r.status === 'skipped') report.skipped += 1;
    else report.jobs.push({ jobId: r.jobId, status: r.status, result: r.result });
    report.sent += r.sent;
  }
  return report;
}
