import { DomainError, type Caller, type Me } from '@dinghuo/shared';
import type { Store } from '../data/store';
import { outstandingOf } from './counters';

export async function whoami(store: Store, caller: Caller): Promise<Me> {
  if (caller.kind === 'anonymous') return { openid: caller.openid, role: null, name: '' };
  if (caller.kind === 'customer') {
    const [customer, outstanding] = await Promise.all([store.get('customers', caller.customerId), outstandingOf(store, [caller.customerId])]);
    if (!customer) return { openid: caller.openid, role: null, name: caller.name };
    const level = await store.get('levels', customer.levelId);
    return {
      openid: caller.openid,
      role: 'customer',
      name: caller.name,
      customer: {
        _id: customer._id,
        name: customer.name,
        code: customer.code,
        levelName: level?.name ?? '',
        addresses: customer.addresses,
        creditLimitFen: customer.creditLimitFen,
        outstandingFen: outstanding.get(customer._id) ?? 0,
      },
    };
  }
  const staff = await store.get('staff', caller.staffId);
  return { openid: caller.openid, role: caller.kind, name: caller.name, staff: { _id: caller.staffId, name: staff?.name ?? caller.name } };
}

/** Binds the calling WeChat user to the customer account holding the invitation code. */
export async function bindByInvitation(store: Store, caller: Caller, code: string, now: number): Promise<Me> {
  if (caller.kind !== 'anonymous') throw new DomainError('ALREADY_BOUND');
  // the customer's own code, or one of the extra codes (collection invitations, by id), read together
  const wanted = code.toUpperCase();
  const [[own], extra] = await Promise.all([store.find('customers', { invitationCode: wanted }, { limit: 1 }), store.get('invitations', wanted)]);
  const customer = own ? (own.invitationRevoked ? null : own) : extra && !extra.revoked ? await store.get('customers', extra.customerId) : null;
  if (!customer) throw new DomainError('INVITATION_INVALID');
  if (!customer.active) throw new DomainError('CUSTOMER_INACTIVE');
  await store.transaction(async (tx) => {
    const existing = await tx.get('users', caller.openid);
    if (existing) throw new DomainError('ALREADY_BOUND');
    await tx.insert('users', {
      _id: caller.openid,
      role: 'customer',
      customerId: customer._id,
      name: customer.name,
      boundAt: now,
      invitationCode: wanted,
    });
  });
  return whoami(store, { kind: 'customer', openid: caller.openid, customerId: customer._id, name: customer.name });
}
