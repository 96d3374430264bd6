/**
 * The cart: lines of { skuId, unit, count }, persisted in Taro storage across restarts.
 * It holds no prices: the cart page asks catalog.quote for the server's prices every time.
 */
import Taro from '@tarojs/taro';
import type { OrderUnit } from '@dinghuo/shared/catalog';

export interface CartLine {
  skuId: string;
  unit: OrderUnit;
  count: number;
}

export const CART_STORAGE_KEY = 'dinghuo.cart.v1';
const MAX_COUNT = 1_000_000;

let lines: CartLine[] | null = null;
const listeners = new Set<(lines: CartLine[]) => void>();

function isLine(v: unknown): v is CartLine {
  const l = v as CartLine;
  return !!l && typeof l.skuId === 'string' && (l.unit === 'piece' || l.unit === 'case') && Number.isInteger(l.count) && l.count > 0;
}

function load(): CartLine[] {
  if (lines) return lines;
  try {
    const stored: unknown = Taro.getStorageSync(CART_STORAGE_KEY);
    lines = Array.isArray(stored) ? stored.filter(isLine) : [];
  } catch {
    lines = [];
  }
  return lines;
}

function save(next: CartLine[]): void {
  lines = next;
  try {
    Taro.setStorageSync(CART_STORAGE_KEY, next);
  } catch {
    // storage full: keep the in-memory cart
  }
  for (const l of listeners) l(next);
}

const clamp = (n: number) => Math.max(0, Math.min(MAX_COUNT, Math.floor(n)));

export const cart = {
  lines(): CartLine[] {
    return load();
  },
  count(): number {
    return load().length;
  },
  add(skuId: string, unit: OrderUnit, count: number): void {
    const cur = load();
    const i = cur.findIndex((l) => l.skuId === skuId && l.unit === unit);
    if (i >= 0) save(cur.map((l, j) => (j === i ? { ...l, count: clamp(l.count + count) } : l)));
    else if (count > 0) save([...cur, { skuId, unit, count: clamp(count) }]);
  },
  setCount(skuId: string, unit: OrderUnit, count: number): void {
    const c = clamp(count);
    const cur = load();
    save(c === 0 ? cur.filter((l) => !(l.skuId === skuId && l.unit === unit)) : cur.map((l) => (l.skuId === skuId && l.unit === unit ? { ...l, count: c } : l)));
  },
  /** Switch a line between cases and pieces, keeping the count; merges with an existing line. */
  setUnit(skuId: string, from: OrderUnit, to: OrderUnit): void {
    if (from === to) return;
    const cur = load();
    const line = cur.find((l) => l.skuId === skuId && l.unit === from);
    if (!line) return;
    const rest = cur.filter((l) => l !== line);
    const other = rest.find((l) => l.skuId === skuId && l.unit === to);
    save(other ? rest.map((l) => (l === other ? { ...l, count: clamp(l.count + line.count) } : l)) : cur.map((l) => (l === line ? { ...l, unit: to } : l)));
  },
  remove(skuId: string, unit: OrderUnit): void {
    save(load().filter((l) => !(l.skuId === skuId && l.unit === unit)));
  },
  /** Reorder (再来一单): put these lines into the cart, adding to what is there. */
  merge(incoming: readonly CartLine[]): void {
    for (const l of incoming) cart.add(l.skuId, l.unit, l.count);
  },
  clear(): void {
    save([]);
  },
  subscribe(listener: (lines: CartLine[]) => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** For tests: forget the in-memory copy so the next read comes from storage. */
  reset(): void {
    lines = null;
  },
};
