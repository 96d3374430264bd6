/**
 * 登记收款 (staff): a customer's payment — amount, method, date, reference — paid to its unpaid
 * orders (automatically, oldest shipped first, or to the orders and amounts chosen) with the rest
 * kept on account (预收). One request id per form, so a retried submit records it once.
 * 冲抵预收: money already on account is applied to the unpaid orders later (oldest shipped first,
 * or the amounts entered per order); the server checks the balance and computes everything.
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
  const [applyMode, setApplyMode] = useState<'auto' | 'orders'>('auto');
  const [applyAmount, setApplyAmount] = useState('');
  const [applyShares, setApplyShares] = useState<Record<string, string>>({});
  const [applying, setApplying] = useState(false);
  const applyRequestId = useRef(newRequestId());

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

  const applyAllocations = Object.entries(applyShares)
    .map(([orderId, text]) => ({ orderId, amountFen: parseYuanToFen(text) ?? 0 }))
    .filter((a) => a.amountFen > 0);
  const applyAmountFen = applyAmount.trim() ? parseYuanToFen(applyAmount) : null;

  const apply = () => {
    if (applying) return;
    if (applyMode === 'orders' && applyAllocations.length === 0) return void Taro.showToast({ title: '请填写各订单的冲抵金额', icon: 'none' });
    if (applyMode === 'auto' && applyAmount.trim() && !(applyAmountFen && applyAmountFen > 0)) return void Taro.showToast({ title: '冲抵金额有误', icon: 'none' });
    setApplying(true);
    call('report', 'applyOnAccount', {
      requestId: applyRequestId.current,
      customerId,
      mode: applyMode,
      ...(applyMode === 'auto' && applyAmountFen ? { amountFen: applyAmountFen } : {}),
      allocations: applyMode === 'orders' ? applyAllocations : [],
    })
      .then((a) => {
        applyRequestId.current = newRequestId();
        setApplyAmount('');
        setApplyShares({});
        void Taro.showToast({ title: `已冲抵 ${formatFen(a.amountFen)}`, icon: 'none' });
        load();
      })
      .catch((e: unknown) => {
        if (codeOf(e) !== 'NETWORK') applyRequestId.current = newRequestId();
        void Taro.showToast({ title: messageOf(e), icon: 'none' });
      })
      .finally(() => setApplying(false));
  };

  const c = form.customer;
  const canApply = c.onAccountFen > 0 && form.openOrders.length > 0;
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
      {canApply ? (
        <View className='card' data-testid='rc-apply'>
          <View className='section-title'>冲抵预收</View>
          <Text className='muted'>预收余额 {formatFen(c.onAccountFen)} 可冲抵未付订单</Text>
          <View className='rc-field'>
            <Text className='rc-label'>方式</Text>
            <View className='rc-chips'>
              {(['auto', 'orders'] as const).map((m) => (
                <Text key={m} className={`chip ${m === applyMode ? 'chip--on' : ''}`} data-testid='rc-apply-mode' onClick={() => setApplyMode(m)}>
                  {m === 'auto' ? '按账龄自动' : '指定订单'}
                </Text>
              ))}
            </View>
          </View>
          {applyMode === 'auto' ? (
            <View className='rc-field'>
              <Text className='rc-label'>金额（元）</Text>
              <Input className='rc-input' type='digit' placeholder='不填则冲抵全部余额' value={applyAmount} data-testid='rc-apply-amount' onInput={(e) => setApplyAmount(String(e.detail.value))} />
            </View>
          ) : (
            <Text className='muted'>在下方未付订单中填写冲抵金额，合计 {formatFen(applyAllocations.reduce((n, a) => n + a.amountFen, 0))}</Text>
          )}
          <Button className='btn-primary rc-submit' disabled={applying} loading={applying} data-testid='rc-apply-submit' onClick={apply}>
            冲抵预收
          </Button>
        </View>
      ) : null}
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
            {canApply && applyMode === 'orders' ? (
              <View className='row row--between'>
                <Input
                  className='rc-input rc-share'
                  type='digit'
                  placeholder='冲抵预收金额'
                  value={applyShares[o.orderId] ?? ''}
                  data-testid='rc-apply-share'
                  onInput={(e) => setApplyShares((s) => ({ ...s, [o.orderId]: String(e.detail.value) }))}
                />
                <Text className='rc-fill' onClick={() => setApplyShares((s) => ({ ...s, [o.orderId]: (Math.min(o.unpaidFen, c.onAccountFen) / 100).toFixed(2) }))}>
                  用预收付
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
      {form.applications.length > 0 ? (
        <View className='card'>
          <View className='section-title'>最近冲抵</View>
          {form.applications.map((a) => (
            <View key={a._id} className='rc-order' data-testid='rc-application'>
              <View className='row row--between'>
                <Text>{a.date} · 冲抵预收</Text>
                <Text className='price'>{formatFen(a.amountFen)}</Text>
              </View>
              <Text className='muted'>{a.allocations.map((x) => `${x.orderNo} ${formatFen(x.amountFen)}`).join('，')}</Text>
            </View>
          ))}
        </View>
      ) : null}
    </View>
  );
}
