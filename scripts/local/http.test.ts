/**
 * The local runtime's HTTP edges, over raw sockets: whatever the path, method, headers, body or
 * framing, the answer is a typed 4xx (never a 5xx, never a hang, never INTERNAL in the log), the
 * database is unchanged, and the server keeps serving — also on the same keep-alive connection
 * after a refused body.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { isErrorCode } from '@dinghuo/shared';
import { COLLECTION_NAMES } from '../../cloudfunctions/_lib/data/store';
import { startLocalRuntime, type LocalRuntime } from './server';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

interface Exchange {
  responses: RawResponse[];
  /** Bytes after the last complete response (a response cut short or garbage). */
  rest: Buffer;
  timedOut: boolean;
}

/** Parses the HTTP/1.1 responses in `data` (the first one answering `method`). */
function parseResponses(data: Buffer, method: string): { responses: RawResponse[]; rest: Buffer } {
  const responses: RawResponse[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const head = data.subarray(at, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0] ?? '');
    if (!m) break;
    const headers: Record<string, string> = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const status = Number(m[1]);
    let bodyStart = end + 4;
    let body: Buffer = Buffer.alloc(0);
    if (status >= 200 && !(method === 'HEAD' && responses.every((r) => r.status < 200)) && status !== 204 && status !== 304) {
      if (headers['transfer-encoding']?.includes('chunked')) {
        const parts: Buffer[] = [];
        for (;;) {
          const lineEnd = data.indexOf('\r\n', bodyStart);
          if (lineEnd < 0) return { responses, rest: data.subarray(at) };
          const size = parseInt(data.subarray(bodyStart, lineEnd).toString('latin1'), 16);
          bodyStart = lineEnd + 2 + size + 2;
          if (size === 0) break;
          parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        }
        body = Buffer.concat(parts);
      } else if (headers['content-length'] !== undefined) {
        const len = Number(headers['content-length']);
        if (bodyStart + len > data.length) break;
        body = data.subarray(bodyStart, bodyStart + len);
        bodyStart += len;
      } else {
        body = data.subarray(bodyStart);
        bodyStart = data.length;
      }
    }
    responses.push({ status, headers, body });
    at = bodyStart;
  }
  return { responses, rest: data.subarray(at) };
}

/**
 * Writes `request` on a fresh connection and reads until the server closes it (the requests say
 * `Connection: close`). `halfClose` also ends the sending side (for a request cut short: Node's
 * server then drops it, as the client is gone).
 */
function exchange(port: number, request: Buffer, method: string, halfClose = false, timeoutMs = 15_000): Promise<Exchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (timedOut: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponses(Buffer.concat(chunks), method), timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('close', () => finish(false));
    socket.on('error', () => finish(false));
    if (halfClose) socket.end(request);
    else socket.write(request);
  });
}

/** A keep-alive connection: send one request, read exactly one response, send the next. */
class KeepAlive {
  private buf: Buffer = Buffer.alloc(0);
  private waiting: (() => void) | null = null;
  closed = false;
  private constructor(private socket: net.Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.waiting?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.waiting?.();
    });
    socket.on('error', () => undefined);
  }
  static open(port: number): Promise<KeepAlive> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new KeepAlive(s)));
      s.once('error', reject);
    });
  }
  async send(request: Buffer | string): Promise<RawResponse> {
    this.socket.write(request);
    for (;;) {
      const { responses, rest } = parseResponses(this.buf, 'POST');
      const final = responses.find((r) => r.status >= 200);
      if (final) {
        this.buf = rest;
        return final;
      }
      if (this.closed) throw new Error('connection closed without a response');
      await new Promise<void>((r) => (this.waiting = r));
    }
  }
  close(): void {
    this.socket.destroy();
  }
}

function request(method: string, target: string, headers: [string, string][], body: Buffer | string = '', close = true): Buffer {
  const b = Buffer.isBuffer(body) ? body : Buffer.from(body);
  const head = [`${method} ${target} HTTP/1.1`, 'Host: 127.0.0.1', ...headers.map(([k, v]) => `${k}: ${v}`), `Content-Length: ${b.length}`];
  if (close) head.push('Connection: close');
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), b]);
}

