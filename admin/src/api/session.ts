/**
 * The back office's sign-in session. Locally: a demo staff identity picked on the sign-in page,
 * exchanged for a bearer token by the local runtime (POST /api/local/signin), exactly as the H5
 * app does. The function always takes the caller from its trusted context (the runtime builds
 * WX_OPENID from the token's session); nothing here sends an identity with a call.
 */
const TOKEN_KEY = 'dinghuo.admin.token';

export interface DemoIdentity {
  openid: string;
  label: string;
  role: 'customer' | 'merchandiser' | 'admin' | null;
  description: string;
}

export function getToken(): string {
  try {
    return localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function setToken(token: string): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

/** The local runtime's demo identities that may use the back office (staff only). */
export async function localStaffIdentities(): Promise<DemoIdentity[]> {
  const res = await fetch('/api/local/identities');
  if (!res.ok) throw new Error('无法读取演示身份（本地运行时未启动？）');
  const all = (await res.json()) as DemoIdentity[];
  return all.filter((i) => i.role === 'admin' || i.role === 'merchandiser');
}

export async function localSignIn(openid: string): Promise<void> {
  const res = await fetch('/api/local/signin', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ openid }),
  });
  if (!res.ok) throw new Error('登录失败');
  const { token } = (await res.json()) as { token: string };
  setToken(token);
}

export function signOut(): void {
  setToken('');
}
