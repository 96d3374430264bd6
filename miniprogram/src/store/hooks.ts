import { useEffect, useState } from 'react';
import type { Me } from '@dinghuo/shared/api';
import { cart, type CartLine } from './cart';
import { currentMe, subscribeMe } from './session';

export function useCartLines(): CartLine[] {
  const [lines, setLines] = useState<CartLine[]>(() => cart.lines());
  useEffect(() => {
    setLines(cart.lines());
    return cart.subscribe(setLines);
  }, []);
  return lines;
}

export function useMe(): Me | null {
  const [me, setMe] = useState<Me | null>(() => currentMe());
  useEffect(() => {
    setMe(currentMe());
    return subscribeMe(setMe);
  }, []);
  return me;
}
