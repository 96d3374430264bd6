/** 发货 (one delivery of 分批发货) and 改单 forms of the follow detail page. */
import { Button, Input, Picker, Text, View } from '@tarojs/components';
import { useState } from 'react';
import type { FollowDetail } from '@dinghuo/shared/followupApi';
import { call } from '@/api/client';
import { businessDateAfter } from '@/utils/format';

type Run = (work: () => Promise<FollowDetail>, done?: string) => Promise<boolean>;

/** Base units still to ship per SKU (the order's lines minus its deliveries). */
function unshipped(d: FollowDetail): { skuId: string; name: string; spec: string; baseUnit: string; left: number }[] {
  const shipped = new Map<string, number>();
  for (const s of d.shipments ?? []) for (const l of s.lines) shipped.set(l.skuId, (shipped.get(l.skuId) ?? 0) + l.qty);
  const out = new Map<string, { skuId: string; name: string; spec: string; baseUnit: string; left: number }>();
  for (const l of d.lines) {
    const row = out.get(l.skuId) ?? { skuId: l.skuId, name: l.name, spec: l.spec, baseUnit: l.baseUnit, left: -(shipped.get(l.skuId) ?? 0) };
    row.left += l.qty;
    out.set(l.skuId, row);
  }
  return [...out.values()].filter((r) => r.left > 0);
}

const toInt = (v: string) => (/^\d+$/.test(v.trim()) ? Number(v.trim()) : NaN);

export function ShipForm({ detail, busy, run, onCancel }: { detail: FollowDetail; busy: boolean; run: Run; onCancel: () => void }) {
  const rows = unshipped(detail);
  const [qty, setQty] = useState<Record<string, string>>(() => Object.fromEntries(rows.map((r) => [r.skuId, String(r.left)])));
  const [carrier, setCarrier] = useState('');
  const [trackingNo, setTrackingNo] = useState('');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const submit = () => {
    const lines = rows.map((r) => ({ skuId: r.skuId, qty: toInt(qty[r.skuId] ?? '0') })).filter((l) => l.qty !== 0);
    if (lines.some((l) => Number.isNaN(l.qty))) return setError('数量请填写整数');
    if (lines.length === 0) return setError('请至少发一种商品');
    if (!carrier.trim() || !trackingNo.trim()) return setError('请填写物流公司和物流单号');
    setError('');
    void run(
      () => call('followup', 'ship', { orderId: detail._id, lines, carrier: carrier.trim(), trackingNo: trackingNo.trim(), note: note.trim() }),
      '已发货',
    );
  };
  return (
    <View className='card' data-testid='ship-form'>
      <View className='section-title'>发货（可分批）</View>
      {rows.map((r) => (
        <View key={r.skuId} className='fd-field row row--between'>
          <Text>
            {r.name} {r.spec}（未发 {r.left}
            {r.baseUnit}）
          </Text>
          <Input className='fd-qty' type='number' data-testid='ship-qty' data-sku={r.skuId} value={qty[r.skuId]} onInput={(e) => setQty((q) => ({ ...q, [r.skuId]: String(e.detail.value) }))} />
        </View>
      ))}
      <Input className='fd-input' data-testid='ship-carrier' placeholder='物流公司（如 顺丰）' maxlength={20} value={carrier} onInput={(e) => setCarrier(String(e.detail.value))} />
      <Input className='fd-input' data-testid='ship-tracking' placeholder='物流单号' maxlength={40} value={trackingNo} onInput={(e) => setTrackingNo(String(e.detail.value))} />
      <Input className='fd-input' placeholder='备注（选填）' maxlength={100} value={note} onInput={(e) => setNote(String(e.detail.value))} />
      {error ? <Text className='error-text'>{error}</Text> : null}
      <View className='row fd-row-buttons'>
        <Button className='fd-button' size='mini' onClick={onCancel}>
          取消
        </Button>
        <Button className='btn-primary fd-button' size='mini' disabled={busy} data-testid='ship-submit' onClick={submit}>
          确认发货
        </Button>
      </View>
    </View>
  );
}

/** 改单: counts per line (0 removes the line), the 交期, and why; the server reprices. */
export function ChangeForm({ detail, busy, run, onCancel }: { detail: FollowDetail; busy: boolean; run: Run; onCancel: () => void }) {
  const key = (l: { skuId: string; unit: string }) => `${l.skuId}|${l.unit}`;
  const [counts, setCounts] = useState<Record<string, string>>(() => Object.fromEntries(detail.lines.map((l) => [key(l), String(l.count)])));
  const [dueDate, setDueDate] = useState(detail.dueDate ?? '');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  const submit = () => {
    const lines = detail.lines.map((l) => ({ skuId: l.skuId, unit: l.unit, count: toInt(counts[key(l)] ?? '0') })).filter((l) => l.count !== 0);
    if (lines.some((l) => Number.isNaN(l.count))) return setError('数量请填写整数');
    if (lines.length === 0) return setError('至少保留一种商品；不要了请取消订单');
    if (!reason.trim()) return setError('请填写改单原因');
    setError('');
    void run(
      () =>
        call('followup', 'changeOrder', {
          orderId: detail._id,
          lines,
          ...(dueDate && dueDate !== detail.dueDate ? { dueDate } : {}),
          reason: reason.trim(),
        }),
      '已改单',
    );
  };
  return (
    <View className='card' data-testid='change-form'>
      <View className='section-title'>改单</View>
      <Text className='muted fd-block'>数量填 0 即删除该行；保存后按当前价格重新计价，并通知客户。</Text>
      {detail.lines.map((l) => (
        <View key={key(l)} className='fd-field row row--between'>
          <Text>
            {l.name} {l.spec}（{l.unit === 'case' ? l.caseUnit : l.baseUnit}）
          </Text>
          <Input className='fd-qty' type='number' data-testid='change-count' data-sku={l.skuId} value={counts[key(l)]} onInput={(e) => setCounts((c) => ({ ...c, [key(l)]: String(e.detail.value) }))} />
        </View>
      ))}
      {detail.status !== 'submitted' ? (
        <Picker mode='date' value={dueDate || businessDateAfter(0)} start={businessDateAfter(0)} onChange={(e) => setDueDate(String(e.detail.value))}>
          <View className='fd-field row row--between' data-testid='change-due'>
            <Text>交期</Text>
            <Text className='fd-field__value'>{dueDate || '未定'} ›</Text>
          </View>
        </Picker>
      ) : null}
      <Input className='fd-input' data-testid='change-reason' placeholder='改单原因（必填，客户可见）' maxlength={100} value={reason} onInput={(e) => setReason(String(e.detail.value))} />
      {error ? <Text className='error-text'>{error}</Text> : null}
      <View className='row fd-row-buttons'>
        <Button className='fd-button' size='mini' onClick={onCancel}>
          取消
        </Button>
        <Button className='btn-primary fd-button' size='mini' disabled={busy} data-testid='change-submit' onClick={submit}>
          保存改单
        </Button>
      </View>
    </View>
  );
}