let rt: LocalRuntime;
let h5Dir: string;
const tokens: Record<string, string> = {};
const unexpected: unknown[][] = [];
let errorSpy: jest.SpyInstance;

function fingerprint(): string {
  const h = createHash('sha256');
  for (const c of COLLECTION_NAMES) {
    for (const row of rt.store.db.prepare(`SELECT id, doc FROM "${c}" ORDER BY id`).iterate() as Iterable<{ id: string; doc: string }>) {
      h.update(c).update(row.id).update(row.doc);
    }
  }
  return h.digest('hex');
}

/** Every answer: below 500; an error carries a known code (never INTERNAL) in its header and JSON body. */
function expectTyped(r: RawResponse): void {
  expect(r.status).toBeLessThan(500);
  if (r.status < 400) return;
  const code = r.headers['x-dinghuo-error'];
  expect([r.status, isErrorCode(code) && code !== 'INTERNAL']).toEqual([r.status, true]);
  if (r.headers['content-type']?.startsWith('application/json') && r.body.length > 0) {
    const body = JSON.parse(r.body.toString('utf8')) as { ok: boolean; error: { code: string; message: string } };
    expect(body.ok).toBe(false);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toMatch(/[\u4e00-\u9fff]/);
  }
}

beforeAll(async () => {
  h5Dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dinghuo-h5-'));
  fs.writeFileSync(path.join(h5Dir, 'index.html'), '<!doctype html><title>订货通</title>');
  fs.mkdirSync(path.join(h5Dir, 'js'));
  fs.writeFileSync(path.join(h5Dir, 'js', 'app.js'), 'console.log(1)');
  rt = await startLocalRuntime({ dataDir: ':memory:', timers: false, quiet: true, h5Dir });
  for (const openid of ['demo-customer-hualian', 'demo-merch-wang', 'demo-admin', 'demo-newuser']) {
    const r = await fetch(`${rt.url}/api/local/signin`, { method: 'POST', body: JSON.stringify({ openid }) });
    tokens[openid] = ((await r.json()) as { token: string }).token;
  }
  const original = console.error.bind(console);
  errorSpy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    unexpected.push(args);
    original(...args);
  });
});

afterAll(async () => {
  errorSpy?.mockRestore();
  await rt?.close();
  fs.rmSync(h5Dir, { recursive: true, force: true });
});

afterEach(() => {
  // Nothing at all on the error log: no INTERNAL, no request failure.
  expect(unexpected.splice(0).map((a) => String(a[0]))).toEqual([]);
});

