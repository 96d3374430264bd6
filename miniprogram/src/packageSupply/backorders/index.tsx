/** 我的缺货登记 (customer; staff see their customers'): waiting, filled (with the orders), cancel while waiting. */
import Taro, { useDidShow } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { BackOrder } from '@dinghuo/shared/supply';
import { BACK_ORDER_STATUS_LABELS } from '@dinghuo/shared/supplyLabels';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { formatDateTime } from '@/utils/format';

export default function BackOrdersPage() {
  const [items, setItems] = useState<BackOrder[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    call('supply', 'backOrders', { page: 1, pageSize: 50 })
      .then((p) => setItems(p.items))
      .catch(setError);
  }, []);
  useDidShow(load);

  const cancel = (b: BackOrder) =>
    call('supply', 'backOrderCancel', { backOrderId: b._id })
      .then(load)
      .catch((e: unknown) => void Taro.showModal({ title: '取消失败', content: messageOf(e), showCancel: false }));

  return (
    <View className='page' data-testid='backorders'>
      {error && !items ? <ErrorState error={error} onRetry={load} /> : null}
      {!error && !items ? <Loading /> : null}
      {items?.length === 0 ? <Empty text='没有缺货登记' /> : null}
      {items?.map((b) => (
        <View key={b._id} className='card' data-testid='backorder-card'>
          <View className='row row--between'>
            <Text>
              {b.name} {b.spec}
            </Text>
            <Text className='muted'>{BACK_ORDER_STATUS_LABELS[b.status]}</Text>
          </View>
          <Text className='muted'>
            登记 {b.qty}
            {b.baseUnit} · 已补 {b.filledQty} · {formatDateTime(b.createdAt)}
          </Text>
          {b.orderIds.map((id) => (
            <Text key={id} className='muted' onClick={() => void Taro.navigateTo({ url: `/packageOrder/detail/index?id=${encodeURIComponent(id)}` })}>
              补货订单 ›
            </Text>
          ))}
          {b.status === 'waiting' ? (
            <Button size='mini' onClick={() => void cancel(b)}>
              取消登记
            </Button>
          ) : null}
        </View>
      ))}
    </View>
  );
}
