/**
 * Cloudbase build only (DINGHUO_ADMIN_CLOUD_ENV set at build time): staff sign in with Cloudbase
 * web sign-in (@cloudbase/js-sdk 2.x from Cloudbase's CDN, loaded only in that build; the
 * supabase-style auth API: signInWithPassword, getSession, signOut), and calls go through the SDK's
 * callFunction. The function takes the caller from its trusted context (`tcb:<uid>`); nothing here
 * sends an identity. Not exercised by the local tests (there is no Cloudbase here).
 */
const SDK_URL = 'https://static.cloudbase.net/cloudbase-js-sdk/2.24.0/cloudbase.full.js';

interface CloudbaseAuth {
  signInWithPassword(p: { username: string; password: string }): Promise<{ error?: { message?: string } | null }>;
  getSession(): Promise<{ data?: { session?: unknown } | null }>;
  signOut(): Promise<unknown>;
}
interface CloudbaseApp {
  auth(opts?: { persistence: 'local' }): CloudbaseAuth;
  callFunction(opts: { name: string; data: unknown }): Promise<{ result: unknown }>;
}
declare global {
  interface Window {
    cloudbase?: { init(opts: { env: string }): CloudbaseApp };
  }
}

let appPromise: Promise<CloudbaseApp> | null = null;

function loadSdk(): Promise<CloudbaseApp> {
  appPromise ??= new Promise<CloudbaseApp>((resolve, reject) => {
    const ready = () => (window.cloudbase ? resolve(window.cloudbase.init({ env: __CLOUD_ENV__ })) : reject(new Error('云开发 SDK 加载失败')));
    if (window.cloudbase) return ready();
    const s = document.createElement('script');
    s.src = SDK_URL;
    s.onload = ready;
    s.onerror = () => reject(new Error('云开发 SDK 加载失败，请检查网络'));
    document.head.appendChild(s);
  });
  return appPromise;
}

/** The signed-in Cloudbase app, or null when nobody is signed in. */
export async function cloudSession(): Promise<CloudbaseApp | null> {
  const app = await loadSdk();
  const s = await app.auth({ persistence: 'local' }).getSession();
  if (!s?.data?.session) return null;
  window.dinghuoCloudbase = app;
  return app;
}

export async function cloudSignIn(username: string, password: string): Promise<void> {
  const app = await loadSdk();
  const r = await app.auth({ persistence: 'local' }).signInWithPassword({ username, password });
  if (r?.error) throw new Error(r.error.message || '用户名或密码错误');
  window.dinghuoCloudbase = app;
}

export async function cloudSignOut(): Promise<void> {
  const app = await loadSdk();
  await app.auth({ persistence: 'local' }).signOut();
  delete window.dinghuoCloudbase;
}
