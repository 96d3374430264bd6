/**
 * 登记收款 (staff): a customer's payment — amount, method, date, reference — paid to its unpaid
 * orders (automatically, oldest shipped first, or to the orders and amounts chosen) with the rest
 * kept on account (预收). One request id per form, so a retried submit records it once.
 */
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { Button, Input, Picker, Text, View } from '@tarojs/components';
import { useCallback, useRef, useState } from 'react';
import type { ReceiptForm } from '@dinghuo/shared/reportApi';
import { RECEIPT_METHODS, RECEIPT_METHOD_LABELS, type ReceiptMethodKey } from '@dinghuo/shared/receiptLabels';
import { formatFen, parseYuanToFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { codeOf, messageOf } from '@/api/errors';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { businessDateAfter } from '@/utils/format';
import { newRequestId } from '@/utils/requestId';
import './index.scss';

type Mode = 'auto' | 'orders' | 'account';
const MODE_LABELS: Record<Mode, string> = { auto: '自动核销', orders: '指定订单', account: '全部计入预收' };

export default function ReceiptPage() {
  const router = useRouter();
  const customerId = router.params.customerId ? decodeURIComponent(router.params.customerId) : '';
  const today = businessDateAfter(0);
  const [form, setForm] = useState<ReceiptForm | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<ReceiptMethodKey>('bank');
  const [date, setDate] = useState(today);
  const [reference, setReference] = useState('');
  const [mode, setMode] = useState<Mode>('auto');
  const [shares, setShares] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const requestId = useRef(newRequestId());

  const load = useCallback(() => {
    if (!customerId) return;
    setError(null);
    call('report', 'receiptForm', { customerId }).then(setForm).catch(setError);
  }, [customerId]);
  useDidShow(load);

  if (!customerId) return <Empty text='客户不存在' />;
  if (error && !form) return <ErrorState error={error} onRetry={load} />;
  if (!form) return <Loading />;

  const amountFen = parseYuanToFen(amount);
  const allocations = Object.entries(shares)
    .map(([orderId, text]) => ({ orderId, amountFen: parseYuanToFen(text) ?? 0 }))
    .filter((a) => a.amountFen > 0);
  const allocated = allocations.reduce((n, a) => n + a.amountFen, 0);

  const submit = () => {
    if (saving) return;
    if (!amountFen || amountFen <= 0) return void Taro.showToast({ title: '请填写收款金额', icon: 'none' });
    setSaving(true);
    call('report', 'recordReceipt', {
      requestId: requestId.current,
      customerId,
      amountFen,
      method,
      date,
      reference: reference.trim(),
      mode,
      allocations: mode === 'orders' ? allocations : [],
    })
      .then((r) => {
        requestId.current = newRequestId();
        setAmount('');
        setReference('');
        setShares({});
        const onAccount = r.onAccountFen > 0 ? `，预收 ${formatFen(r.onAccountFen)}` : '';
        void Taro.showToast({ title: `已登记 ${formatFen(r.amountFen)}${onAccount}`, icon: 'none' });
        load();
      })
      .catch((e: unknown) => {
        if (codeOf(e) !== 'NETWORK') requestId.current = newRequestId();
        void Taro.showToast({ title: messageOf(e), icon: 'none' });
      })
      .finally(() => setSaving(false));
  };

  const c = form.customer;
  return (
    <View className='page' data-testid='receipt-form'>
      <View className='card'>
        <View className='section-title'>
          {c.name}（{c.code}）
        </View>
        <View className='row row--between'>
          <Text className='muted'>未回款</Text>
          <Text className='price' data-testid='rc-outstanding'>{formatFen(c.outstandingFen)}</Text>
        </View>
        <View className='row row--between'>
          <Text className='muted'>预收余额</Text>
          <Text data-testid='rc-on-account'>{formatFen(c.onAccountFen)}</Text>
        </View>
      </View>
      <View className='card'>
        <View className='rc-field'>
          <Text className='rc-label'>金额（元）</Text>
          <Input className='rc-input' type='digit' placeholder='0.00' value={amount} data-testid='rc-amount' onInput={(e) => setAmount(String(e.detail.value))} />
        </View>
        <View className='rc-field'>
          <Text className='rc-label'>方式</Text>
          <View className='rc-chips'>
            {RECEIPT_METHODS.map((m) => (
              <Text key={m} className={`chip ${m === method ? 'chip--on' : ''}`} data-testid='rc-method' onClick={() => setMethod(m)}>
                {RECEIPT_METHOD_LABELS[m]}
              </Text>
            ))}
          </View>
        </View>
        <View className='rc-field'>
          <Text className='rc-label'>到账日期</Text>
          <Picker mode='date' value={date} end={today} onChange={(e) => setDate(String(e.detail.value))}>
            <Text data-testid='rc-date'>{date} ›</Text>
          </Picker>
        </View>
        <View className='rc-field'>
          <Text className='rc-label'>参考号</Text>
          <Input className='rc-input' placeholder='银行流水号/票号（选填）' maxlength={60} value={reference} onInput={(e) => setReference(String(e.detail.value))} />
        </View>
        <View className='rc-field'>
          <Text className='rc-label'>核销</Text>
          <View className='rc-chips'>
            {(Object.keys(MODE_LABELS) as Mode[]).map((m) => (
              <Text key={m} className={`chip ${m === mode ? 'chip--on' : ''}`} data-testid='rc-mode' onClick={() => setMode(m)}>
                {MODE_LABELS[m]}
              </Text>
            ))}
          </View>
        </View>
        {mode === 'orders' ? (
          <Text className='muted'>
            已分配 {formatFen(allocated)}
            {amountFen ? `，余 ${formatFen(Math.max(0, amountFen - allocated))} 计入预收` : ''}
          </Text>
        ) : null}
        <Button className='btn-primary rc-submit' disabled={saving} loading={saving} data-testid='rc-submit' onClick={submit}>
          登记收款
        </Button>
      </View>
      <View className='card'>
        <View className='section-title'>未付订单（{form.openOrders.length}）</View>
        {form.openOrders.length === 0 ? <Text className='muted'>没有未付订单，收款将计入预收</Text> : null}
        {form.openOrders.map((o) => (
          <View key={o.orderId} className='rc-order' data-testid='rc-order'>
            <View className='row row--between'>
              <Text>{o.orderNo}</Text>
              <Text className='muted'>{o.statusLabel}</Text>
            </View>
            <View className='row row--between'>
              <Text className='muted'>
                {o.shippedDate ? `${o.shippedDate} 发货` : `${o.createdDate} 下单`} · 已付 {formatFen(o.paidFen)}
              </Text>
              <Text className='price'>未付 {formatFen(o.unpaidFen)}</Text>
            </View>
            {mode === 'orders' ? (
              <View className='row row--between'>
                <Input
                  className='rc-input rc-share'
                  type='digit'
                  placeholder='本次核销金额'
                  value={shares[o.orderId] ?? ''}
                  data-testid='rc-share'
                  onInput={(e) => setShares((s) => ({ ...s, [o.orderId]: String(e.detail.value) }))}
                />
                <Text className='rc-fill' onClick={() => setShares((s) => ({ ...s, [o.orderId]: (o.unpaidFen / 100).toFixed(2) }))}>
                  付清
                </Text>
              </View>
            ) : null}
          </View>
        ))}
      </View>
      <View className='card'>
        <View className='section-title'>最近收款</View>
        {form.recent.length === 0 ? <Text className='muted'>暂无收款记录</Text> : null}
        {form.recent.map((r) => (
          <View key={r._id} className='rc-order' data-testid='rc-recent'>
            <View className='row row--between'>
              <Text>
                {r.date} · {RECEIPT_METHOD_LABELS[r.method]}
              </Text>
              <Text className='price'>{formatFen(r.amountFen)}</Text>
            </View>
            <Text className='muted'>
              {r.allocations.map((a) => `${a.orderNo} ${formatFen(a.amountFen)}`).join('，') || '—'}
              {r.onAccountFen > 0 ? ` · 预收 ${formatFen(r.onAccountFen)}` : ''}
              {r.reference ? ` · ${r.reference}` : ''}
            </Text>
          </View>
        ))}
      </View>
    </View>
  );
}
