import { z } from 'zod';
import { ROLES, ROLE_LABELS } from './labels';

/** A document id: short, printable, no path separators. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_\-:.]+$/, 'id 只能包含字母、数字和 _-:.');
export type Id = z.infer<typeof Id>;

/** Epoch milliseconds. */
export const Timestamp = z.number().int().min(0);

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Re-exported from the zod-free labels module (the back office's first load imports it from there). */
export { ROLE_LABELS };

/** Who did something, as recorded on timelines and nodes. */
export const Actor = z.object({
  openid: z.string().optional(),
  role: z.union([Role, z.literal('system')]),
  name: z.string(),
});
export type Actor = z.infer<typeof Actor>;

export const SYSTEM_ACTOR: Actor = { role: 'system', name: '系统' };

/** Page through lists; Cloudbase returns at most 100 records to a client, 1000 to a function. */
export const PageInput = z.object({
  page: z.number().int().min(1).max(10000).default(1),
  pageSize: z.number().int().min(1).max(100).default(20),
});
export type PageInput = z.infer<typeof PageInput>;

export interface Page<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  hasMore: boolean;
}
