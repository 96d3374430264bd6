/**
 * Routes of the back office. /signin is outside the layout; everything else needs a staff
 * session (backoffice.refs answers; a customer or a stranger is sent back to /signin).
 */
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { bo, onUnauthenticated } from './api/client';
import { getToken, signOut } from './api/session';
import { cloudSession } from './api/cloudbase';
import { ErrorState, LoadingState, useApi } from './components/states';
import { SessionContext } from './session';
import AppLayout from './layout/AppLayout';
import { prefetch, takePrefetched } from './api/prefetch';
import OrdersPage from './pages/Orders';

const SignIn = lazy(() => import('./pages/SignIn'));

const Dashboard = lazy(() => import('./pages/Dashboard'));
const Products = lazy(() => import('./pages/Products'));
const Prices = lazy(() => import('./pages/Prices'));
const Customers = lazy(() => import('./pages/Customers'));
const Stock = lazy(() => import('./pages/Stock'));
const OrderDetail = lazy(() => import('./pages/OrderDetail'));
const DeliveryNote = lazy(() => import('./pages/DeliveryNote'));
const Imports = lazy(() => import('./pages/Imports'));
const Reports = lazy(() => import('./pages/Reports'));
const Accounts = lazy(() => import('./pages/Accounts'));

// a Cloudbase build restores the web sign-in's session before the first call
// (without one, the call answers UNAUTHENTICATED and the app goes to /signin)
async function loadRefs() {
  if (__CLOUD_ENV__) await cloudSession();
  return bo('refs', {});
}

/** Started by main.tsx while the app boots (see api/prefetch.ts). */
export function prefetchRefs(): void {
  prefetch('refs', loadRefs);
}

function SignedIn() {
  const navigate = useNavigate();
  // the call main.tsx started: its answer on the first render, or awaited once (重试 asks again)
  const [early] = useState(() => takePrefetched<Awaited<ReturnType<typeof loadRefs>>>('refs'));
  const pending = useRef(early && early.value === undefined ? early.promise : null);
  const refs = useApi(
    () => {
      const p = pending.current;
      pending.current = null;
      return p ?? loadRefs();
    },
    [],
    early?.value,
  );
  useEffect(() => onUnauthenticated(() => navigate('/signin', { replace: true })), [navigate]);
  const value = useMemo(() => (refs.data ? { refs: refs.data, isAdmin: refs.data.me.role === 'admin', reloadRefs: refs.reload } : null), [refs.data, refs.reload]);
  if (refs.error && !refs.data) {
    const code = (refs.error as { code?: string }).code;
    if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'NOT_BOUND') {
      signOut();
      return <Navigate to="/signin" replace state={{ reason: code }} />;
    }
    return <ErrorState error={refs.error} onRetry={refs.reload} />;
  }
  if (!value) return <LoadingState tip="正在进入管理后台…" />;
  return (
    <SessionContext.Provider value={value}>
      <Routes>
        <Route path="orders/:orderId/print" element={<Suspense fallback={<LoadingState />}><DeliveryNote /></Suspense>} />
        <Route element={<AppLayout />}>
          <Route index element={<Dashboard />} />
          <Route path="products" element={<Products />} />
          <Route path="prices" element={<Prices />} />
          <Route path="customers" element={<Customers />} />
          <Route path="stock" element={<Stock />} />
          <Route path="orders" element={<OrdersPage />} />
          <Route path="orders/:orderId" element={<OrderDetail />} />
          <Route path="imports" element={<Imports />} />
          <Route path="reports" element={<Reports />} />
          <Route path="accounts" element={<Accounts />} />
          <Route path="*" element={<Navigate to="/" replace />} />
        </Route>
      </Routes>
    </SessionContext.Provider>
  );
}

export default function App() {
  const location = useLocation();
  if (location.pathname === '/signin') return <Suspense fallback={<LoadingState />}><SignIn /></Suspense>;
  if (!getToken() && !__CLOUD_ENV__) return <Navigate to="/signin" replace state={{ from: location.pathname + location.search }} />;
  return <SignedIn />;
}