describe('the requests of the issue, each answered with a typed 4xx', () => {
  const cases: [string, Buffer, number, string][] = [
    ['a lone percent', request('GET', '/%', []), 400, 'BAD_REQUEST'],
    ['a bad escape', request('GET', '/%zz', []), 400, 'BAD_REQUEST'],
    ['a bad escape in a function name', request('POST', '/api/fn/%zz', [], '{}'), 400, 'BAD_REQUEST'],
    ['a truncated UTF-8 escape in a function name', request('POST', '/api/fn/order%E4%B8', [], '{}'), 400, 'BAD_REQUEST'],
    ['an unknown function', request('POST', '/api/fn/nope', [], '{}'), 404, 'UNKNOWN_ACTION'],
    ['GET on a function', request('GET', '/api/fn/order', []), 405, 'METHOD_NOT_ALLOWED'],
    ['a sign-in body that is not JSON', request('POST', '/api/local/signin', [], 'openid=demo-admin'), 400, 'BAD_REQUEST'],
    ['a sign-in body that is JSON null', request('POST', '/api/local/signin', [], 'null'), 400, 'VALIDATION_FAILED'],
    ['a sign-in as nobody', request('POST', '/api/local/signin', [], '{"openid":"someone"}'), 400, 'VALIDATION_FAILED'],
    ['a function body that is not JSON', request('POST', '/api/fn/order', [], '{"action":'), 400, 'BAD_REQUEST'],
    ['a function body that is not UTF-8', request('POST', '/api/fn/order', [], Buffer.from([0xff, 0xfe, 0x7b])), 400, 'BAD_REQUEST'],
    ['an unknown API path', request('GET', '/api/nothing', []), 404, 'ROUTE_NOT_FOUND'],
    ['a POST to a page', request('POST', '/pages/me/index', [], 'x'), 404, 'ROUTE_NOT_FOUND'],
    ['the outbox without a session', request('GET', '/api/local/outbox', []), 401, 'UNAUTHENTICATED'],
    ['the outbox page without a session', request('GET', '/local/outbox', []), 401, 'UNAUTHENTICATED'],
    ['an unknown method', request('BREW', '/', []), 400, 'BAD_REQUEST'],
    ['CONNECT', Buffer.from('CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n'), 405, 'METHOD_NOT_ALLOWED'],
    ['a websocket upgrade', request('GET', '/', [['Connection', 'Upgrade'], ['Upgrade', 'websocket']]), 400, 'BAD_REQUEST'],
    ['an unknown expectation', request('POST', '/api/fn/order', [['Expect', 'the-moon']], '{}'), 417, 'BAD_REQUEST'],
    ['no Host header', Buffer.from('GET /api/local/nothing HTTP/1.1\r\nConnection: close\r\n\r\n'), 404, 'ROUTE_NOT_FOUND'],
    ['a header block too large', request('GET', '/', [['X-Big', 'a'.repeat(20_000)]]), 431, 'BAD_REQUEST'],
    ['a broken chunked body', Buffer.from('POST /api/fn/order HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n'), 400, 'BAD_REQUEST'],
    ['an absolute URL that does not parse', request('GET', 'http://[/', []), 400, 'BAD_REQUEST'],
  ];
  it.each(cases)('%s', async (_name, raw, status, code) => {
    const before = fingerprint();
    const method = raw.subarray(0, raw.indexOf(' ')).toString();
    const x = await exchange(rt.port, raw, method);
    expect(x.timedOut).toBe(false);
    const final = x.responses.filter((r) => r.status >= 200);
    expect(final.length).toBeGreaterThanOrEqual(1);
    expect([final[0]!.status, final[0]!.headers['x-dinghuo-error']]).toEqual([status, code]);
    for (const r of x.responses) expectTyped(r);
    expect(fingerprint()).toBe(before);
  });
});

