import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, Textarea, View } from '@tarojs/components';
import { useCallback, useEffect, useState } from 'react';
import type { OrderDetail } from '@dinghuo/shared/api';
import type { AfterSalesKind } from '@dinghuo/shared/afterSales';
import { ORDER_STATUS_LABELS } from '@dinghuo/shared/labels';
import { AFTER_SALES_KIND_LABELS, AFTER_SALES_STATUS_LABELS } from '@dinghuo/shared/afterSalesLabels';
import { formatFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { cart } from '@/store/cart';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { LineList } from '@/components/LineList';
import { Timeline } from '@/components/Timeline';
import { formatDateTime } from '@/utils/format';
import { Deliveries } from '@/components/Deliveries';
import { ChangeRequestForm } from './changeForm';
import './index.scss';

const KINDS: AfterSalesKind[] = ['return', 'redelivery', 'complaint'];

function AfterSalesForm({ orderId, onDone }: { orderId: string; onDone: () => void }) {
  const [kind, setKind] = useState<AfterSalesKind>('return');
  const [description, setDescription] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const submit = () => {
    if (busy) return;
    if (!description.trim()) {
      setError('请填写问题描述');
      return;
    }
    setBusy(true);
    setError('');
    call('order', 'afterSalesCreate', { orderId, kind, description: description.trim() })
      .then(() => {
        void Taro.showToast({ title: '已提交售后申请', icon: 'success' });
        onDone();
      })
      .catch((e: unknown) => setError(messageOf(e)))
      .finally(() => setBusy(false));
  };
  return (
    <View className='card' data-testid='after-sales-form'>
      <View className='section-title'>申请售后</View>
      <View className='row'>
        {KINDS.map((k) => (
          <Text key={k} className={`chip ${k === kind ? 'chip--on' : ''}`} data-kind={k} onClick={() => setKind(k)}>
            {AFTER_SALES_KIND_LABELS[k]}
          </Text>
        ))}
      </View>
      <Textarea
        className='detail__textarea'
        placeholder='请描述问题（必填，最多500字）'
        maxlength={500}
        value={description}
        onInput={(e) => setDescription(String(e.detail.value))}
      />
      {error ? <Text className='error-text'>{error}</Text> : null}
      <Button className='btn-primary' disabled={busy || undefined} loading={busy} onClick={submit}>
        提交申请
      </Button>
    </View>
  );
}

export default function OrderDetailPage() {
  const router = useRouter();
  const orderId = router.params.id ? decodeURIComponent(router.params.id) : '';
  const [order, setOrder] = useState<OrderDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [showAfterSales, setShowAfterSales] = useState(false);
  const [showChange, setShowChange] = useState(false);

  const load = useCallback(() => {
    setError(null);
    if (!orderId) {
      setError(null);
      return;
    }
    call('order', 'detail', { orderId }).then(setOrder).catch(setError);
  }, [orderId]);
  useEffect(load, [load]);

  const act = async (confirmText: string | null, run: () => Promise<void>) => {
    if (busy) return;
    if (confirmText) {
      const r = await Taro.showModal({ title: '提示', content: confirmText });
      if (!r.confirm) return;
    }
    setBusy(true);
    try {
      await run();
    } catch (e) {
      void Taro.showModal({ title: '操作失败', content: messageOf(e), showCancel: false });
    } finally {
      setBusy(false);
    }
  };

  if (!orderId) return <Empty text='订单不存在' />;
  if (error && !order) return <ErrorState error={error} onRetry={load} />;
  if (!order) return <Loading />;

  const cancel = () =>
    act('确定取消这个订单吗？', async () => {
      setOrder(await call('order', 'cancel', { orderId: order._id, reason: '' }));
      void Taro.showToast({ title: '订单已取消', icon: 'success' });
    });
  const confirmReceipt = () =>
    act('确认已收到货物吗？', async () => {
      setOrder(await call('order', 'confirmReceipt', { orderId: order._id }));
      void Taro.showToast({ title: '已确认收货', icon: 'success' });
    });
  const receiveDelivery = (no: number) =>
    act(`确认已收到第${no}批货物吗？`, async () => {
      setOrder(await call('order', 'receiveDelivery', { orderId: order._id, no }));
      void Taro.showToast({ title: '已确认收货', icon: 'success' });
    });
  const reorder = () =>
    act(null, async () => {
      const res = await call('order', 'reorder', { orderId: order._id });
      cart.merge(res.lines);
      if (res.dropped.length > 0) {
        await Taro.showModal({
          title: '部分商品未加入',
          content: res.dropped.map((d) => `${d.name}：${d.reason}`).join('\n'),
          showCancel: false,
        });
      }
      void Taro.switchTab({ url: '/pages/cart/index' });
    });

  const timeline = [...order.timeline].sort((a, b) => b.at - a.at);

  return (
    <View className='page detail' data-testid='order-detail'>
      <View className='card'>
        <View className='row row--between'>
          <Text className='detail__status' data-testid='detail-status'>
            {ORDER_STATUS_LABELS[order.status]}
          </Text>
          <Text className='price'>{formatFen(order.totalFen)}</Text>
        </View>
        <Text className='muted detail__block' data-testid='detail-order-no'>
          订单号 {order.orderNo}
        </Text>
        <Text className='muted detail__block'>下单时间 {formatDateTime(order.createdAt)}</Text>
        {order.requestedDate ? <Text className='muted detail__block'>期望到货 {order.requestedDate}</Text> : null}
        {order.dueDate ? <Text className='muted detail__block'>交期 {order.dueDate}</Text> : null}
        <Text className='muted detail__block'>跟单员 {order.merchandiser.name}</Text>
      </View>
      <View className='card'>
        <View className='section-title'>收货信息</View>
        <Text className='detail__block'>
          {order.address.contact} {order.address.phone}
        </Text>
        <Text className='muted detail__block'>{order.address.address}</Text>
        {order.remark ? <Text className='muted detail__block'>备注：{order.remark}</Text> : null}
      </View>
      <View className='card'>
        <View className='section-title'>商品</View>
        <LineList lines={order.lines} itemClassName='detail__line' />
      </View>
      <Deliveries shipments={order.shipments ?? []} busy={busy} onReceive={receiveDelivery} />
      {showChange ? (
        <ChangeRequestForm
          order={order}
          onCancel={() => setShowChange(false)}
          onDone={(o) => {
            setShowChange(false);
            setOrder(o);
            void Taro.showToast({ title: '订单已修改', icon: 'success' });
          }}
        />
      ) : null}
      <View className='card' data-testid='timeline'>
        <View className='section-title'>订单进度</View>
        <Timeline entries={timeline} block='detail__tl' titleClassName='detail__tl-title' />
      </View>
      {order.afterSales.length > 0 ? (
        <View className='card'>
          <View className='section-title'>售后</View>
          {order.afterSales.map((a) => (
            <View key={a._id} className='detail__line'>
              <View className='row row--between'>
                <Text>{AFTER_SALES_KIND_LABELS[a.kind]}</Text>
                <Text className='muted'>{AFTER_SALES_STATUS_LABELS[a.status]}</Text>
              </View>
              <Text className='muted'>{a.description}</Text>
            </View>
          ))}
        </View>
      ) : null}
      {showAfterSales ? (
        <AfterSalesForm
          orderId={order._id}
          onDone={() => {
            setShowAfterSales(false);
            load();
          }}
        />
      ) : null}
      <View className='card detail__actions'>
        {order.status === 'submitted' && !showChange ? (
          <Button disabled={busy || undefined} data-testid='change-request' onClick={() => setShowChange(true)}>
            修改订单
          </Button>
        ) : null}
        {order.canCancel ? (
          <Button disabled={busy || undefined} data-testid='cancel-order' onClick={cancel}>
            取消订单
          </Button>
        ) : null}
        {order.canConfirmReceipt ? (
          <Button className='btn-primary' disabled={busy || undefined} data-testid='confirm-receipt' onClick={confirmReceipt}>
            确认收货
          </Button>
        ) : null}
        {order.canAfterSales && !showAfterSales ? (
          <Button disabled={busy || undefined} data-testid='after-sales' onClick={() => setShowAfterSales(true)}>
            申请售后
          </Button>
        ) : null}
        <Button className='btn-primary' disabled={busy || undefined} data-testid='reorder' onClick={reorder}>
          再来一单
        </Button>
      </View>
    </View>
  );
}
