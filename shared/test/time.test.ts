import fc from 'fast-check';
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc';
import { addDays, businessDate, businessMonth, daysBetween, formatWechatTime, isBusinessDate, startOfBusinessDate } from '../src';

describe('business time is Asia/Shanghai', () => {
  it('puts 16:00 UTC on the next Shanghai day', () => {
    expect(businessDate(Date.UTC(2026, 10, 24, 15, 59))).toBe('2026-11-24');
    expect(businessDate(Date.UTC(2026, 10, 24, 16, 0))).toBe('2026-11-25');
  });

  it('gives every instant its Shanghai date, however the instants asked for jump around midnights', () => {
    dayjs.extend(utc);
    const midnight = Date.UTC(2026, 10, 24, 16, 0); // 2026-11-25 00:00 in Shanghai
    const instant = fc.oneof(
      fc.integer({ min: -3, max: 3 }).chain((d) => fc.integer({ min: -2, max: 2 }).map((ms) => midnight + d * 86_400_000 + ms)),
      fc.integer({ min: 0, max: 4_102_444_800_000 }),
    );
    fc.assert(
      fc.property(fc.array(instant, { minLength: 1, maxLength: 30 }), (instants) => {
        for (const at of instants) {
          const expected = dayjs(at).utcOffset(480).format('YYYY-MM-DD');
          expect(businessDate(at)).toBe(expected);
          expect(businessDate(new Date(at))).toBe(expected);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('rolls months and years at Shanghai midnight', () => {
    expect(businessMonth(Date.UTC(2026, 10, 30, 16, 0))).toBe('2026-12');
    expect(businessDate(Date.UTC(2026, 11, 31, 16, 30))).toBe('2027-01-01');
  });

  it('counts calendar days across months and leap days', () => {
    expect(daysBetween('2026-11-25', '2026-11-28')).toBe(3);
    expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
    expect(daysBetween('2026-12-01', '2026-11-30')).toBe(-1);
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
  });

  it('starts a business date at 16:00 UTC of the day before', () => {
    expect(new Date(startOfBusinessDate('2026-11-25')).toISOString()).toBe('2026-11-24T16:00:00.000Z');
  });

  it('validates dates strictly', () => {
    expect(isBusinessDate('2026-02-29')).toBe(false);
    expect(isBusinessDate('2028-02-29')).toBe(true);
    expect(isBusinessDate('2026-1-5')).toBe(false);
  });

  it('formats WeChat time fields in Shanghai time', () => {
    expect(formatWechatTime(Date.UTC(2026, 9, 1, 7, 1))).toBe('2026年10月1日 15:01');
  });
});
