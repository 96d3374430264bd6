import { z } from 'zod';

/** Money is integer fen (分), never floating point. */
export const Fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export type Fen = z.infer<typeof Fen>;

/** A discount in basis points of the list price: 10000 = no discount, 9500 = 95%. */
export const DiscountBp = z.number().int().min(0).max(10000);

export { multiplyFen, applyDiscountBp, formatFen, parseYuanToFen } from './fen';
