/** The customer's change of its own order while unconfirmed: counts per line (0 removes it) and why. */
import { Button, Input, Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { OrderDetail } from '@dinghuo/shared/api';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';

export function ChangeRequestForm({ order, onDone, onCancel }: { order: OrderDetail; onDone: (o: OrderDetail) => void; onCancel: () => void }) {
  const key = (l: { skuId: string; unit: string }) => `${l.skuId}|${l.unit}`;
  const [counts, setCounts] = useState<Record<string, string>>(() => Object.fromEntries(order.lines.map((l) => [key(l), String(l.count)])));
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = () => {
    if (busy) return;
    const lines = order.lines
      .map((l) => ({ skuId: l.skuId, unit: l.unit, count: /^\d+$/.test((counts[key(l)] ?? '').trim()) ? Number(counts[key(l)]) : NaN }))
      .filter((l) => l.count !== 0);
    if (lines.some((l) => Number.isNaN(l.count))) return setError('数量请填写整数');
    if (lines.length === 0) return setError('至少保留一种商品；不要了请取消订单');
    if (!reason.trim()) return setError('请填写修改原因');
    setBusy(true);
    setError('');
    call('order', 'change', { orderId: order._id, lines, reason: reason.trim() })
      .then(onDone)
      .catch((e: unknown) => setError(messageOf(e)))
      .finally(() => setBusy(false));
  };
  return (
    <View className='card' data-testid='change-request-form'>
      <View className='section-title'>修改订单</View>
      <Text className='muted detail__block'>订单确认前可修改数量（填 0 删除该行），按当前价格重新计价。</Text>
      {order.lines.map((l) => (
        <View key={key(l)} className='row row--between detail__line'>
          <Text>
            {l.name} {l.spec}（{l.unit === 'case' ? l.caseUnit : l.baseUnit}）
          </Text>
          <Input className='detail__qty' type='number' data-testid='change-request-count' value={counts[key(l)]} onInput={(e) => setCounts((c) => ({ ...c, [key(l)]: String(e.detail.value) }))} />
        </View>
      ))}
      <Input className='detail__block' data-testid='change-request-reason' placeholder='修改原因（必填）' maxlength={100} value={reason} onInput={(e) => setReason(String(e.detail.value))} />
      {error ? <Text className='error-text'>{error}</Text> : null}
      <View className='row'>
        <Button size='mini' onClick={onCancel}>
          取消
        </Button>
        <Button className='btn-primary' size='mini' disabled={busy || undefined} data-testid='change-request-submit' onClick={submit}>
          提交修改
        </Button>
      </View>
    </View>
  );
}
