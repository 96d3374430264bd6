import fc from 'fast-check';
import {
  buildOrderStatusMessage,
  classifySendError,
  cleanText,
  consentsGranted,
  isFinalDelivery,
  jobOutcome,
  ORDER_STATUS_LABELS,
  OrderStatus,
  retryDelayMs,
  toAmount,
  toCharacterString,
  toPhrase,
  truncateThing,
  WECHAT_LIMITS,
} from '../src';

const codePoints = (s: string) => Array.from(s).length;
const hasLoneSurrogate = (s: string) => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
const HAN = /\p{Script=Han}/u;

/** Strings mixing Chinese, ASCII, emoji sequences, astral characters, lone surrogates and line breaks. */
const oddText = fc
  .array(
    fc.oneof(
      fc.constantFrom('发', '货', '订', '单', '已', '确', '认', '𠮷', '𩸽', 'A', 'z', '9', ' ', '\n', '\r\n', '\t', '\u3000'),
      fc.constantFrom('😀', '👍🏽', '👨‍👩‍👧', '🇨🇳', '1️⃣', '❤️', '\u200b', '\u202e', '\uFEFF', '\uD83D', '\uDE00', '\u0000', '…', '¥'),
      fc.string({ unit: 'grapheme', maxLength: 3 }),
      fc.string({ unit: 'binary', maxLength: 3 }),
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

describe('thing: at most 20 characters, cut with …', () => {
  it('keeps short text as it is', () => {
    expect(truncateThing('顺丰 SF1234567890')).toBe('顺丰 SF1234567890');
    expect(truncateThing('一二三四五六七八九十一二三四五六七八九十')).toBe('一二三四五六七八九十一二三四五六七八九十');
  });

  it('cuts 21 characters to 19 and …', () => {
    const cut = truncateThing('一二三四五六七八九十一二三四五六七八九十一');
    expect(cut).toBe('一二三四五六七八九十一二三四五六七八九…');
    expect(codePoints(cut)).toBe(20);
  });

  it('turns newlines and tabs into single spaces and trims', () => {
    expect(truncateThing('  第一行\r\n\r\n第二行\t第三行 \n')).toBe('第一行 第二行 第三行');
  });

  it('drops emoji, joiners and invisible characters instead of splitting them', () => {
    expect(truncateThing('已发货😀👍🏽 请查收👨‍👩‍👧')).toBe('已发货 请查收');
    expect(truncateThing('\u200b\u202e隐藏\uFEFF字符')).toBe('隐藏字符');
    expect(truncateThing('1️⃣号仓')).toBe('1号仓');
  });

  it('never splits a surrogate pair and counts an astral character as 2 units', () => {
    const cut = truncateThing('𠮷'.repeat(15));
    expect(hasLoneSurrogate(cut)).toBe(false);
    expect(cut.length).toBeLessThanOrEqual(20);
    expect(cut).toBe('𠮷'.repeat(9) + '…');
  });

  it('gives the fallback for empty, blank or emoji-only text', () => {
    expect(truncateThing('')).toBe('-');
    expect(truncateThing(' \n\t ')).toBe('-');
    expect(truncateThing('😀😀', 20, '订单已发货')).toBe('订单已发货');
  });

  it('for any text: within 20 code points and 20 UTF-16 units, no lone surrogate, no line break, never empty', () => {
    fc.assert(
      fc.property(oddText, (text) => {
        const out = truncateThing(text);
        expect(out.length).toBeGreaterThan(0);
        expect(out.length).toBeLessThanOrEqual(WECHAT_LIMITS.thing);
        expect(codePoints(out)).toBeLessThanOrEqual(WECHAT_LIMITS.thing);
        expect(hasLoneSurrogate(out)).toBe(false);
        expect(out).not.toMatch(/[\r\n\t]/);
        expect(out).not.toMatch(/\p{Extended_Pictographic}/u);
      }),
      { numRuns: 500 },
    );
  });

  it('for any text: the result is a prefix of the cleaned text, with … exactly when cut', () => {
    fc.assert(
      fc.property(oddText, fc.integer({ min: 2, max: 40 }), (text, max) => {
        const clean = cleanText(text);
        const out = truncateThing(text, max);
        if (clean === '') return expect(out).toBe('-');
        if (clean.length <= max) return expect(out).toBe(clean);
        expect(out.endsWith('…')).toBe(true);
        expect(clean.startsWith(out.slice(0, -1))).toBe(true);
        expect(out.length).toBeLessThanOrEqual(max);
      }),
      { numRuns: 500 },
    );
  });
});

describe('character_string: ≤ 32 printable ASCII, no Chinese', () => {
  it('keeps an order number and drops Chinese and spaces', () => {
    expect(toCharacterString('DH26112512345678')).toBe('DH26112512345678');
    expect(toCharacterString('订单 DH-001 号')).toBe('DH-001');
    expect(toCharacterString('中文')).toBe('-');
    expect(toCharacterString('x'.repeat(40))).toBe('x'.repeat(32));
  });

  it('for any text: only \\x21-\\x7e, 1..32 characters', () => {
    fc.assert(
      fc.property(oddText, (text) => {
        const out = toCharacterString(text);
        expect(out).toMatch(/^[\x21-\x7e]{1,32}$/);
      }),
      { numRuns: 500 },
    );
  });
});

describe('phrase: ≤ 5 Chinese characters only', () => {
  it('keeps every status label as it is', () => {
    for (const label of Object.values(ORDER_STATUS_LABELS)) expect(toPhrase(label)).toBe(label);
  });

  it('drops letters, digits and symbols and cuts to 5', () => {
    expect(toPhrase('已发货 OK!')).toBe('已发货');
    expect(toPhrase('一二三四五六七')).toBe('一二三四五');
  });

  it('falls back when there is no Chinese at all', () => {
    expect(toPhrase('shipped')).toBe('更新');
    expect(toPhrase('')).toBe('更新');
    expect(toPhrase('😀 123')).toBe('更新');
  });

  it('for any text: 1..5 Han characters', () => {
    fc.assert(
      fc.property(oddText, (text) => {
        const chars = Array.from(toPhrase(text));
        expect(chars.length).toBeGreaterThanOrEqual(1);
        expect(chars.length).toBeLessThanOrEqual(WECHAT_LIMITS.phrase);
        for (const c of chars) expect(c).toMatch(HAN);
      }),
      { numRuns: 500 },
    );
  });
});

describe('amount: symbol + at most 10 digits', () => {
  it('formats fen without thousands separators', () => {
    expect(toAmount(123456)).toBe('¥1234.56');
    expect(toAmount(5)).toBe('¥0.05');
    expect(toAmount(0)).toBe('¥0.00');
  });

  it('drops the cents above 10 digits and caps huge amounts', () => {
    expect(toAmount(99_999_999_99)).toBe('¥99999999.99');
    expect(toAmount(100_000_000_00)).toBe('¥100000000');
    expect(toAmount(Number.MAX_SAFE_INTEGER)).toBe('¥9999999999');
  });

  it('never shows a negative or non-numeric amount', () => {
    expect(toAmount(-500)).toBe('¥0.00');
    expect(toAmount(Number.NaN)).toBe('¥0.00');
  });

  it('for any integer fen: ¥ and ≤ 10 digits, and the exact value whenever it fits', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e6, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        const out = toAmount(fen);
        expect(out).toMatch(/^¥\d+(\.\d{2})?$/);
        expect(out.replace(/\D/g, '').length).toBeLessThanOrEqual(WECHAT_LIMITS.amountDigits);
        if (fen >= 0 && fen < 10 ** 10) expect(Math.round(Number(out.slice(1)) * 100)).toBe(fen);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the order-status message', () => {
  const at = Date.UTC(2026, 10, 25, 7, 1); // 15:01 in Shanghai

  it('fills every field of the template within its limit', () => {
    const data = buildOrderStatusMessage({ orderNo: 'DH26112500001234', status: 'shipped', amountFen: 1234500, at, note: '顺丰 SF1234567890' });
    expect(data).toEqual({
      character_string1: { value: 'DH26112500001234' },
      phrase2: { value: '已发货' },
      amount3: { value: '¥12345.00' },
      time4: { value: '2026年11月25日 15:01' },
      thing5: { value: '顺丰 SF1234567890' },
    });
  });

  it('writes the time in Shanghai, rolling the date at 16:00 UTC, without zero-padded month and day', () => {
    const data = buildOrderStatusMessage({ orderNo: 'X', status: 'confirmed', amountFen: 1, at: Date.UTC(2026, 0, 4, 16, 5), note: '' });
    expect(data.time4!.value).toBe('2026年1月5日 00:05');
  });

  it('says which status it is when there is no usable note', () => {
    expect(buildOrderStatusMessage({ orderNo: 'X', status: 'rejected', amountFen: 1, at, note: '' }).thing5!.value).toBe('订单已驳回');
    expect(buildOrderStatusMessage({ orderNo: 'X', status: 'confirmed', amountFen: 1, at, note: '\n😀\n' }).thing5!.value).toBe('订单已确认');
  });

  it('for any input: every value within its WeChat limit', () => {
    fc.assert(
      fc.property(
        oddText,
        fc.constantFrom(...OrderStatus.options),
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 4102444800000 }),
        oddText,
        (orderNo, status, amountFen, when, note) => {
          const d = buildOrderStatusMessage({ orderNo, status, amountFen, at: when, note });
          expect(d.character_string1!.value).toMatch(/^[\x21-\x7e]{1,32}$/);
          expect(d.phrase2!.value).toBe(ORDER_STATUS_LABELS[status]);
          expect(d.amount3!.value.replace(/\D/g, '').length).toBeLessThanOrEqual(10);
          expect(d.time4!.value).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
          expect(d.thing5!.value.length).toBeLessThanOrEqual(20);
          expect(d.thing5!.value.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('consent and sending rules', () => {
  it('only accept grants a message', () => {
    expect(consentsGranted('accept')).toBe(1);
    expect(consentsGranted('reject')).toBe(0);
    expect(consentsGranted('ban')).toBe(0);
    expect(consentsGranted('filter')).toBe(0);
  });

  it('ends on the final WeChat errCodes, 43101 as no quota', () => {
    expect(classifySendError(Object.assign(new Error('refused'), { errCode: 43101 }))).toEqual({
      kind: 'final',
      jobStatus: 'no_quota',
      errCode: 43101,
      result: 'errcode:43101',
    });
    for (const code of [47003, 40037, 40003, 41030]) {
      expect(classifySendError({ errCode: code, errMsg: 'x' })).toMatchObject({ kind: 'final', jobStatus: 'failed', result: `errcode:${code}` });
    }
    expect(classifySendError({ errcode: '47003' })).toMatchObject({ kind: 'final', result: 'errcode:47003' });
  });

  it('retries everything else: timeouts, system busy, unknown codes', () => {
    expect(classifySendError(new Error('ETIMEDOUT connect'))).toEqual({ kind: 'transient', result: 'transient:ETIMEDOUT connect' });
    expect(classifySendError({ errCode: -1 })).toEqual({ kind: 'transient', result: 'transient:errcode:-1' });
    expect(classifySendError('boom')).toEqual({ kind: 'transient', result: 'transient:boom' });
    expect(classifySendError(undefined)).toMatchObject({ kind: 'transient' });
  });

  it('backs off exponentially, capped', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 30_000))).toEqual([30_000, 60_000, 120_000, 240_000]);
    expect(retryDelayMs(40, 30_000)).toBe(6 * 3600_000);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 100_000 }), (n, base) => {
        expect(retryDelayMs(n + 1, base)).toBeGreaterThanOrEqual(retryDelayMs(n, base));
      }),
    );
  });

  it('knows which deliveries are final', () => {
    expect(isFinalDelivery({ result: 'sent' })).toBe(true);
    expect(isFinalDelivery({ result: 'errcode:40003' })).toBe(true);
    expect(isFinalDelivery({ result: 'no_consent' })).toBe(false);
    expect(isFinalDelivery({ result: 'transient:busy' })).toBe(false);
  });

  it('decides the job outcome from its deliveries', () => {
    const d = (...results: string[]) => results.map((result) => ({ result }));
    expect(jobOutcome(d('sent'), 1, 5)).toEqual({ status: 'sent', result: 'sent' });
    expect(jobOutcome(d('sent', 'no_consent'), 1, 5)).toEqual({ status: 'sent', result: 'sent:1/2' });
    expect(jobOutcome(d('sent', 'transient:busy'), 1, 5)).toEqual({ status: 'pending', result: 'retry:busy' });
    expect(jobOutcome(d('transient:busy'), 5, 5)).toEqual({ status: 'failed', result: 'max_attempts:busy' });
    expect(jobOutcome(d('sent', 'transient:busy'), 5, 5)).toEqual({ status: 'sent', result: 'sent:1/2' });
    expect(jobOutcome(d('errcode:47003', 'no_consent'), 1, 5)).toEqual({ status: 'failed', result: 'errcode:47003' });
    expect(jobOutcome(d('errcode:43101'), 1, 5)).toEqual({ status: 'no_quota', result: 'errcode:43101' });
    expect(jobOutcome(d('no_consent', 'no_consent'), 1, 5)).toEqual({ status: 'no_quota', result: 'no_consent' });
    expect(jobOutcome([], 1, 5)).toEqual({ status: 'no_quota', result: 'no_recipients' });
  });
});
