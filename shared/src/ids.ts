import { z } from 'zod';

/** A document id: short, printable, no path separators. */
export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_\-:.]+$/, 'id 只能包含字母、数字和 _-:.');
export type Id = z.infer<typeof Id>;

/** Epoch milliseconds. */
export const Timestamp = z.number().int().min(0);

export const Role = z.enum(['customer', 'merchandiser', 'admin']);
export type Role = z.infer<typeof Role>;

export const ROLE_LABELS: Record<Role, string> = {
  customer: '客户',
  merchandiser: '跟单员',
  admin: '管理员',
};

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
