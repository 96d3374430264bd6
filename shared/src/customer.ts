import { z } from 'zod';
import { Id, Role } from './ids';
import { Fen } from './money';

export const Address = z.object({
  id: Id,
  contact: z.string().min(1).max(20),
  phone: z.string().min(5).max(20),
  address: z.string().min(1).max(120),
  isDefault: z.boolean().default(false),
});
export type Address = z.infer<typeof Address>;

export const Customer = z.object({
  _id: Id,
  code: z.string().min(1).max(40),
  name: z.string().min(1).max(60),
  levelId: Id,
  merchandiserId: Id,
  /** 信用额度; null means no limit. */
  creditLimitFen: Fen.nullable().default(null),
  invitationCode: z.string().min(4).max(32),
  /** The invitation code was revoked in the back office: nobody can bind with it. */
  invitationRevoked: z.boolean().optional(),
  addresses: z.array(Address).default([]),
  active: z.boolean().default(true),
  /** 客户优先级 0–9 (larger goes first when stock is short; missing = 0). See supply.ts. */
  priority: z.number().int().min(0).max(9).optional(),
  /** 区域, for the key-customers-by-region report (missing = 未分区). */
  region: z.string().max(20).optional(),
});
export type Customer = z.infer<typeof Customer>;

/**
 * The customer's account (one per customer, same _id): the counter that orders, cancels and
 * payments change, kept apart from the customer (master data that imports write), and changed
 * only by increments. `holds[orderId]` is the amount an order booked, set by the booking itself
 * (idempotent per order, and a booking whose answer was lost can be found); it goes when the
 * order stops owing (cancelled, rejected, paid).
 */
export const Account = z.object({
  _id: Id,
  /** Ordered and not yet paid (live orders' totals minus payments). */
  outstandingFen: z.number().int().default(0),
  /** Received and not allocated to an order (预收), kept by the functions from receipts (increments). */
  onAccountFen: z.number().int().optional(),
  holds: z.record(z.string(), z.number().int()).optional(),
});
export type Account = z.infer<typeof Account>;

/** Staff: merchandisers (跟单员) and supplier admins. */
export const Staff = z.object({
  _id: Id,
  name: z.string().min(1).max(20),
  role: z.enum(['merchandiser', 'admin']),
  phone: z.string().max(20).default(''),
  /** The merchandiser's commission (提成) in basis points of amounts received; absent: the default. */
  commissionRateBp: z.number().int().min(0).max(10000).optional(),
});
export type Staff = z.infer<typeof Staff>;

/** A WeChat user (by openid) and what it is bound to. */
export const User = z.object({
  _id: z.string().min(1).max(128),
  role: Role,
  customerId: Id.optional(),
  staffId: Id.optional(),
  name: z.string().max(40).default(''),
  boundAt: z.number().int().optional(),
  /** The invitation code a customer's user bound with (the customer's own or one of its extra codes). */
  invitationCode: z.string().max(32).optional(),
});
export type User = z.infer<typeof User>;

/**
 * An extra invitation code of a customer (collection invitations, the code is the id, so two
 * customers can never hold one code): besides the customer's own invitationCode, an admin may
 * hand out several (one per store, per person) and revoke each on its own.
 */
export interface Invitation {
  _id: string;
  customerId: string;
  createdAt: number;
  /** staff id of the admin who made it */
  createdBy: string;
  revoked: boolean;
  revokedAt?: number;
}

/** The caller, resolved from the trusted context and the users collection. */
export type Caller =
  | { kind: 'anonymous'; openid: string }
  | { kind: 'customer'; openid: string; customerId: string; name: string }
  | { kind: 'merchandiser'; openid: string; staffId: string; name: string }
  | { kind: 'admin'; openid: string; staffId: string; name: string };
