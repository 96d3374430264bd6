/**
 * The local runtime: one process on 127.0.0.1 that serves the cloud functions over HTTP (for
 * the H5 build), runs them against the embedded database, runs their timers, serves the H5
 * build and a few local-only pages (demo sign-in, the message recorder).
 *
 * Identity: a person picks a demo identity on the sign-in screen; the runtime keeps the session
 * and builds the function's trusted context (WX_OPENID) from it, as Cloudbase does from WeChat's
 * signature. The request body is the event and never carries identity.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { DomainError, type Result } from '@dinghuo/shared';
import { SqliteStore } from './sqliteStore';
import { isSeeded, seedDemo, DEMO_IDENTITIES } from './seed';
import { backfillSkuVisibility } from '../../cloudfunctions/_lib/services/catalog';
import { migrateCounters } from '../../cloudfunctions/_lib/services/counters';
import { loadFunctions, type FunctionMain } from './functions';
import { loadConfig, type AppConfig } from '../../cloudfunctions/_lib/config';
import type { Store } from '../../cloudfunctions/_lib/data/store';
import { grantLocalConsent, renderOutboxPage } from './outboxPage';
import { createRecorderSender, type MessageSender } from '../../cloudfunctions/_lib/senders';

export interface LocalRuntimeOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Directory of the H5 build to serve at /. */
  h5Dir?: string | null;
  seed?: boolean;
  /** Timer-triggered functions and their intervals; 0 disables timers (tests drive them). */
  timers?: Record<string, number> | false;
  config?: AppConfig;
  /** Clock override for tests. */
  now?: () => number;
  quiet?: boolean;
  /** Where subscription messages go; default: the recorder (sentMessages, GET /local/outbox). */
  sender?: MessageSender;
  /**
   * Another store to run the functions against (tests: the Cloudbase path, CloudbaseStore over
   * the emulator); dataDir is then ignored. Closed with the runtime when it has a close().
   */
  store?: Store & { close?: () => void | Promise<void> };
}

export interface LocalRuntime<S extends Store = SqliteStore> {
  url: string;
  port: number;
  store: S;
  functions: Map<string, FunctionMain>;
  /** Calls a function as the given openid (null: no identity), exactly as HTTP would. */
  invoke(name: string, event: unknown, openid: string | null): Promise<Result<unknown>>;
  /** Runs one timer-triggered function once. */
  tick(name: string): Promise<Result<unknown>>;
  close(): Promise<void>;
}

const DEFAULT_TIMERS: Record<string, number> = { reservationTimer: 60_000, dispatcher: 3_000 };

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text);
}

