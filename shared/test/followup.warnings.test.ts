import {
  businessDate,
  bucketsOf,
  classifyOrders,
  orderWarnings,
  type OrderStatus,
  type WarningInput,
} from '@dinghuo/shared';

/** An instant given as Shanghai wall-clock time (UTC+8, no DST). */
const sh = (y: number, m: number, d: number, hh = 12, mm = 0, ss = 0) => Date.UTC(y, m - 1, d, hh - 8, mm, ss);

const order = (over: Partial<WarningInput> = {}): WarningInput => ({
  status: 'confirmed',
  dueDate: null,
  lastChangeAt: sh(2026, 3, 5, 9),
  openExceptions: 0,
  ...over,
});

describe('orderWarnings: business days in Asia/Shanghai', () => {
  // 2026-03-05 is a Thursday.
  const thursdayNoon = sh(2026, 3, 5, 12);

  it('counts an order due today as due soon, not overdue', () => {
    const w = orderWarnings(order({ dueDate: '2026-03-05' }), thursdayNoon);
    expect(w).toMatchObject({ overdue: false, dueSoon: true, daysToDue: 0 });
  });

  it('is overdue from 00:00 Shanghai of the next day, while it is still the due day in UTC', () => {
    const justAfterMidnight = sh(2026, 3, 6, 0, 30); // 2026-03-05T16:30Z
    expect(new Date(justAfterMidnight).toISOString().slice(0, 10)).toBe('2026-03-05');
    expect(businessDate(justAfterMidnight)).toBe('2026-03-06');
    const w = orderWarnings(order({ dueDate: '2026-03-05' }), justAfterMidnight);
    expect(w).toMatchObject({ overdue: true, dueSoon: false, daysToDue: -1 });
  });

  it('is still the due day one second before midnight Shanghai', () => {
    const w = orderWarnings(order({ dueDate: '2026-03-05' }), sh(2026, 3, 5, 23, 59, 59));
    expect(w).toMatchObject({ overdue: false, dueSoon: true, daysToDue: 0 });
  });

  it('counts an early-morning Shanghai instant (previous day in UTC) as the Shanghai day', () => {
    // 07:00 Shanghai on the 8th is 23:00 UTC on the 7th: due on the 8th is due today, not tomorrow.
    const w = orderWarnings(order({ dueDate: '2026-03-08' }), sh(2026, 3, 8, 7));
    expect(w.daysToDue).toBe(0);
  });

  it('counts weekends as days: Thursday → Sunday is due soon, Thursday → Monday is not', () => {
    expect(orderWarnings(order({ dueDate: '2026-03-08' }), thursdayNoon)).toMatchObject({ dueSoon: true, daysToDue: 3 });
    expect(orderWarnings(order({ dueDate: '2026-03-09' }), thursdayNoon)).toMatchObject({ dueSoon: false, overdue: false, daysToDue: 4 });
  });

  it('counts across a month end and a year end', () => {
    expect(orderWarnings(order({ dueDate: '2026-03-02' }), sh(2026, 2, 27, 10)).daysToDue).toBe(3);
    expect(orderWarnings(order({ dueDate: '2027-01-01' }), sh(2026, 12, 31, 23, 30)).daysToDue).toBe(1);
    expect(orderWarnings(order({ dueDate: '2026-12-31' }), sh(2027, 1, 1, 0, 5)).overdue).toBe(true);
  });

  it('is stuck after N calendar days without change, counted in Shanghai days', () => {
    const now = sh(2026, 3, 5, 0, 1);
    expect(orderWarnings(order({ lastChangeAt: sh(2026, 3, 1, 23, 59) }), now).stuck).toBe(true); // 4 days
    expect(orderWarnings(order({ lastChangeAt: sh(2026, 3, 2, 23, 59) }), now).stuck).toBe(true); // 3 days
    expect(orderWarnings(order({ lastChangeAt: sh(2026, 3, 3, 0, 0) }), now).stuck).toBe(false); // 2 days
  });

  it('takes the stuck threshold from the options (config.stuckAfterDays)', () => {
    const o = order({ lastChangeAt: sh(2026, 3, 1, 10) }); // 4 days before
    const now = sh(2026, 3, 5, 10);
    expect(orderWarnings(o, now, { stuckAfterDays: 5 }).stuck).toBe(false);
    expect(orderWarnings(o, now, { stuckAfterDays: 4 }).stuck).toBe(true);
    expect(orderWarnings(o, now, { stuckAfterDays: 1 }).stuck).toBe(true);
  });

  it('never warns about due dates or stuckness once the goods have left or the order is closed', () => {
    const closed: OrderStatus[] = ['shipped', 'delivered', 'completed', 'cancelled', 'rejected'];
    for (const status of closed) {
      const w = orderWarnings(order({ status, dueDate: '2026-02-01', lastChangeAt: sh(2026, 1, 1) }), sh(2026, 3, 5));
      expect({ status, overdue: w.overdue, dueSoon: w.dueSoon, stuck: w.stuck }).toEqual({ status, overdue: false, dueSoon: false, stuck: false });
    }
  });

  it('flags open exceptions whatever the status, and submitted orders as awaiting review', () => {
    expect(orderWarnings(order({ status: 'shipped', openExceptions: 2 }), sh(2026, 3, 5)).hasOpenExceptions).toBe(true);
    expect(orderWarnings(order({ status: 'shipped', openExceptions: 0 }), sh(2026, 3, 5)).hasOpenExceptions).toBe(false);
    expect(orderWarnings(order({ status: 'submitted' }), sh(2026, 3, 5)).awaitingReview).toBe(true);
    expect(orderWarnings(order({ status: 'confirmed' }), sh(2026, 3, 5)).awaitingReview).toBe(false);
  });

  it('lists the buckets an order is in', () => {
    const w = orderWarnings(
      order({ status: 'submitted', dueDate: '2026-03-01', lastChangeAt: sh(2026, 2, 20), openExceptions: 1 }),
      sh(2026, 3, 5),
    );
    expect(bucketsOf(w)).toEqual(['overdue', 'stuck', 'awaitingReview', 'exceptions']);
    expect(bucketsOf(orderWarnings(order({ dueDate: '2026-03-20' }), sh(2026, 3, 5, 10)))).toEqual([]);
  });
});

