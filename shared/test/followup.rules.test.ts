import {
  advanceableNodes,
  canMoveAfterSales,
  checkNodeAdvance,
  customerTimeline,
  defaultPlan,
  DomainError,
  emptyNodes,
  findTransition,
  monthTotals,
  NODE_KEYS,
  nodeActualAt,
  notificationLabel,
  OrderStatus,
  orderLeadTimeDays,
  reviewPlan,
  startOfBusinessDate,
  statusImpliedByNode,
  type NodeKey,
} from '@dinghuo/shared';

const sh = (y: number, m: number, d: number, hh = 12, mm = 0) => Date.UTC(y, m - 1, d, hh - 8, mm);

function codeOf(fn: () => unknown): string | null {
  try {
    fn();
    return null;
  } catch (e) {
    return e instanceof DomainError ? e.code : 'NOT_A_DOMAIN_ERROR';
  }
}

describe('reviewPlan', () => {
  it('defaults to the lead-time plan', () => {
    expect(reviewPlan('2026-03-05', 7, null)).toEqual(defaultPlan('2026-03-05', 7, null));
    const p = reviewPlan('2026-03-05', 7, null);
    expect(p.dueDate).toBe('2026-03-12');
    expect(p.planned.shipment).toBe('2026-03-12');
    expect(p.planned.qc).toBe('2026-03-11');
  });

  it('follows a later date the customer asked for', () => {
    expect(reviewPlan('2026-03-05', 3, '2026-03-20').dueDate).toBe('2026-03-20');
  });

  it('moves the later nodes with a due date set by hand', () => {
    const p = reviewPlan('2026-03-05', 10, null, { dueDate: '2026-03-08' });
    expect(p.dueDate).toBe('2026-03-08');
    expect(p.planned).toMatchObject({
      shipment: '2026-03-08',
      qc: '2026-03-07',
      delivery: '2026-03-10',
      payment: '2026-04-09',
      review: '2026-03-05',
    });
    // production and materials are pulled in so that they are not after QC
    expect(p.planned.production <= p.planned.qc).toBe(true);
    expect(p.planned.materials <= p.planned.production).toBe(true);
  });

  it('puts QC on the review day when the due date is the review day', () => {
    const p = reviewPlan('2026-03-05', 3, null, { dueDate: '2026-03-05' });
    expect(p.planned.qc).toBe('2026-03-05');
    expect(p.planned.production).toBe('2026-03-05');
  });

  it('takes node dates set by hand over the defaults', () => {
    const p = reviewPlan('2026-03-05', 3, null, { planned: { materials: '2026-03-06', production: '2026-03-07' } });
    expect(p.planned.materials).toBe('2026-03-06');
    expect(p.planned.production).toBe('2026-03-07');
    expect(p.planned.shipment).toBe(defaultPlan('2026-03-05', 3, null).planned.shipment);
  });

  it('refuses a due date or a planned date before the review day', () => {
    expect(codeOf(() => reviewPlan('2026-03-05', 3, null, { dueDate: '2026-03-04' }))).toBe('DUE_DATE_INVALID');
    expect(codeOf(() => reviewPlan('2026-03-05', 3, null, { planned: { qc: '2026-03-01' } }))).toBe('PLAN_INVALID');
    expect(codeOf(() => reviewPlan('2026-03-05', 3, null, { planned: { intake: '2026-03-01' } }))).toBeNull();
  });
});

describe('orderLeadTimeDays', () => {
  it('is the longest lead time, 3 days for unknown SKUs', () => {
    expect(orderLeadTimeDays([3, 15, 5])).toBe(15);
    expect(orderLeadTimeDays([undefined])).toBe(3);
    expect(orderLeadTimeDays([0, 1])).toBe(1);
  });
});

