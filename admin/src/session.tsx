/** Who is signed in (backoffice.refs: the caller, categories, levels, staff), for every page. */
import { createContext, useContext } from 'react';
import type { BackofficeRefs } from '@dinghuo/shared/backofficeApi';

export interface SessionValue {
  refs: BackofficeRefs;
  isAdmin: boolean;
  reloadRefs: () => void;
}

export const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside the signed-in layout');
  return s;
}
