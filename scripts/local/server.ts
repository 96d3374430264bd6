/**
 * The local runtime: one process on 127.0.0.1 that serves the cloud functions over HTTP (for
 * the H5 build), runs them against the embedded database, runs their timers, serves the H5
 * build and a few local-only pages (demo sign-in; the message recorder, for the signed-in admin).
 * Every request it cannot take gets a typed 4xx (README: Answers); INTERNAL only for a bug.
 *
 * Identity: a person picks a demo identity on the sign-in screen; the runtime keeps the session
 * and builds the function's trusted context (WX_OPENID) from it, as Cloudbase does from WeChat's
 * signature. The request body is the event and never carries identity.
 */
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import crypto from 'node:crypto';
import type { Duplex } from 'node:stream';
import { DomainError, type ErrorCode, type Result } from '@dinghuo/shared';
import { SqliteStore } from './sqliteStore';
import { isSeeded, seedDemo, DEMO_IDENTITIES } from './seed';
import { seedDemoImages } from './seedImages';
import { backfillSkuVisibility } from '../../cloudfunctions/_lib/services/catalog';
import { migrateCounters } from '../../cloudfunctions/_lib/services/counters';
import { loadFunctions, type FunctionMain } from './functions';
import { loadConfig, type AppConfig } from '../../cloudfunctions/_lib/config';
import type { Store } from '../../cloudfunctions/_lib/data/store';
import { resolveCaller } from '../../cloudfunctions/_lib/identity';
import { grantLocalConsent, renderOutboxPage } from './outboxPage';
import { createRecorderSender, type MessageSender } from '../../cloudfunctions/_lib/senders';
import { createLocalStorage, localFilePath, type FileStorage } from '../../cloudfunctions/_lib/storage';