describe('classifyOrders', () => {
  const now = sh(2026, 3, 5, 10);
  const mk = (id: string, over: Partial<WarningInput> & { createdAt?: number }) => ({
    _id: id,
    createdAt: over.createdAt ?? sh(2026, 3, 1),
    ...order(over),
  });

  it('puts each order in its buckets, most urgent first', () => {
    const orders = [
      mk('a', { dueDate: '2026-03-03' }),
      mk('b', { dueDate: '2026-02-27' }),
      mk('c', { dueDate: '2026-03-05' }),
      mk('d', { dueDate: '2026-03-07' }),
      mk('e', { status: 'submitted', createdAt: sh(2026, 3, 4), lastChangeAt: sh(2026, 3, 4) }),
      mk('f', { status: 'submitted', createdAt: sh(2026, 3, 2), lastChangeAt: sh(2026, 3, 2) }),
      mk('g', { status: 'in_production', lastChangeAt: sh(2026, 2, 20), dueDate: '2026-03-30' }),
      mk('h', { status: 'shipped', openExceptions: 1, lastChangeAt: sh(2026, 3, 4) }),
      mk('i', { status: 'confirmed', openExceptions: 3, dueDate: '2026-04-01' }),
    ];
    const b = classifyOrders(orders, now);
    const ids = (k: keyof typeof b) => b[k].map((o) => o._id);
    expect(ids('overdue')).toEqual(['b', 'a']);
    expect(ids('dueSoon')).toEqual(['c', 'd']);
    expect(ids('stuck')).toEqual(['g', 'f']);
    expect(ids('awaitingReview')).toEqual(['f', 'e']);
    expect(ids('exceptions')).toEqual(['i', 'h']);
  });

  it('uses the stuck threshold it is given', () => {
    const orders = [mk('x', { lastChangeAt: sh(2026, 3, 3) })];
    expect(classifyOrders(orders, now, { stuckAfterDays: 2 }).stuck).toHaveLength(1);
    expect(classifyOrders(orders, now, { stuckAfterDays: 3 }).stuck).toHaveLength(0);
  });
});
