import Taro, { useDidShow, useReachBottom } from '@tarojs/taro';
import { ScrollView, Text, View } from '@tarojs/components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { OrderSummary } from '@dinghuo/shared/api';
import type { OrderStatus } from '@dinghuo/shared/orderStatus';
import { ORDER_STATUS_LABELS } from '@dinghuo/shared/labels';
import { formatFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { GateView, useCustomerGate } from '@/components/Gate';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { H5TabBar } from '@/components/TabBar';
import { formatDateTime } from '@/utils/format';
import './index.scss';

const STATUS_TABS: { status: OrderStatus | undefined; label: string }[] = [
  { status: undefined, label: '全部' },
  { status: 'submitted', label: ORDER_STATUS_LABELS.submitted },
  { status: 'confirmed', label: ORDER_STATUS_LABELS.confirmed },
  { status: 'in_production', label: ORDER_STATUS_LABELS.in_production },
  { status: 'ready_to_ship', label: ORDER_STATUS_LABELS.ready_to_ship },
  { status: 'shipped', label: ORDER_STATUS_LABELS.shipped },
  { status: 'delivered', label: ORDER_STATUS_LABELS.delivered },
  { status: 'completed', label: ORDER_STATUS_LABELS.completed },
  { status: 'cancelled', label: ORDER_STATUS_LABELS.cancelled },
  { status: 'rejected', label: ORDER_STATUS_LABELS.rejected },
];

interface ListState {
  items: OrderSummary[];
  page: number;
  hasMore: boolean;
  loading: boolean;
  error: unknown;
}
const EMPTY: ListState = { items: [], page: 0, hasMore: true, loading: false, error: null };

export default function OrdersPage() {
  const gate = useCustomerGate();
  const ready = gate.state === 'customer';
  const [status, setStatus] = useState<OrderStatus | undefined>(undefined);
  const [list, setList] = useState<ListState>(EMPTY);
  const seq = useRef(0);
  const listRef = useRef(list);
  listRef.current = list;

  const load = useCallback(
    (reset: boolean) => {
      const cur = listRef.current;
      if (!reset && (cur.loading || !cur.hasMore)) return;
      const page = reset ? 1 : cur.page + 1;
      const mine = ++seq.current;
      setList((s) => ({ ...(reset ? { ...EMPTY, items: s.items } : s), loading: true, error: null }));
      call('order', 'list', { page, pageSize: 20, ...(status ? { status } : {}) })
        .then((res) => {
          if (mine !== seq.current) return;
          setList((s) => ({ items: reset ? res.items : [...s.items, ...res.items], page, hasMore: res.hasMore, loading: false, error: null }));
        })
        .catch((e: unknown) => {
          if (mine !== seq.current) return;
          setList((s) => ({ ...s, loading: false, error: e }));
        });
    },
    [status],
  );

  useEffect(() => {
    if (ready) {
      setList(EMPTY);
      load(true);
    }
  }, [ready, load]);
  // Orders change elsewhere (checkout, detail): refresh when coming back.
  const shownOnce = useRef(false);
  useDidShow(() => {
    if (shownOnce.current && ready) load(true);
    shownOnce.current = true;
  });
  useReachBottom(() => {
    if (ready) load(false);
  });

  return (
    <View className='page page--tab orders'>
      {!ready ? (
        <GateView state={gate.state} error={gate.error} retry={gate.retry} />
      ) : (
        <View>
          <ScrollView scrollX className='orders__tabs' enhanced showScrollbar={false}>
            {STATUS_TABS.map((t) => (
              <Text key={t.label} className={`chip ${status === t.status ? 'chip--on' : ''}`} data-testid='status-tab' onClick={() => setStatus(t.status)}>
                {t.label}
              </Text>
            ))}
          </ScrollView>
          {list.items.map((o) => (
            <View
              key={o._id}
              className='card order-card'
              data-testid='order-card'
              data-order={o._id}
              onClick={() => void Taro.navigateTo({ url: `/packageOrder/detail/index?id=${encodeURIComponent(o._id)}` })}
            >
              <View className='row row--between'>
                <Text className='order-card__no'>{o.orderNo}</Text>
                <Text className={`order-card__status status--${o.status}`} data-testid='order-status'>
                  {ORDER_STATUS_LABELS[o.status]}
                </Text>
              </View>
              <Text className='order-card__goods'>
                {o.firstLineName}
                {o.lineCount > 1 ? ` 等${o.lineCount}种商品` : ''}
              </Text>
              <View className='row row--between'>
                <Text className='muted'>{formatDateTime(o.createdAt)}</Text>
                <Text className='price'>{formatFen(o.totalFen)}</Text>
              </View>
            </View>
          ))}
          {list.loading ? <Loading /> : null}
          {!list.loading && list.error && list.items.length === 0 ? <ErrorState error={list.error} onRetry={() => load(true)} /> : null}
          {!list.loading && list.error && list.items.length > 0 ? (
            <View className='orders__more error-text' onClick={() => load(false)}>
              {messageOf(list.error)}，点此重试
            </View>
          ) : null}
          {!list.loading && !list.error && list.items.length === 0 && list.page > 0 ? <Empty text='暂无订单' /> : null}
        </View>
      )}
      <H5TabBar current='orders' />
    </View>
  );
}
