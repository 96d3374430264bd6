/**
 * 货款回笼与提成 in the compiled weapp build: the month's totals, each merchandiser's commission,
 * the receipts by customer and by method; an empty month says so; ‹ loads the month before; a
 * failed load offers 重试.
 */
import { fail, ok, setupWeapp, waitFor } from './harness';

const report = (month: string, withReceipts: boolean) => ({
  month,
  period: { firstDate: `${month}-01`, lastDate: `${month}-28` },
  receipts: [],
  byCustomer: withReceipts
    ? [
        { customerId: 'cus_hualian', customerCode: 'C001', customerName: '华联超市', merchandiserName: '王敏', count: 2, receivedFen: 150000, allocatedFen: 150000, onAccountFen: 0 },
        { customerId: 'cus_yonghui', customerCode: 'C002', customerName: '永辉便利', merchandiserName: '王敏', count: 1, receivedFen: 20000, allocatedFen: 15000, onAccountFen: 5000 },
      ]
    : [],
  byMethod: withReceipts
    ? [
        { method: 'bank', methodLabel: '银行转账', count: 2, receivedFen: 160000 },
        { method: 'cash', methodLabel: '现金', count: 1, receivedFen: 10000 },
      ]
    : [],
  commissions: withReceipts
    ? [{ merchandiserId: 'stf_wang', merchandiserName: '王敏', customerCount: 2, receiptCount: 3, receivedFen: 170000, rateBp: 100, rateLabel: '1%', commissionFen: 1700 }]
    : [],
  totals: withReceipts
    ? { count: 3, receivedFen: 170000, allocatedFen: 165000, onAccountFen: 5000, commissionFen: 1700 }
    : { count: 0, receivedFen: 0, allocatedFen: 0, onAccountFen: 0, commissionFen: 0 },
  generatedAt: 0,
});

let failNext = false;
const months: string[] = [];
const h = setupWeapp({
  auth: () => ok({ openid: 'w', role: 'merchandiser', name: '王敏', staff: { _id: 'stf_wang', name: '王敏' } }),
  report: (action, input) => {
    if (action !== 'receiptsReport') throw new Error(`unexpected report.${action}`);
    if (failNext) {
      failNext = false;
      return fail('INTERNAL', '服务暂时不可用，请稍后再试');
    }
    months.push(input.month);
    // The month opened first has receipts; the one before it none.
    return ok(report(input.month, months.length === 1));
  },
});

const text = (p: { dom: { textContent: string } }) => p.dom.textContent.replace(/\s+/g, '');

// miniprogram-simulate renders a page once per file: the tests go on on the same page.
let page: any;

test('the month: totals, commission per merchandiser, by customer, by method; the month before has none', async () => {
  page = await h.load('packageReport/receipts/index');
  await waitFor(() => text(page).includes('本月回款'));
  const shown = text(page);
  expect(shown).toContain('本月回款（3笔）');
  expect(shown).toContain('¥1,700.00');
  // one commission, two customers, two methods
  expect(page.querySelectorAll('.statement__line')).toHaveLength(5);
  expect(shown).toContain('王敏·¥1,700.00×1%¥17.00');
  expect(shown).toContain('华联超市（2笔）¥1,500.00');
  expect(shown).toContain('永辉便利（1笔）¥200.00');
  expect(shown).toContain('银行转账（2笔）¥1,600.00');
  expect(shown).toContain('现金（1笔）¥100.00');

  const [first] = months;
  page.querySelectorAll('.statement__arrow')[0].dispatchEvent('tap');
  await waitFor(() => months.length === 2 && text(page).includes('本月没有回款'));
  const [y, m] = first!.split('-').map(Number) as [number, number];
  expect(months[1]).toBe(m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`);
  expect(page.querySelectorAll('.statement__line')).toHaveLength(0);
});

test('a failed load offers 重试, which loads the month again', async () => {
  failNext = true;
  const before = months.length;
  page.querySelectorAll('.statement__arrow')[0].dispatchEvent('tap');
  const retry = await waitFor(() => page.querySelector('.state__button'));
  expect(text(page)).not.toContain('本月回款');
  expect(months).toHaveLength(before);
  retry.dispatchEvent('tap');
  await waitFor(() => months.length === before + 1 && text(page).includes('本月回款'));
});