describe('checkNodeAdvance', () => {
  const at = (status: OrderStatus, done: NodeKey[] = ['intake', 'review'], madeToOrder = false) => ({
    status,
    madeToOrder,
    nodes: emptyNodes().map((n) => (done.includes(n.key) ? { ...n, actualAt: 1 } : n)),
  });
  const code = (o: ReturnType<typeof at>, k: NodeKey) => codeOf(() => checkNodeAdvance(o, k));

  it('moves the status where the node implies it', () => {
    expect(checkNodeAdvance(at('confirmed'), 'qc').to).toBe('ready_to_ship');
    expect(checkNodeAdvance(at('in_production', ['intake', 'review'], true), 'qc').to).toBe('ready_to_ship');
    expect(checkNodeAdvance(at('ready_to_ship'), 'shipment').to).toBe('shipped');
    expect(checkNodeAdvance(at('shipped'), 'delivery').to).toBe('delivered');
    expect(checkNodeAdvance(at('delivered'), 'payment').to).toBe('completed');
    expect(checkNodeAdvance(at('confirmed', ['intake', 'review'], true), 'production').to).toBe('in_production');
  });

  it('records nodes without a status of their own without moving the status', () => {
    expect(checkNodeAdvance(at('confirmed'), 'materials').to).toBeNull();
    expect(checkNodeAdvance(at('confirmed'), 'production').to).toBeNull(); // not made to order
    expect(checkNodeAdvance(at('shipped'), 'shipment').to).toBeNull(); // shipped without the node
  });

  it('refuses nodes out of order, done twice, on closed orders, and the automatic ones', () => {
    expect(code(at('submitted', ['intake']), 'materials')).toBe('NODE_OUT_OF_ORDER');
    expect(code(at('confirmed'), 'shipment')).toBe('NODE_OUT_OF_ORDER');
    expect(code(at('ready_to_ship'), 'delivery')).toBe('NODE_OUT_OF_ORDER');
    expect(code(at('shipped'), 'payment')).toBe('NODE_OUT_OF_ORDER');
    expect(code(at('confirmed', ['intake', 'review', 'qc']), 'qc')).toBe('NODE_ALREADY_DONE');
    expect(code(at('cancelled'), 'materials')).toBe('ILLEGAL_TRANSITION');
    expect(code(at('rejected'), 'qc')).toBe('ILLEGAL_TRANSITION');
    expect(code(at('confirmed'), 'review')).toBe('NODE_INVALID');
    expect(code(at('confirmed'), 'intake')).toBe('NODE_INVALID');
  });

  it('only ever implies a legal transition of the status table', () => {
    for (const status of OrderStatus.options) {
      for (const madeToOrder of [true, false]) {
        for (const key of NODE_KEYS) {
          let to: OrderStatus | null = null;
          try {
            to = checkNodeAdvance(at(status, [], madeToOrder), key).to;
          } catch {
            continue;
          }
          if (to !== null) expect(findTransition(status, to)).toBeDefined();
          expect(to).toBe(statusImpliedByNode(key, status, madeToOrder));
        }
      }
    }
  });

  it('lists the nodes that may be recorded now', () => {
    expect(advanceableNodes(at('confirmed'))).toEqual(['materials', 'production', 'qc']);
    expect(advanceableNodes(at('ready_to_ship', ['intake', 'review', 'materials', 'qc']))).toEqual(['production', 'shipment']);
    expect(advanceableNodes(at('submitted', ['intake']))).toEqual([]);
  });
});

describe('nodeActualAt', () => {
  const now = sh(2026, 3, 6, 0, 30); // 2026-03-05T16:30Z: already the 6th in Shanghai

  it('is now for today (in Shanghai) or no date', () => {
    expect(nodeActualAt('2026-03-06', now)).toBe(now);
    expect(nodeActualAt(null, now)).toBe(now);
  });

  it('is noon Shanghai of an earlier day', () => {
    expect(nodeActualAt('2026-03-05', now)).toBe(startOfBusinessDate('2026-03-05') + 12 * 3600_000);
    expect(new Date(nodeActualAt('2026-03-05', now)).toISOString()).toBe('2026-03-05T04:00:00.000Z');
  });

  it('refuses a future day', () => {
    expect(codeOf(() => nodeActualAt('2026-03-07', now))).toBe('DATE_IN_FUTURE');
  });
});

describe('notificationLabel', () => {
  it('says whether the customer was told', () => {
    expect(notificationLabel({ status: 'sent' }).text).toBe('客户已通知');
    expect(notificationLabel({ status: 'failed' }).text).toBe('通知失败');
    expect(notificationLabel(null).text).toBe('未通知');
    expect(notificationLabel({ status: 'no_quota' }).tone).toBe('none');
    expect(notificationLabel({ status: 'pending' }).tone).toBe('pending');
  });
});

describe('canMoveAfterSales', () => {
  it('follows the after-sales table', () => {
    expect(canMoveAfterSales('open', 'accepted')).toBe(true);
    expect(canMoveAfterSales('open', 'rejected')).toBe(true);
    expect(canMoveAfterSales('accepted', 'resolved')).toBe(true);
    expect(canMoveAfterSales('open', 'resolved')).toBe(false);
    expect(canMoveAfterSales('resolved', 'open')).toBe(false);
    expect(canMoveAfterSales('rejected', 'accepted')).toBe(false);
  });
});

describe('monthTotals', () => {
  it('sums live orders placed in the month only', () => {
    const orders = [
      { status: 'confirmed' as const, createdMonth: '2026-03', totalFen: 1000 },
      { status: 'completed' as const, createdMonth: '2026-03', totalFen: 250 },
      { status: 'cancelled' as const, createdMonth: '2026-03', totalFen: 9999 },
      { status: 'rejected' as const, createdMonth: '2026-03', totalFen: 7777 },
      { status: 'shipped' as const, createdMonth: '2026-02', totalFen: 5000 },
    ];
    expect(monthTotals(orders, '2026-03')).toEqual({ totalFen: 1250, count: 2 });
    expect(monthTotals(orders, '2026-02')).toEqual({ totalFen: 5000, count: 1 });
  });
});

describe('customerTimeline', () => {
  it("hides the merchandiser's exceptions and chases, keeps everything else in order", () => {
    const by = { role: 'merchandiser' as const, name: '王敏' };
    const t = [
      { at: 1, event: 'status' as const, by, note: '客户提交订单' },
      { at: 2, event: 'exception' as const, by, note: '缺料' },
      { at: 3, event: 'node' as const, by, note: '备料完成' },
      { at: 4, event: 'expedite' as const, by, note: '催单' },
      { at: 5, event: 'after_sales' as const, by, note: '售后' },
    ];
    expect(customerTimeline(t).map((e) => e.at)).toEqual([1, 3, 5]);
  });
});