async function readBody(req: http.IncomingMessage, limit = 2 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new DomainError('VALIDATION_FAILED', '请求过大');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function contextFor(openid: string | null, store: Store, now?: number, config?: AppConfig, sender?: MessageSender) {
  return {
    request_id: crypto.randomUUID(),
    environ: openid ? `WX_OPENID=${openid};WX_APPID=local-dinghuo;TCB_ENV=local` : 'WX_APPID=local-dinghuo;TCB_ENV=local',
    dinghuoLocal: { store, ...(now !== undefined ? { now } : {}), ...(config ? { config } : {}), ...(sender ? { sender } : {}) },
  };
}

export async function startLocalRuntime(opts: LocalRuntimeOptions & { store?: undefined }): Promise<LocalRuntime>;
export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime<Store>>;
export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime<Store>> {
  const store: Store & { close?: () => void | Promise<void> } = opts.store ?? new SqliteStore({ dataDir: opts.dataDir });
  if (opts.seed !== false && !(await isSeeded(store))) await seedDemo(store);
  // A data dir made before SKUs carried visibleTo: the catalog lists SKUs by it.
  await backfillSkuVisibility(store);
  // A data dir made before stock carried `available` and outstanding amounts moved to accounts.
  await migrateCounters(store);
  const functions = loadFunctions();
  const sessions = new Map<string, string>();
  const config = opts.config ?? loadConfig();
  const clock = opts.now ?? Date.now;
  const sender = opts.sender ?? createRecorderSender(store, clock);
  const log = opts.quiet ? () => undefined : (...a: unknown[]) => console.log(...a);

  const invoke = async (name: string, event: unknown, openid: string | null): Promise<Result<unknown>> => {
    const main = functions.get(name);
    if (!main) return { ok: false, error: new DomainError('UNKNOWN_ACTION', '云函数不存在').toBody() };
    return main(event, contextFor(openid, store, clock(), config, sender));
  };
  const tick = (name: string) => invoke(name, { Type: 'Timer', TriggerName: 'local', Time: new Date(clock()).toISOString() }, null);

  const h5Dir = opts.h5Dir ?? null;
  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const p = url.pathname;
      if (req.method === 'POST' && p.startsWith('/api/fn/')) {
        const name = decodeURIComponent(p.slice('/api/fn/'.length));
        const auth = req.headers.authorization ?? '';
        const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
        const openid = sessions.get(token) ?? null;
        let event: unknown;
        try {
          event = JSON.parse((await readBody(req)) || '{}');
        } catch {
          return sendJson(res, 200, { ok: false, error: new DomainError('VALIDATION_FAILED').toBody() });
        }
        return sendJson(res, 200, await invoke(name, event, openid));
      }
      if (req.method === 'GET' && p === '/api/local/identities') return sendJson(res, 200, DEMO_IDENTITIES);
      if (req.method === 'POST' && p === '/api/local/signin') {
        const body = JSON.parse((await readBody(req)) || '{}') as { openid?: unknown };
        const known = DEMO_IDENTITIES.some((i) => i.openid === body.openid);
        if (!known || typeof body.openid !== 'string') return sendJson(res, 400, { error: 'unknown identity' });
        const token = crypto.randomBytes(18).toString('base64url');
        sessions.set(token, body.openid);
        return sendJson(res, 200, { token });
      }
      if (req.method === 'GET' && p === '/local/outbox') {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        return res.end(await renderOutboxPage(store, config));
      }
      if (req.method === 'POST' && p === '/local/outbox/consent') {
        // Local only: simulates a customer tapping 允许 (H5 has no subscription dialog).
        const openid = new URLSearchParams(await readBody(req, 4096)).get('openid') ?? '';
        await grantLocalConsent(store, config, openid, clock());
        res.writeHead(303, { location: '/local/outbox' });
        return res.end();
      }
      if (req.method === 'GET' && p === '/api/local/outbox') {
        return sendJson(res, 200, await store.find('sentMessages', {}, { orderBy: [['at', 'desc']], limit: 200 }));
      }
      if (req.method === 'GET' && h5Dir) return serveStatic(h5Dir, p, res);
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('not found');
    } catch (e) {
      console.error('[local] request failed', e);
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: new DomainError('INTERNAL').toBody() });
    }
  });

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const intervals: NodeJS.Timeout[] = [];
  if (opts.timers !== false) {
    const timers = { ...DEFAULT_TIMERS, ...(opts.timers ?? {}) };
    for (const [name, ms] of Object.entries(timers)) {
      if (!functions.has(name) || !ms) continue;
      let running = false;
      const t = setInterval(async () => {
        if (running) return;
        running = true;
        try {
          const r = await tick(name);
          if (!r.ok) log(`[local] timer ${name}:`, r.error.code);
        } finally {
          running = false;
        }
      }, ms);
      t.unref();
      intervals.push(t);
    }
  }

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    functions,
    invoke,
    tick,
    close: async () => {
      for (const t of intervals) clearInterval(t);
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close?.();
    },
  };
}

function serveStatic(root: string, urlPath: string, res: http.ServerResponse): void {
  const safe = path.normalize(decodeURIComponent(urlPath)).replace(/^(\.\.[/\\])+/, '');
  let file = path.join(root, safe);
  if (!file.startsWith(path.resolve(root)) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    file = path.join(root, 'index.html'); // single-page app: every route gets the shell
  }
  if (!fs.existsSync(file)) {
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('H5 build missing: run npm run build:h5');
    return;
  }
  const ext = path.extname(file);
  res.writeHead(200, {
    'content-type': MIME[ext] ?? 'application/octet-stream',
    'cache-control': ext === '.html' ? 'no-cache' : 'public, max-age=3600',
  });
  fs.createReadStream(file).pipe(res);
}
