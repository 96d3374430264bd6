import fc from 'fast-check';
import { businessDate, dueDateRanges, ORDER_STATUSES, orderWarnings, addDays, type OrderStatus } from '../src';

// The counting form of the overdue / due-soon rules agrees with orderWarnings for every order.
test('dueDateRanges counts exactly the orders orderWarnings marks overdue and due soon', () => {
  const now = Date.UTC(2026, 2, 5, 2);
  const today = businessDate(now);
  const r = dueDateRanges(today);
  fc.assert(
    fc.property(fc.constantFrom(...(ORDER_STATUSES as readonly OrderStatus[])), fc.option(fc.integer({ min: -40, max: 40 })), (status, offset) => {
      const dueDate = offset === null ? null : addDays(today, offset);
      const w = orderWarnings({ status, dueDate, lastChangeAt: now, openExceptions: 0 }, now);
      const open = r.openStatuses.includes(status);
      const overdue = open && dueDate !== null && dueDate < r.overdue.$lt;
      const dueSoon = open && dueDate !== null && dueDate >= r.dueSoon.$gte && dueDate <= r.dueSoon.$lte;
      expect([overdue, dueSoon]).toEqual([w.overdue, w.dueSoon]);
    }),
    { numRuns: 500 },
  );
});
