/**
 * Calls started while the app boots (main.tsx), before React renders, so that the sign-in check
 * (backoffice.refs) and the first page's data travel in parallel instead of one after the other.
 * A page takes its call once: a retry or a later visit asks the function again.
 */
const started = new Map<string, { promise: Promise<unknown>; settled: boolean; value?: unknown }>();

export function prefetch<T>(key: string, load: () => Promise<T>): void {
  const promise = load();
  const entry: { promise: Promise<unknown>; settled: boolean; value?: unknown } = { promise, settled: false };
  promise.then(
    (v) => {
      entry.settled = true;
      entry.value = v;
    },
    () => undefined,
  );
  started.set(key, entry);
}

/** The prefetched call under `key` (taken: a second take answers null). `value` when it already answered. */
export function takePrefetched<T>(key: string): { promise: Promise<T>; value?: T } | null {
  const e = started.get(key);
  if (!e) return null;
  started.delete(key);
  return e.settled ? { promise: e.promise as Promise<T>, value: e.value as T } : { promise: e.promise as Promise<T> };
}
