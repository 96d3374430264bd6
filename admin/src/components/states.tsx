/**
 * Every page's three states, the same everywhere: loading (a spinner), empty (antd Empty with a
 * sentence of what is missing) and error (the function's Chinese message and 重试). Tests find
 * them by data-state.
 */
import { useCallback, useEffect, useRef, useState, type DependencyList, type ReactNode } from 'react';
import { Button, Empty, Result, Spin } from 'antd';
import { errorMessage } from '../api/client';

export function LoadingState({ tip = '加载中…' }: { tip?: string }) {
  return (
    <div data-state="loading" style={{ padding: 48, textAlign: 'center' }}>
      <Spin />
      <div style={{ marginTop: 8, color: '#999' }}>{tip}</div>
    </div>
  );
}

export function EmptyState({ description, children }: { description: string; children?: ReactNode }) {
  return (
    <div data-state="empty" style={{ padding: 24 }}>
      <Empty description={description}>{children}</Empty>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div data-state="error">
      <Result
        status="error"
        title="加载失败"
        subTitle={errorMessage(error)}
        extra={onRetry ? <Button onClick={onRetry}>重试</Button> : undefined}
      />
    </div>
  );
}

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs `load` when deps change; the newest answer wins (an older, slower one is dropped).
 * `initial`: data already at hand (e.g. prefetched while the app booted), shown on the first
 * render without a load.
 */
export function useApi<T>(load: () => Promise<T>, deps: DependencyList, initial?: T): AsyncState<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: initial, error: null, loading: initial === undefined });
  const seq = useRef(0);
  const [tick, setTick] = useState(0);
  const skipFirst = useRef(initial !== undefined);
  useEffect(() => {
    if (skipFirst.current) {
      skipFirst.current = false;
      return;
    }
    const mine = ++seq.current;
    setState((s) => ({ ...s, loading: true, error: null }));
    load().then(
      (data) => mine === seq.current && setState({ data, error: null, loading: false }),
      (error: unknown) => mine === seq.current && setState((s) => ({ data: s.data, error, loading: false })),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/**
 * Renders an AsyncState: the loading state on first load, the error state (with 重试) when it
 * failed and there is nothing to show, the empty state when `isEmpty`, else the children.
 */
export function Async<T>({
  state,
  empty,
  isEmpty,
  children,
}: {
  state: AsyncState<T>;
  empty: string;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  if (state.error && state.data === undefined) return <ErrorState error={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <LoadingState />;
  if (isEmpty?.(state.data)) return <EmptyState description={empty} />;
  return <>{children(state.data)}</>;
}
