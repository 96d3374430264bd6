import { checkTransition, nextStatuses, ORDER_TRANSITIONS, OrderStatus, TERMINAL_STATUSES, type Role } from '../src';
import { timelineLabel } from '../src/labels';

const ROLES: Role[] = ['customer', 'merchandiser', 'admin'];

describe('order status machine', () => {
  it('follows the happy path for staff', () => {
    const path: [OrderStatus, OrderStatus][] = [
      ['submitted', 'confirmed'],
      ['confirmed', 'ready_to_ship'],
      ['ready_to_ship', 'shipped'],
      ['shipped', 'delivered'],
      ['delivered', 'completed'],
    ];
    for (const [from, to] of path) expect(checkTransition(from, to, 'merchandiser', { madeToOrder: false }).ok).toBe(true);
  });

  it('allows in_production only for make-to-order orders', () => {
    expect(checkTransition('confirmed', 'in_production', 'merchandiser', { madeToOrder: true }).ok).toBe(true);
    expect(checkTransition('confirmed', 'in_production', 'merchandiser', { madeToOrder: false })).toEqual({ ok: false, reason: 'not_made_to_order' });
  });

  it('lets a customer cancel only while submitted, and never confirm', () => {
    expect(checkTransition('submitted', 'cancelled', 'customer', { madeToOrder: false }).ok).toBe(true);
    expect(checkTransition('confirmed', 'cancelled', 'customer', { madeToOrder: false })).toEqual({ ok: false, reason: 'role' });
    expect(checkTransition('submitted', 'confirmed', 'customer', { madeToOrder: false })).toEqual({ ok: false, reason: 'role' });
  });

  it('has no way out of a terminal state, for anyone', () => {
    for (const from of TERMINAL_STATUSES) {
      for (const role of ROLES) expect(nextStatuses(from, role, { madeToOrder: true })).toEqual([]);
    }
  });

  it('rejects every pair not in the table (exhaustive)', () => {
    const legal = new Set(ORDER_TRANSITIONS.map((t) => `${t.from}>${t.to}`));
    for (const from of OrderStatus.options) {
      for (const to of OrderStatus.options) {
        const r = checkTransition(from, to, 'admin', { madeToOrder: true });
        expect(r.ok).toBe(legal.has(`${from}>${to}`));
      }
    }
  });

  it('releases stock on cancel/reject and consumes it on shipping only', () => {
    for (const t of ORDER_TRANSITIONS) {
      if (t.to === 'cancelled' || t.to === 'rejected') expect(t.reservation).toBe('release');
      else if (t.to === 'shipped') expect(t.reservation).toBe('consume');
      else expect(t.reservation).toBe('keep');
    }
  });
});

describe('timeline labels', () => {
  it('shows the new status for a status change, else the kind of event', () => {
    expect(timelineLabel({ event: 'status', status: 'shipped' })).toBe('已发货');
    expect(timelineLabel({ event: 'expedite' })).toBe('催单');
    expect(timelineLabel({ event: 'status' })).toBe('状态');
  });
});
