/** Who is signed in (auth.whoami), cached for the app's lifetime and shared by all pages. */
import type { Me } from '@dinghuo/shared/api';
import { call } from '@/api/client';

let me: Me | null = null;
let pending: Promise<Me> | null = null;
const listeners = new Set<(me: Me | null) => void>();

function emit(): void {
  for (const l of listeners) l(me);
}

export function currentMe(): Me | null {
  return me;
}

export function setMe(next: Me | null): void {
  me = next;
  emit();
}

export function loadMe(force = false): Promise<Me> {
  if (me && !force) return Promise.resolve(me);
  if (!pending) {
    pending = call('auth', 'whoami', {})
      .then((m) => {
        setMe(m);
        return m;
      })
      .finally(() => {
        pending = null;
      });
  }
  return pending;
}

export function subscribeMe(listener: (me: Me | null) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function isStaff(m: Me | null): boolean {
  return m?.role === 'merchandiser' || m?.role === 'admin';
}

/** A WeChat user not yet bound to a customer account (show the bind screen, not an error). */
export function isUnbound(m: Me | null): boolean {
  return !!m && m.role === null && !m.customer;
}
