/**
 * Operator calls: a trusted server-side caller for admin actions that have no WeChat user (the
 * import CLI's `--env` path, which calls the deployed `admin` function with the environment's
 * secret keys, so its invocation context carries no WX_OPENID).
 *
 * Trust does not come from the payload saying who it is, nor from the SDK's source fields (the
 * client sets those). It comes from a shared secret, the admin key, that exists only in the admin
 * function's environment variables (DINGHUO_ADMIN_KEY, cloudbaserc.json) and on the operator's
 * machine. The CLI signs every call; the event carries the signature beside the input:
 *
 *   { action, input, operator: { v: 1, ts, nonce, sig } }
 *
 *   sig = hex(HMAC-SHA256(key, "dinghuo-operator-v1\n<function>\n<action>\n<ts>\n<nonce>\n<sha256(canonicalJson(input))>"))
 *
 * The function accepts it only when: it has a key (≥ 32 characters) configured; the action is one
 * the function lists for operator calls; the signature matches (constant-time); ts is within
 * ±5 minutes of the function's clock; and the nonce was never used (it becomes the _id of an
 * `operatorCalls` document, inserted before the action runs: a second insert fails). The
 * signature binds the function, the action and the exact input, so it cannot be moved to another
 * action or carry other rows. The envelope is not an identity claim: it says "this request was
 * made by someone holding the admin key", and the function then acts as the system operator.
 *
 * Node built-ins (node:crypto) keep this out of shared/.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { DomainError, type Caller } from '@dinghuo/shared';
import type { Store } from './data/store';

export const OPERATOR_KEY_ENV = 'DINGHUO_ADMIN_KEY';
export const OPERATOR_KEY_MIN_LENGTH = 32;
export const OPERATOR_WINDOW_MS = 5 * 60 * 1000;
export const OPERATOR_SIGNATURE_VERSION = 1;
const NONCE_RE = /^[A-Za-z0-9_-]{16,64}$/;
const SIG_RE = /^[0-9a-f]{64}$/;

/** What the function acts as after a valid operator signature (the admin handlers' requireAdmin passes). */
export const OPERATOR_CALLER: Extract<Caller, { kind: 'admin' }> = {
  kind: 'admin',
  openid: '',
  staffId: 'operator',
  name: '管理密钥（运维）',
};

export interface OperatorEnvelope {
  v: number;
  ts: number;
  nonce: string;
  sig: string;
}

/**
 * JSON with object keys sorted at every level (undefined members dropped, as JSON.stringify
 * does), so the CLI and the function hash the same text for the same value whatever the key
 * order after a JSON round trip.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined || typeof v === 'function' ? 'null' : canonicalJson(v))).join(',')}]`;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined && typeof obj[k] !== 'function')
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function inputHash(input: unknown): string {
  return createHash('sha256').update(canonicalJson(input ?? null), 'utf8').digest('hex');
}

/** The exact text that is signed. */
export function signingString(fn: string, action: string, ts: number, nonce: string, input: unknown): string {
  return ['dinghuo-operator-v1', fn, action, String(ts), nonce, inputHash(input)].join('\n');
}

export function signature(key: string, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

export function newNonce(): string {
  return randomBytes(18).toString('base64url');
}

/** The envelope for one call (used by the CLI; the same code computes what the function expects). */
export function signOperatorCall(key: string, fn: string, action: string, input: unknown, now = Date.now(), nonce = newNonce()): OperatorEnvelope {
  return { v: OPERATOR_SIGNATURE_VERSION, ts: now, nonce, sig: signature(key, signingString(fn, action, now, nonce, input)) };
}

/** The admin key from an environment, or null when it is missing or too short to be a secret. */
export function operatorKeyFrom(env: NodeJS.ProcessEnv | Record<string, string | undefined>): string | null {
  const key = env[OPERATOR_KEY_ENV]?.trim();
  return key && key.length >= OPERATOR_KEY_MIN_LENGTH ? key : null;
}

/** Does the event carry an operator envelope at all (of whatever shape)? */
export function hasOperatorEnvelope(event: unknown): boolean {
  return event !== null && typeof event === 'object' && Object.prototype.hasOwnProperty.call(event, 'operator');
}

function parseEnvelope(raw: unknown): OperatorEnvelope {
  const e = raw as Partial<Record<keyof OperatorEnvelope, unknown>> | null;
  if (
    !e ||
    typeof e !== 'object' ||
    e.v !== OPERATOR_SIGNATURE_VERSION ||
    typeof e.ts !== 'number' ||
    !Number.isSafeInteger(e.ts) ||
    typeof e.nonce !== 'string' ||
    !NONCE_RE.test(e.nonce) ||
    typeof e.sig !== 'string' ||
    !SIG_RE.test(e.sig)
  ) {
    throw new DomainError('OPERATOR_SIGNATURE_INVALID');
  }
  return { v: e.v, ts: e.ts, nonce: e.nonce, sig: e.sig };
}

export interface VerifyRequest {
  fn: string;
  action: string;
  allowedActions: readonly string[];
  /** The event's input exactly as received (before schema parsing). */
  input: unknown;
  envelope: unknown;
  key: string | null;
  now: number;
}

/**
 * Checks an operator call without touching the database: configured key, allowed action,
 * envelope shape, signature (constant-time), time window. Throws a typed error, or returns the
 * envelope (whose nonce the caller must then record: see recordOperatorCall).
 */
export function verifyOperatorCall(req: VerifyRequest): OperatorEnvelope {
  if (!req.key) throw new DomainError('OPERATOR_NOT_CONFIGURED');
  if (!req.allowedActions.includes(req.action)) throw new DomainError('OPERATOR_NOT_ALLOWED');
  const env = parseEnvelope(req.envelope);
  const expected = Buffer.from(signature(req.key, signingString(req.fn, req.action, env.ts, env.nonce, req.input)), 'hex');
  const given = Buffer.from(env.sig, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DomainError('OPERATOR_SIGNATURE_INVALID');
  // Checked after the signature, so an unsigned request learns nothing about the clock.
  if (Math.abs(req.now - env.ts) > OPERATOR_WINDOW_MS) throw new DomainError('OPERATOR_SIGNATURE_EXPIRED');
  return env;
}

/** Uses up the nonce: one insert, which fails for a nonce already used (a replay). */
export async function recordOperatorCall(store: Store, fn: string, action: string, env: OperatorEnvelope, input: unknown, now: number): Promise<void> {
  try {
    await store.insert('operatorCalls', { _id: env.nonce, fn, action, signedAt: env.ts, at: now, inputHash: inputHash(input) });
  } catch (e) {
    if ((e as { code?: unknown })?.code === 'DUPLICATE_ID') throw new DomainError('OPERATOR_REPLAYED');
    throw e;
  }
}
