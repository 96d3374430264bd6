/**
 * 样品单详情: staff send it (courier, tracking number, cost); the customer approves or rejects it
 * (批板); an approved sample becomes an order of its SKUs.
 */
import Taro, { useDidShow, useRouter } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { useCallback, useEffect, useState } from 'react';
import type { Sample } from '@dinghuo/shared/samples';
import { SAMPLE_STATUS_LABELS } from '@dinghuo/shared/supplyLabels';
import { formatFen, parseYuanToFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { currentMe, loadMe } from '@/store/session';
import type { Me } from '@dinghuo/shared/api';
import { ErrorState, Loading } from '@/components/StateView';
import { formatDateTime } from '@/utils/format';

export default function SamplePage() {
  const id = decodeURIComponent(useRouter().params.id ?? '');
  const [s, setS] = useState<Sample | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [form, setForm] = useState({ company: '', trackingNo: '', cost: '', note: '' });
  const [counts, setCounts] = useState<Record<string, string>>({});
  const [me, setMe] = useState<Me | null>(currentMe());
  useEffect(() => {
    loadMe().then(setMe).catch(() => undefined);
  }, []);
  const staff = me?.role === 'merchandiser' || me?.role === 'admin';

  const load = useCallback(() => {
    setError(null);
    call('supply', 'sampleDetail', { sampleId: id }).then(setS).catch(setError);
  }, [id]);
  useDidShow(load);

  const run = (p: Promise<Sample>, done = '已更新') =>
    p
      .then((next) => {
        setS(next);
        void Taro.showToast({ title: done, icon: 'success' });
      })
      .catch((e: unknown) => void Taro.showModal({ title: '操作失败', content: messageOf(e), showCancel: false }));

  if (!s) return <View className='page'>{error ? <ErrorState error={error} onRetry={load} /> : <Loading />}</View>;

  const send = () => {
    const costFen = parseYuanToFen(form.cost || '0');
    if (costFen === null) return void Taro.showToast({ title: '快递费格式不正确', icon: 'none' });
    void run(call('supply', 'sampleSend', { sampleId: s._id, company: form.company, trackingNo: form.trackingNo, costFen }), '已寄出');
  };
  const order = () => {
    const address = me?.customer?.addresses.find((a) => a.isDefault) ?? me?.customer?.addresses[0];
    const lines = s.items
      .map((i) => ({ skuId: i.skuId, unit: 'piece' as const, count: Number(counts[i.skuId] ?? 0) || 0 }))
      .filter((l) => l.count > 0);
    if (!address || lines.length === 0) return void Taro.showToast({ title: '请填写下单数量', icon: 'none' });
    call('supply', 'sampleOrder', { sampleId: s._id, lines, addressId: address.id })
      .then((r) => {
        setS(r.sample);
        void Taro.navigateTo({ url: `/packageOrder/detail/index?id=${encodeURIComponent(r.order._id)}` });
      })
      .catch((e: unknown) => void Taro.showModal({ title: '下单失败', content: messageOf(e), showCancel: false }));
  };

  return (
    <View className='page' data-testid='sample-detail'>
      <View className='card'>
        <View className='row row--between'>
          <Text>{s.sampleNo}</Text>
          <Text data-testid='sample-status'>{SAMPLE_STATUS_LABELS[s.status]}</Text>
        </View>
        <Text className='muted'>
          {s.customerName} · {s.requestedBy.name} 申请于 {formatDateTime(s.requestedAt)}
        </Text>
        {s.note ? <Text className='muted'>备注：{s.note}</Text> : null}
        {s.items.map((i) => (
          <View key={i.skuId} className='row row--between'>
            <Text>
              {i.name} {i.spec}
            </Text>
            <Text>
              样品 {i.qty}
              {i.baseUnit}
            </Text>
            {s.status === 'approved' && me?.role === 'customer' ? (
              <Input
                type='number'
                placeholder='下单数量'
                data-testid='sample-order-count'
                style={{ width: '160rpx' }}
                value={counts[i.skuId] ?? ''}
                onInput={(e) => setCounts((c) => ({ ...c, [i.skuId]: String(e.detail.value) }))}
              />
            ) : null}
          </View>
        ))}
        {s.courier ? (
          <Text className='muted' data-testid='sample-courier'>
            {s.courier.company} {s.courier.trackingNo} · 快递费 {formatFen(s.courier.costFen)} · {formatDateTime(s.courier.sentAt)}
          </Text>
        ) : null}
        {s.decision ? (
          <Text className='muted'>
            批板：{s.decision.approved ? '通过' : '未通过'} {s.decision.note}（{s.decision.by.name}）
          </Text>
        ) : null}
      </View>

      {s.status === 'requested' && staff ? (
        <View className='card'>
          <Input placeholder='快递公司' data-testid='sample-company' value={form.company} onInput={(e) => setForm({ ...form, company: String(e.detail.value) })} />
          <Input placeholder='快递单号' data-testid='sample-tracking' value={form.trackingNo} onInput={(e) => setForm({ ...form, trackingNo: String(e.detail.value) })} />
          <Input type='digit' placeholder='快递费(元)' data-testid='sample-cost' value={form.cost} onInput={(e) => setForm({ ...form, cost: String(e.detail.value) })} />
          <Button className='btn-primary' data-testid='sample-send' onClick={send}>
            寄出样品
          </Button>
        </View>
      ) : null}
      {s.status === 'sent' ? (
        <View className='card'>
          <Input placeholder='批板意见（选填）' value={form.note} onInput={(e) => setForm({ ...form, note: String(e.detail.value) })} />
          <View className='row'>
            <Button size='mini' className='btn-primary sample-approve' data-testid='sample-approve' onClick={() => void run(call('supply', 'sampleDecide', { sampleId: s._id, approved: true, note: form.note }), '已批板')}>
              批板通过
            </Button>
            <Button size='mini' onClick={() => void run(call('supply', 'sampleDecide', { sampleId: s._id, approved: false, note: form.note }), '已退板')}>
              不通过
            </Button>
          </View>
        </View>
      ) : null}
      {s.status === 'approved' && me?.role === 'customer' ? (
        <View className='card'>
          <Button className='btn-primary' data-testid='sample-order' onClick={order}>
            按样品下单
          </Button>
        </View>
      ) : null}
      {s.status === 'requested' ? (
        <Button size='mini' onClick={() => void run(call('supply', 'sampleCancel', { sampleId: s._id }), '已取消')}>
          取消样品单
        </Button>
      ) : null}
    </View>
  );
}