export interface LocalRuntimeOptions {
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  host?: string;
  /** Directory of the H5 build to serve at /. */
  h5Dir?: string | null;
  /** Directory of the back office build (admin/dist) to serve at /admin/. */
  adminDir?: string | null;
  seed?: boolean;
  /** Timer-triggered functions and their intervals; 0 disables timers (tests drive them). */
  timers?: Record<string, number> | false;
  config?: AppConfig;
  /** Clock override for tests. */
  now?: () => number;
  quiet?: boolean;
  /** Where subscription messages go; default: the recorder (sentMessages, GET /local/outbox). */
  sender?: MessageSender;
  /** Where uploaded files (product images) are kept; default <dataDir>/files (a temp dir for ':memory:'). */
  filesDir?: string;
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
  /** The local file storage (served at GET /files/<name>). */
  filesDir: string;
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
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/** Largest function call body: a 4 MB spreadsheet as base64 in JSON, with room to spare. */
const FUNCTION_BODY_LIMIT = 8 * 1024 * 1024;

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: http.OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

/**
 * A bad request, answered at the HTTP level (not by a function): a 4xx status, the stable code in
 * the body and in the `x-dinghuo-error` header (so even an HTML answer carries it).
 */
class HttpRefusal extends DomainError {
  constructor(
    readonly status: number,
    code: ErrorCode,
    /** Close the connection after answering (the rest of the request was not read). */
    readonly close = false,
    readonly headers: http.OutgoingHttpHeaders = {},
  ) {
    super(code);
  }
}

/** The client went away before its request was read: nobody to answer. */
class ClientGone extends Error {}

/** A typed refusal written straight to a socket that has no ServerResponse; closes it. */
function refuseOnSocket(socket: Duplex, status: number, code: ErrorCode): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ ok: false, error: new DomainError(code).toBody() });
  socket.end(
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-dinghuo-error: ${code}\r\nconnection: close\r\n\r\n${body}`,
  );
}

function sendError(res: http.ServerResponse, status: number, code: ErrorCode, headers: http.OutgoingHttpHeaders = {}): void {
  sendJson(res, status, { ok: false, error: new DomainError(code).toBody() }, { ...headers, 'x-dinghuo-error': code });
}

const BODY_LIMIT = 2 * 1024 * 1024;
/** A refused body up to this size is read and dropped, so the connection stays usable; beyond it the connection is closed. */
const DRAIN_LIMIT = 16 * 1024 * 1024;

function readBody(req: http.IncomingMessage, limit = BODY_LIMIT): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > DRAIN_LIMIT) return reject(new HttpRefusal(413, 'PAYLOAD_TOO_LARGE', true));
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > DRAIN_LIMIT) settle(() => reject(new HttpRefusal(413, 'PAYLOAD_TOO_LARGE', true)));
    });
    req.on('end', () =>
      settle(() => (size > limit ? reject(new HttpRefusal(413, 'PAYLOAD_TOO_LARGE')) : resolve(Buffer.concat(chunks).toString('utf8')))),
    );
    req.on('error', () => settle(() => reject(new ClientGone())));
    req.on('close', () => settle(() => reject(new ClientGone())));
  });
}

/** A JSON body; anything else (including bytes that are not UTF-8 JSON) is a BAD_REQUEST. */
async function readJson(req: http.IncomingMessage, limit = BODY_LIMIT): Promise<unknown> {
  const text = await readBody(req, limit);
  try {
    return JSON.parse(text || '{}') as unknown;
  } catch {
    throw new HttpRefusal(400, 'BAD_REQUEST');
  }
}

function decodePath(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new HttpRefusal(400, 'BAD_REQUEST');
  }
}

const SESSION_COOKIE = 'dinghuo_local_session';
const MAX_SESSIONS = 10_000;

function sessionToken(req: http.IncomingMessage, allowCookie: boolean): string {
  const auth = req.headers.authorization ?? '';
  if (auth.startsWith('Bearer ')) return auth.slice(7);
  if (!allowCookie) return '';
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === SESSION_COOKIE) return v.join('=');
  }
  return '';
}

/** The local runtime's paths and the methods each answers; any other method is METHOD_NOT_ALLOWED. */
const LOCAL_ROUTES: Record<string, string> = {
  '/api/local/identities': 'GET',
  '/api/local/signin': 'POST',
  '/api/local/outbox': 'GET',
  '/local/outbox': 'GET',
  '/local/outbox/consent': 'POST',
  '/local/signin': 'POST',
};

export function contextFor(openid: string | null, store: Store, now?: number, config?: AppConfig, sender?: MessageSender, trigger?: 'timer', storage?: FileStorage) {
  return {
    request_id: crypto.randomUUID(),
    environ: openid ? `WX_OPENID=${openid};WX_APPID=local-dinghuo;TCB_ENV=local` : 'WX_APPID=local-dinghuo;TCB_ENV=local',
    dinghuoLocal: {
      store,
      ...(now !== undefined ? { now } : {}),
      ...(config ? { config } : {}),
      ...(sender ? { sender } : {}),
      ...(trigger ? { trigger } : {}),
      ...(storage ? { storage } : {}),
    },
  };
}

export async function startLocalRuntime(opts: LocalRuntimeOptions & { store?: undefined }): Promise<LocalRuntime>;
export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime<Store>>;
export async function startLocalRuntime(opts: LocalRuntimeOptions): Promise<LocalRuntime<Store>> {
  const store: Store & { close?: () => void | Promise<void> } = opts.store ?? new SqliteStore({ dataDir: opts.dataDir });
  const filesDir =
    opts.filesDir ??
    (opts.store || opts.dataDir === ':memory:' ? fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-files-')) : path.join(opts.dataDir, 'files'));
  const storage = createLocalStorage(filesDir);
  if (opts.seed !== false && !(await isSeeded(store))) {
    await seedDemo(store);
    await seedDemoImages(store, storage);
  }
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

  const run = async (name: string, event: unknown, openid: string | null, trigger?: 'timer'): Promise<Result<unknown>> => {
    const main = functions.get(name);
    if (!main) return { ok: false, error: new DomainError('UNKNOWN_ACTION', '云函数不存在').toBody() };
    return main(event, contextFor(openid, store, clock(), config, sender, trigger, storage));
  };
  const invoke = (name: string, event: unknown, openid: string | null) => run(name, event, openid);
  // Only the runtime's own scheduler is a timer trigger (as only Cloudbase's is on Cloudbase).
  const tick = (name: string) => run(name, { Type: 'Timer', TriggerName: 'local', Time: new Date(clock()).toISOString() }, null, 'timer');

  const signIn = (openid: unknown): string | null => {
    if (typeof openid !== 'string' || !DEMO_IDENTITIES.some((i) => i.openid === openid)) return null;
    const token = crypto.randomBytes(18).toString('base64url');
    if (sessions.size >= MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
    sessions.set(token, openid);
    return token;
  };
  const sessionCookie = (token: string) => `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;

  /** The local-only pages: the signed-in admin only (Bearer token or the sign-in cookie). */
  const requireLocalAdmin = async (req: http.IncomingMessage): Promise<void> => {
    const openid = sessions.get(sessionToken(req, true));
    if (!openid) throw new HttpRefusal(401, 'UNAUTHENTICATED');
    if ((await resolveCaller(store, openid)).kind !== 'admin') throw new HttpRefusal(403, 'FORBIDDEN');
  };

  const h5Dir = opts.h5Dir ?? null;
  // No Host header is not an error here (Node's own check answers a bare 400).
  const server = http.createServer({ requireHostHeader: false }, async (req, res) => {
    try {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://localhost');
      } catch {
        throw new HttpRefusal(400, 'BAD_REQUEST');
      }
      const p = url.pathname;
      if (p.startsWith('/api/fn/')) {
        if (req.method !== 'POST') throw new HttpRefusal(405, 'METHOD_NOT_ALLOWED', false, { allow: 'POST' });
        const name = decodePath(p.slice('/api/fn/'.length));
        if (!functions.has(name)) throw new HttpRefusal(404, 'UNKNOWN_ACTION');
        const openid = sessions.get(sessionToken(req, false)) ?? null;
        // Room for the back office's uploads (images ≤ 2 MB, spreadsheets ≤ 4 MB, as base64).
        const event = await readJson(req, FUNCTION_BODY_LIMIT);
        // The function's answer, as callFunction gives it: 200 with `{ ok, data | error }`; only
        // a bug (INTERNAL) is a 5xx.
        const result = await invoke(name, event, openid);
        return sendJson(res, !result.ok && result.error.code === 'INTERNAL' ? 500 : 200, result);
      }
      const allowed = LOCAL_ROUTES[p];
      if (allowed && req.method !== allowed) throw new HttpRefusal(405, 'METHOD_NOT_ALLOWED', false, { allow: allowed });
      if (p === '/api/local/identities') return sendJson(res, 200, DEMO_IDENTITIES);
      if (p === '/api/local/signin') {
        const body = await readJson(req);
        const token = signIn(body !== null && typeof body === 'object' ? (body as { openid?: unknown }).openid : undefined);
        if (!token) throw new HttpRefusal(400, 'VALIDATION_FAILED');
        // The cookie is for the local-only pages (a browser opening /local/outbox sends no Bearer token).
        return sendJson(res, 200, { token }, { 'set-cookie': sessionCookie(token) });
      }
      if (p === '/local/signin') {
        // The local pages' own sign-in form (demo identities only, like the app's picker).
        const token = signIn(new URLSearchParams(await readBody(req, 4096)).get('openid'));
        if (!token) throw new HttpRefusal(400, 'VALIDATION_FAILED');
        res.writeHead(303, { location: '/local/outbox', 'set-cookie': sessionCookie(token), 'content-length': 0 });
        return res.end();
      }
      if (p === '/local/outbox') {
        await requireLocalAdmin(req);
        const html = await renderOutboxPage(store, config);
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'cache-control': 'no-store' });
        return res.end(html);
      }
      if (p === '/local/outbox/consent') {
        // Local only: simulates a customer tapping 允许 (H5 has no subscription dialog).
        await requireLocalAdmin(req);
        const openid = new URLSearchParams(await readBody(req, 4096)).get('openid') ?? '';
        await grantLocalConsent(store, config, openid, clock());
        res.writeHead(303, { location: '/local/outbox', 'content-length': 0 });
        return res.end();
      }
      if (p === '/api/local/outbox') {
        await requireLocalAdmin(req);
        return sendJson(res, 200, await store.find('sentMessages', {}, { orderBy: [['at', 'desc']], limit: 200 }));
      }
      const isGet = req.method === 'GET' || req.method === 'HEAD';
      if (isGet && (p === '/admin' || p.startsWith('/admin/'))) return serveAdmin(opts.adminDir ?? null, decodePath(p), res);
      // Stored files (product images uploaded in the back office): GET /files/<folder>/<hash>.<ext>.
      if (isGet && p.startsWith('/files/')) {
        const file = localFilePath(filesDir, decodePath(p.slice('/files/'.length)));
        if (!file || !fs.existsSync(file)) throw new HttpRefusal(404, 'ROUTE_NOT_FOUND');
        // Names are content hashes: a name never changes content.
        res.writeHead(200, {
          'content-type': MIME[path.extname(file)] ?? 'application/octet-stream',
          'content-length': fs.statSync(file).size,
          'cache-control': 'public, max-age=31536000, immutable',
        });
        fs.createReadStream(file)
          .on('error', () => res.destroy())
          .pipe(res);
        return;
      }
      const isApi = p === '/api' || p.startsWith('/api/') || p === '/local' || p.startsWith('/local/');
      if (isGet && h5Dir && !isApi) return serveStatic(h5Dir, decodePath(p), res);
      throw new HttpRefusal(404, 'ROUTE_NOT_FOUND');
    } catch (e) {
      if (e instanceof ClientGone) return;
      if (res.headersSent) {
        if (!(e instanceof DomainError)) console.error('[local] request failed', e);
        res.destroy();
        return;
      }
      if (e instanceof HttpRefusal) {
        const closing = e.close ? { connection: 'close' } : {};
        if (e.status === 401 && req.url?.startsWith('/local/')) return sendLocalSignInPage(res, e.code, closing);
        sendError(res, e.status, e.code, { ...e.headers, ...closing });
        // Whatever of the body is still coming is not read: drop it and close after the answer.
        if (e.close) req.resume();
        return;
      }
      console.error('[local] request failed', e);
      sendError(res, 500, 'INTERNAL');
    }
  });
  // Requests Node's HTTP parser refuses (malformed request line, headers, chunked body, a header
  // block too large, a timeout) get the same typed answer instead of Node's bare 400.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const pending = (socket as { _httpMessage?: http.ServerResponse })._httpMessage;
    if (pending && !pending.writableEnded) {
      if (!pending.req.complete && !pending.headersSent) {
        // The body of the request being handled is malformed (or cut short): answer it, then close.
        sendError(pending, 400, 'BAD_REQUEST', { connection: 'close' });
        return;
      }
      // Garbage after a request whose answer is on its way: finish that answer, then close.
      pending.shouldKeepAlive = false;
      pending.on('finish', () => socket.end());
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    refuseOnSocket(socket, status, 'BAD_REQUEST');
  });
  // Node answers these itself when nobody listens (CONNECT and an Upgrade by closing the socket,
  // an unknown Expect by a bare 417): the runtime offers none of them.
  server.on('connect', (_req: http.IncomingMessage, socket: Duplex) => refuseOnSocket(socket, 405, 'METHOD_NOT_ALLOWED'));
  server.on('upgrade', (_req: http.IncomingMessage, socket: Duplex) => refuseOnSocket(socket, 400, 'BAD_REQUEST'));
  server.on('checkExpectation', (_req: http.IncomingMessage, res: http.ServerResponse) => sendError(res, 417, 'BAD_REQUEST', { connection: 'close' }));

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
    filesDir,
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