describe('refused bodies and the connection they came on', () => {
  it('an oversized body is drained: 413, then the next request on the same connection is answered', async () => {
    const conn = await KeepAlive.open(rt.port);
    try {
      // Over the function-call limit (8 MB, room for the back office uploads), under the drain limit (16 MB).
      const big = Buffer.alloc(9 * 1024 * 1024, 0x61);
      const refused = await conn.send(request('POST', '/api/fn/order', [['Content-Type', 'application/json']], big, false));
      expect([refused.status, refused.headers['x-dinghuo-error']]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      expect(refused.headers.connection).not.toBe('close');
      const next = await conn.send(request('GET', '/api/local/identities', [], '', false));
      expect(next.status).toBe(200);
      expect(JSON.parse(next.body.toString('utf8'))).toHaveLength(7);
      // the same for a malformed body and an unknown route with a body
      expect((await conn.send(request('POST', '/api/local/signin', [], '{{{', false))).status).toBe(400);
      expect((await conn.send(request('POST', '/nowhere', [], 'x'.repeat(100_000), false))).status).toBe(404);
      const who = await conn.send(request('POST', '/api/fn/auth', [['Authorization', `Bearer ${tokens['demo-newuser']}`]], '{"action":"whoami","input":{}}', false));
      expect([who.status, JSON.parse(who.body.toString('utf8')).data.openid]).toEqual([200, 'demo-newuser']);
    } finally {
      conn.close();
    }
  });

  it('a body declared far too large is refused at once and its connection closed; the server keeps serving', async () => {
    const conn = await KeepAlive.open(rt.port);
    const head = 'POST /api/fn/order HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n';
    const refused = await conn.send(Buffer.concat([Buffer.from(head), Buffer.alloc(64 * 1024, 0x61)]));
    expect([refused.status, refused.headers['x-dinghuo-error'], refused.headers.connection]).toEqual([413, 'PAYLOAD_TOO_LARGE', 'close']);
    conn.close();
    const r = await fetch(`${rt.url}/api/local/identities`);
    expect(r.status).toBe(200);
  });

  it('a client that goes away mid-body leaves nothing on the error log', async () => {
    const x = await exchange(rt.port, Buffer.from('POST /api/fn/order HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"action"'), 'POST', true);
    expect(x.timedOut).toBe(false);
    expect(x.responses.filter((r) => r.status >= 500)).toEqual([]);
    expect((await fetch(`${rt.url}/api/local/identities`)).status).toBe(200);
  });
});

describe('generated requests (fast-check) over raw HTTP', () => {
  const KNOWN_PATHS = [
    '/',
    '/index.html',
    '/js/app.js',
    '/pages/catalog/index',
    '/api/fn/order',
    '/api/fn/auth',
    '/api/fn/catalog',
    '/api/fn/followup',
    '/api/fn/reservationTimer',
    '/api/fn/dispatcher',
    '/api/fn/admin',
    '/api/fn/',
    '/api/local/identities',
    '/api/local/signin',
    '/api/local/outbox',
    '/local/outbox',
    '/local/outbox/consent',
    '/local/signin',
    '/api',
    '/local',
  ];
  const escapes = fc.constantFrom('%', '%z', '%zz', '%E4%B8', '%C0%AF', '%00', '%2e%2e%2f', '%252e', '%FF', '%e4%b8%ad', '..', '//', '?', '#', ';', '\u4e2d');
  const segment = fc.oneof(fc.string({ maxLength: 12 }), escapes, fc.stringMatching(/^[A-Za-z0-9._~-]{0,10}$/));
  const target = fc.oneof(
    fc.constantFrom(...KNOWN_PATHS),
    fc.tuple(fc.constantFrom(...KNOWN_PATHS), fc.array(segment, { maxLength: 3 })).map(([p, segs]) => `${p}${segs.join('')}`),
    fc.array(segment, { minLength: 1, maxLength: 4 }).map((segs) => `/${segs.join('/')}`),
    fc.constantFrom('*', 'http://127.0.0.1/api/fn/order', 'http://[/', '//evil/x', '/../../etc/passwd', '/api/fn/..%2f..%2fetc'),
  );
  const method = fc.oneof(fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'TRACE'), fc.stringMatching(/^[A-Z]{1,8}$/));
  const token = fc.oneof(fc.constantFrom('demo-customer-hualian', 'demo-merch-wang', 'demo-admin', 'demo-newuser').map((id) => tokens[id]!), fc.string({ maxLength: 30 }));
  const header = fc.oneof(
    token.map((t) => ['Authorization', `Bearer ${t}`] as [string, string]),
    token.map((t) => ['Cookie', `dinghuo_local_session=${t}`] as [string, string]),
    fc.constantFrom<[string, string]>(
      ['Content-Type', 'application/json'],
      ['Content-Type', 'application/x-www-form-urlencoded'],
      ['Content-Type', 'text/plain; charset=gb18030'],
      ['Content-Encoding', 'gzip'],
      ['Accept-Encoding', 'br'],
      ['Expect', '100-continue'],
      ['Connection', 'keep-alive'],
      ['Transfer-Encoding', 'identity'],
      ['Authorization', 'Basic Zm9vOmJhcg=='],
      ['Authorization', 'Bearer'],
      ['Cookie', 'dinghuo_local_session'],
      ['Range', 'bytes=5-1'],
      ['If-None-Match', '*'],
    ),
    fc.tuple(fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,15}$/), fc.string({ maxLength: 40 }).map((v) => v.replace(/[\r\n]/g, ' '))),
    fc.tuple(fc.string({ minLength: 1, maxLength: 10 }), fc.string({ maxLength: 10 })),
  );
  const junk = fc.oneof(fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.anything(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
  // Read-only actions and nonsense only: an admin's `run` or a real consent would (rightly) write.
  const action = fc.oneof(fc.constantFrom('whoami', 'categories', 'list', 'detail', 'quote', 'statement', 'dashboard', 'constructor', '__proto__'), fc.string({ maxLength: 20 }), junk);
  const body = fc.oneof(
    fc.constant(''),
    fc.record({ action, input: fc.oneof(junk, fc.object({ maxDepth: 3 })) }, { requiredKeys: [] }).map((e) => JSON.stringify(e)),
    fc.constantFrom('{"Type":"Timer"}', '{"Type":"Timer","TriggerName":"dispatcherTimer","Time":"2026-11-25T02:00:00Z"}', 'null', '[]', '"x"', '{"openid":"demo-admin"}', '{"openid":7}'),
    fc.json().map((j) => j),
    fc.string({ maxLength: 200 }).map((s) => `openid=${encodeURIComponent(s)}`),
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  );
  const framing = fc.constantFrom('length', 'length', 'length', 'chunked', 'none', 'short');

  function build(m: string, t: string, hs: [string, string][], b: string | Buffer, f: string): { raw: Buffer; complete: boolean } {
    const bytes = Buffer.isBuffer(b) ? b : Buffer.from(b);
    const lines = [`${m} ${t} HTTP/1.1`, 'Host: 127.0.0.1', ...hs.map(([k, v]) => `${k}: ${v}`)];
    let payload = bytes;
    if (f === 'length') lines.push(`Content-Length: ${bytes.length}`);
    if (f === 'short') lines.push(`Content-Length: ${bytes.length + 10}`);
    if (f === 'chunked') {
      lines.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([bytes.length ? Buffer.from(`${bytes.length.toString(16)}\r\n`) : Buffer.alloc(0), bytes, Buffer.from(bytes.length ? '\r\n0\r\n\r\n' : '0\r\n\r\n')]);
    }
    lines.push('Connection: close');
    return { raw: Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), payload]), complete: f !== 'short' };
  }

  // HTTP_FUZZ_RUNS=4000 for a longer run (passed: 4000 runs in ~50 s).
  it('no 5xx, no hang, no INTERNAL, every error typed, the database unchanged', async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(method, target, fc.array(header, { maxLength: 5 }), body, framing, async (m, t, hs, b, f) => {
        const before = fingerprint();
        const { raw, complete } = build(m, t, hs, b, f);
        const x = await exchange(rt.port, raw, m, !complete);
        expect(x.timedOut).toBe(false);
        for (const r of x.responses) {
          expectTyped(r);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        }
        if (complete) expect(x.responses.filter((r) => r.status >= 200).length).toBeGreaterThanOrEqual(1);
        // A HEAD answer has no body, except a parse error's (Node could not tell it was a HEAD).
        const last = x.responses[x.responses.length - 1];
        expect(x.rest.length).toBe(m === 'HEAD' && x.rest.length > 0 ? Number(last?.headers['content-length']) : 0);
        expect(fingerprint()).toBe(before);
        expect(unexpected.map((a) => String(a[0]))).toEqual([]);
      }),
      { numRuns: Number(process.env.HTTP_FUZZ_RUNS ?? 400) },
    );
    // The generator reached the interesting answers, not only one kind of refusal.
    for (const s of [200, 400, 404]) expect([s, statuses.get(s) ?? 0]).not.toEqual([s, 0]);
    expect(statuses.size).toBeGreaterThanOrEqual(5);
    // and the server still serves
    expect((await fetch(`${rt.url}/api/local/identities`)).status).toBe(200);
  }, 240_000);
});
