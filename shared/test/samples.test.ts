import fc from 'fast-check';
import { cancelSample, decideSample, DomainError, newSample, orderFromSample, SAMPLE_TRANSITIONS, sendSample, type Actor, type Sample, type SampleStatus } from '../src';

const customer: Actor = { role: 'customer', name: '陈经理' };
const merch: Actor = { role: 'merchandiser', name: '王敏' };
const T = Date.UTC(2026, 2, 31, 17, 0); // 2026-04-01 01:00 Shanghai

const base = (): Sample =>
  newSample(
    {
      sampleId: 'smp_1',
      sampleNo: 'YP1',
      customer: { _id: 'cus_a', name: '甲', code: 'C1', merchandiserId: 'stf_1' },
      items: [{ skuId: 'sku_1', skuCode: 'S1', name: '可乐', spec: '', baseUnit: '罐', qty: 2 }],
      note: '',
    },
    customer,
    T,
  );

const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'OK';
  } catch (e) {
    return (e as DomainError).code;
  }
};

describe('samples', () => {
  it('goes requested → sent → approved → ordered, each month in Shanghai time', () => {
    let s = base();
    expect(s.requestedMonth).toBe('2026-04');
    s = { ...s, ...sendSample(s, merch, { company: '顺丰', trackingNo: 'SF1', costFen: 1800 }, T) };
    expect(s.courier).toMatchObject({ costFen: 1800, sentMonth: '2026-04' });
    s = { ...s, ...decideSample(s, customer, true, 'OK', T) };
    s = { ...s, ...orderFromSample(s, customer, [{ skuId: 'sku_1' }], 'o_1', T) };
    expect(s).toMatchObject({ status: 'ordered', orderId: 'o_1' });
    expect(s.history.map((h) => h.status)).toEqual(['requested', 'sent', 'approved', 'ordered']);
  });

  it('a customer cannot send; an order takes only the sample’s SKUs; duplicates are refused', () => {
    const s = base();
    expect(codeOf(() => sendSample(s, customer, { company: 'x', trackingNo: 'y', costFen: 1 }, T))).toBe('FORBIDDEN');
    const approved = { ...s, status: 'approved' as const };
    expect(codeOf(() => orderFromSample(approved, customer, [{ skuId: 'sku_2' }], 'o', T))).toBe('SAMPLE_LINE_INVALID');
    expect(codeOf(() => newSample({ sampleId: 'x', sampleNo: 'x', customer: { _id: 'c', name: 'c', code: 'c', merchandiserId: 'm' }, items: [...s.items, ...s.items], note: '' }, customer, T))).toBe('DUPLICATE_LINE');
  });

  it('every action from every status is legal exactly when the table says so (property)', () => {
    const statuses: SampleStatus[] = ['requested', 'sent', 'approved', 'rejected', 'ordered', 'cancelled'];
    const actions = {
      send: (s: Sample, by: Actor) => sendSample(s, by, { company: 'x', trackingNo: 'y', costFen: 0 }, T),
      approve: (s: Sample, by: Actor) => decideSample(s, by, true, '', T),
      reject: (s: Sample, by: Actor) => decideSample(s, by, false, '', T),
      order: (s: Sample, by: Actor) => orderFromSample(s, by, [{ skuId: 'sku_1' }], 'o', T),
      cancel: (s: Sample, by: Actor) => cancelSample(s, by, '', T),
    } as const;
    fc.assert(
      fc.property(fc.constantFrom(...statuses), fc.constantFrom(...(Object.keys(actions) as (keyof typeof actions)[])), fc.constantFrom(customer, merch), (status, action, by) => {
        const t = SAMPLE_TRANSITIONS[action];
        const result = codeOf(() => actions[action]({ ...base(), status }, by));
        const expected = !t.roles.includes(by.role as never) ? 'FORBIDDEN' : !t.from.includes(status) ? 'SAMPLE_ILLEGAL_TRANSITION' : 'OK';
        expect(result).toBe(expected);
      }),
    );
  });
});