/**
 * The 401 of a local page, for a person in a browser: what the page is and a sign-in as the demo
 * admin (the same power as the app's identity picker; the runtime listens on 127.0.0.1 only).
 */
function sendLocalSignInPage(res: http.ServerResponse, code: ErrorCode, headers: http.OutgoingHttpHeaders): void {
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>本地页面：需要管理员登录</title></head>
<body style="font-family:sans-serif;margin:24px"><h1>本地运行时的内部页面</h1>
<p>此页面只在本地运行时（127.0.0.1）提供，仅限管理员查看。请先以演示身份“管理员 赵总”登录：</p>
<form method="post" action="/local/signin"><input type="hidden" name="openid" value="demo-admin"><button type="submit">以 管理员 赵总 登录</button></form>
</body></html>`;
  res.writeHead(401, {
    ...headers,
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'x-dinghuo-error': code,
  });
  res.end(html);
}

function serveStatic(root: string, decodedPath: string, res: http.ServerResponse): void {
  const safe = path.normalize(decodedPath).replace(/^(\.\.[/\\])+/, '');
  let file = path.join(root, safe);
  if (!file.startsWith(path.resolve(root)) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    file = path.join(root, 'index.html'); // single-page app: every route gets the shell
  }
  if (!fs.existsSync(file)) {
    const message = 'H5 应用尚未构建：请先运行 npm run build:h5';
    sendJson(res, 404, { ok: false, error: { code: 'ROUTE_NOT_FOUND', message } }, { 'x-dinghuo-error': 'ROUTE_NOT_FOUND' });
    return;
  }
  const ext = path.extname(file);
  res.writeHead(200, {
    'content-type': MIME[ext] ?? 'application/octet-stream',
    'content-length': fs.statSync(file).size,
    'cache-control': ext === '.html' ? 'no-cache' : 'public, max-age=3600',
  });
  // A file that cannot be read after its headers went out: end the connection, not the process.
  fs.createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

// --- the back office (管理后台) at /admin/ -------------------------------------------------------

/**
 * Serves the back office build (admin/dist, built with base '/admin/') at /admin/: its files as
 * they are, every other path the app's index.html (a single-page app with its own routes).
 */
function serveAdmin(adminDir: string | null, urlPath: string, res: http.ServerResponse): void {
  if (urlPath === '/admin') {
    res.writeHead(301, { location: '/admin/', 'content-length': 0 });
    res.end();
    return;
  }
  // 管理后台未构建：请运行 npm run build:admin (back office build missing)
  if (!adminDir || !fs.existsSync(path.join(adminDir, 'index.html'))) throw new HttpRefusal(404, 'ROUTE_NOT_FOUND');
  const rel = urlPath.slice('/admin'.length) || '/';
  // a missing asset is a 404, not the app shell (a stale tab asking for an old chunk must fail loudly)
  if (rel.startsWith('/assets/') && !fs.existsSync(path.join(adminDir, path.normalize(rel).replace(/^(\.\.[/\\])+/, '')))) {
    throw new HttpRefusal(404, 'ROUTE_NOT_FOUND');
  }
  serveStatic(adminDir, rel, res);
}
