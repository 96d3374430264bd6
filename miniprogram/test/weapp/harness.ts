/**
 * Renders the compiled weapp pages (miniprogram/dist/weapp) in miniprogram-simulate.
 * Taro registers pages with Page(); miniprogram-simulate only knows Component(), so Page() here
 * wraps the page config in a component whose lifetimes call the page hooks. wx.cloud and storage
 * are faked; the fake backend answers callFunction with Result objects like the real functions.
 */
import fs from 'fs';
import path from 'path';
import { execFileSync } from 'child_process';

export const MINIPROGRAM_DIR = path.resolve(__dirname, '..', '..');
export const DIST = path.join(MINIPROGRAM_DIR, 'dist', 'weapp');

/** Builds the weapp bundle once if it is missing (scripts/test.sh may have built it already). */
export function ensureWeappBuild(): void {
  if (fs.existsSync(path.join(DIST, 'app.js')) && fs.existsSync(path.join(DIST, 'pages', 'cart', 'index.js'))) return;
  const taro = path.join(MINIPROGRAM_DIR, '..', 'node_modules', '.bin', 'taro');
  execFileSync(taro, ['build', '--type', 'weapp'], {
    cwd: MINIPROGRAM_DIR,
    stdio: 'pipe',
    env: { ...process.env, NODE_ENV: 'production', TARO_ENV: 'weapp' },
  });
}

export type Handler = (action: string, input: any) => unknown;
export interface Backend {
  [fn: string]: Handler;
}

export interface Call {
  name: string;
  action: string;
  input: any;
}

export interface Harness {
  calls: Call[];
  storage: Map<string, unknown>;
  backend: Backend;
  load(pagePath: string, query?: Record<string, string>): Promise<any>;
}

interface PageConfig {
  data?: Record<string, unknown>;
  [key: string]: unknown;
}

let app: any = null;

/** Call once per test file, before anything renders. */
export function setupWeapp(backend: Backend): Harness {
  ensureWeappBuild();
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const simulate = require('miniprogram-simulate');
  const g = global as any;
  const calls: Call[] = [];
  const storage = new Map<string, unknown>();
  const pageStack: any[] = [];
  let nextRoute = '';
  let nextQuery: Record<string, string> = {};

  // Taro's createComponentConfig (custom-tab-bar) sets behaviors/externalClasses to {} when
  // absent; WeChat accepts that, j-component wants arrays.
  const rawComponent = g.Component;
  g.Component = (def: Record<string, unknown>) => {
    if (!Array.isArray(def.behaviors)) def.behaviors = [];
    if (!Array.isArray(def.externalClasses)) def.externalClasses = [];
    return rawComponent(def);
  };
  const wx = g.wx;
  wx.cloud = {
    init: () => undefined,
    callFunction: async ({ name, data }: { name: string; data: { action: string; input: unknown } }) => {
      calls.push({ name, action: data.action, input: data.input });
      const fn = backend[name];
      if (!fn) throw new Error(`cloud function ${name} not found`);
      await new Promise((r) => setTimeout(r, 1));
      return { result: await fn(data.action, data.input), errMsg: 'cloud.callFunction:ok' };
    },
  };
  const clone = (v: unknown) => (v === undefined ? v : JSON.parse(JSON.stringify(v)));
  wx.getStorageSync = (k: string) => (storage.has(k) ? clone(storage.get(k)) : '');
  wx.setStorageSync = (k: string, v: unknown) => void storage.set(k, clone(v));
  wx.removeStorageSync = (k: string) => void storage.delete(k);
  const ok = (name: string, extra: Record<string, unknown> = {}) => (opts: any = {}) => {
    const res = { errMsg: `${name}:ok`, ...extra };
    opts.success?.(res);
    opts.complete?.(res);
    return Promise.resolve(res);
  };
  wx.showToast = ok('showToast');
  wx.showModal = ok('showModal', { confirm: true, cancel: false });
  wx.switchTab = ok('switchTab');
  wx.navigateTo = ok('navigateTo');
  wx.redirectTo = ok('redirectTo');

  g.App = (config: any) => {
    app = config;
  };
  g.getApp = () => app;
  g.getCurrentPages = () => pageStack;
  g.Page = (config: PageConfig) => {
    const methods: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(config)) if (typeof v === 'function') methods[k] = v;
    g.Component({
      data: config.data ?? {},
      methods,
      lifetimes: {
        attached(this: any) {
          this.route = nextRoute;
          this.options = nextQuery;
          pageStack.push(this);
          (config.onLoad as any)?.call(this, nextQuery);
          (config.onShow as any)?.call(this);
        },
        ready(this: any) {
          (config.onReady as any)?.call(this);
        },
        detached(this: any) {
          (config.onUnload as any)?.call(this);
          const i = pageStack.indexOf(this);
          if (i >= 0) pageStack.splice(i, 1);
        },
      },
    });
  };

  require(path.join(DIST, 'app.js'));
  app.onLaunch?.({ path: 'pages/catalog/index', query: {}, scene: 1001 });
  app.onShow?.({ path: 'pages/catalog/index', query: {}, scene: 1001 });

  return {
    calls,
    storage,
    backend,
    async load(pagePath: string, query: Record<string, string> = {}) {
      nextRoute = pagePath;
      nextQuery = query;
      const id = simulate.load(path.join(DIST, pagePath), { rootPath: DIST });
      const comp = simulate.render(id);
      const parent = document.createElement('parent-wrapper');
      comp.attach(parent);
      return comp;
    },
  };
}

/**
 * Polls until `fn` holds. The default is generous on purpose: a render under load (a build beside
 * the tests on a 2-core machine) takes seconds, and a passing wait returns as soon as it holds.
 */
export async function waitFor<T>(fn: () => T | null | undefined | false, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  let last: unknown;
  for (;;) {
    try {
      const v = fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`waitFor timed out${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const ok = <T>(data: T) => ({ ok: true as const, data });
export const fail = (code: string, message: string) => ({ ok: false as const, error: { code, message } });
