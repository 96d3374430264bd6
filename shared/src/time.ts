import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);

/**
 * Business time is Asia/Shanghai. China has kept UTC+8 without daylight saving since 1991, so
 * the zone is exactly a fixed +08:00 offset; using the offset (not Intl time-zone data) gives
 * the same answer in Node, in browsers and in the WeChat runtime, whose Intl support varies.
 */
export const BUSINESS_TZ = 'Asia/Shanghai';
const SHANGHAI_OFFSET_MINUTES = 8 * 60;

/** A business date: 'YYYY-MM-DD' in Asia/Shanghai. */
export type BusinessDate = string;

export function inShanghai(at: Date | number | string): Dayjs {
  return dayjs(at).utcOffset(SHANGHAI_OFFSET_MINUTES);
}

/**
 * The business day last asked for, as the instants it spans: with a fixed offset every day is
 * exactly 24 h, so any instant in [start, start + 1 day) has the same date. A submit asks for the
 * date of `now` two or three times (order number, created date, due dates), and formatting through
 * dayjs each time was ~3% of a submit's CPU.
 */
let lastDay: { start: number; date: BusinessDate } | null = null;
const DAY_MS = 24 * 60 * 60 * 1000;

export function businessDate(at: Date | number | string): BusinessDate {
  const ms = typeof at === 'number' ? at : at instanceof Date ? at.getTime() : NaN;
  if (lastDay && ms >= lastDay.start && ms < lastDay.start + DAY_MS) return lastDay.date;
  const day = inShanghai(at);
  const date = day.format('YYYY-MM-DD');
  if (Number.isFinite(ms)) lastDay = { start: day.startOf('day').valueOf(), date };
  return date;
}

/** Whole calendar days from `from` to `to` (both business dates); negative when `to` is earlier. */
export function daysBetween(from: BusinessDate, to: BusinessDate): number {
  const a = dayjs.utc(from, 'YYYY-MM-DD');
  const b = dayjs.utc(to, 'YYYY-MM-DD');
  return Math.round(b.diff(a, 'day', true));
}

export function addDays(date: BusinessDate, days: number): BusinessDate {
  return dayjs.utc(date, 'YYYY-MM-DD').add(days, 'day').format('YYYY-MM-DD');
}

export function isBusinessDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = dayjs.utc(text, 'YYYY-MM-DD');
  return d.isValid() && d.format('YYYY-MM-DD') === text;
}

/** The instant a business date starts (00:00 Shanghai), as epoch ms. */
export function startOfBusinessDate(date: BusinessDate): number {
  return dayjs.utc(date, 'YYYY-MM-DD').subtract(SHANGHAI_OFFSET_MINUTES, 'minute').valueOf();
}

/** '2026年11月25日 15:01' — WeChat's `time` field format, Shanghai time. */
export function formatWechatTime(at: Date | number | string): string {
  return inShanghai(at).format('YYYY年M月D日 HH:mm');
}

/** '11-25 15:01' for lists and timelines. */
export function formatShortDateTime(at: Date | number | string): string {
  return inShanghai(at).format('MM-DD HH:mm');
}

/** 'YYYY-MM' of an instant, in Shanghai. */
export function businessMonth(at: Date | number | string): string {
  return inShanghai(at).format('YYYY-MM');
}
