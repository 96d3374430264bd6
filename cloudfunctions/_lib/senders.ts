/**
 * The port through which subscription messages leave the system, and its two adapters:
 * - WeChat (Cloudbase): wx-server-sdk `cloud.openapi.subscribeMessage.send`. wx-server-sdk is
 *   required lazily, only when the first message is sent, so nothing else loads it; the
 *   dispatcher's deploy bundle keeps it external and Cloudbase installs it (installDependency).
 * - Recorder (local runtime, tests, staging): writes what would have been sent to the
 *   `sentMessages` collection, shown on GET /local/outbox.
 *
 * Contract: `send` resolves when WeChat accepted the message and throws otherwise; a WeChat
 * refusal carries its numeric `errCode` (43101, 47003, ...), anything else is treated as
 * transient by the dispatcher (shared classifySendError).
 */
import crypto from 'node:crypto';
import type { Store } from './data/store';

export interface SendRequest {
  touser: string;
  templateId: string;
  page: string;
  data: Record<string, { value: string }>;
  miniprogramState: 'developer' | 'trial' | 'formal';
  /** The outbox job this message belongs to (for the record; not sent to WeChat). */
  jobId?: string;
}

export interface MessageSender {
  readonly kind: string;
  send(req: SendRequest): Promise<void>;
}

/** A WeChat refusal, with WeChat's errCode. */
export class WechatSendError extends Error {
  constructor(
    readonly errCode: number,
    message = `errcode ${errCode}`,
  ) {
    super(message);
    this.name = 'WechatSendError';
  }
}

/** Records messages in `sentMessages` instead of sending them. */
export function createRecorderSender(store: Store, clock: () => number = Date.now): MessageSender {
  return {
    kind: 'recorder',
    async send(req) {
      await store.insert('sentMessages', {
        _id: `sm_${crypto.randomUUID()}`,
        jobId: req.jobId ?? '',
        touser: req.touser,
        templateId: req.templateId,
        page: req.page,
        data: req.data,
        at: clock(),
      });
    },
  };
}

interface WxCloud {
  init(opts: { env: unknown }): void;
  DYNAMIC_CURRENT_ENV: unknown;
  openapi: {
    subscribeMessage: {
      send(req: Omit<SendRequest, 'jobId'>): Promise<{ errCode?: number; errMsg?: string }>;
    };
  };
}

let wxCloud: WxCloud | null = null;

function loadWxCloud(): WxCloud {
  if (!wxCloud) {
    // A literal require so that the deploy bundler sees the package and keeps it external.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cloud = require('wx-server-sdk') as WxCloud;
    cloud.init({ env: cloud.DYNAMIC_CURRENT_ENV });
    wxCloud = cloud;
  }
  return wxCloud;
}

/** Sends through WeChat's openapi, from a Cloudbase function (cloud call: no access token to manage). */
export function createWechatSender(load: () => WxCloud = loadWxCloud): MessageSender {
  return {
    kind: 'wechat',
    async send({ touser, templateId, page, data, miniprogramState }) {
      const cloud = load();
      let res: { errCode?: number; errMsg?: string };
      try {
        res = await cloud.openapi.subscribeMessage.send({ touser, templateId, page, data, miniprogramState });
      } catch (e) {
        const code = Number((e as { errCode?: unknown })?.errCode);
        if (Number.isInteger(code) && code !== 0) throw new WechatSendError(code, (e as Error).message);
        throw e;
      }
      if (res && typeof res.errCode === 'number' && res.errCode !== 0) throw new WechatSendError(res.errCode, res.errMsg);
    },
  };
}

/**
 * The sender for an invocation: the one the local runtime or a test passes in; otherwise the
 * recorder over the embedded database (never WeChat from a local store); otherwise WeChat.
 */
export function senderFor(ctx: { store: Store; sender?: MessageSender | undefined }, clock?: () => number): MessageSender {
  if (ctx.sender) return ctx.sender;
  if (ctx.store.kind === 'sqlite') return createRecorderSender(ctx.store, clock);
  return createWechatSender();
}
