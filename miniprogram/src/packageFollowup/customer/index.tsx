/** One customer: this month's ordered amount (Shanghai month), what it still owes, its orders. */
import Taro, { useDidShow, useReachBottom, useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useCallback, useRef, useState } from 'react';
import type { CustomerView } from '@dinghuo/shared/followupApi';
import type { OrderSummary } from '@dinghuo/shared/api';
import { ORDER_STATUS_LABELS } from '@dinghuo/shared/labels';
import { formatFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { formatDateTime } from '@/utils/format';
import './index.scss';

export default function CustomerPage() {
  const router = useRouter();
  const customerId = router.params.id ? decodeURIComponent(router.params.id) : '';
  const [view, setView] = useState<CustomerView | null>(null);
  const [orders, setOrders] = useState<OrderSummary[]>([]);
  const [error, setError] = useState<unknown>(null);
  const state = useRef({ page: 0, hasMore: true, loading: false });

  const load = useCallback(
    (reset: boolean) => {
      const s = state.current;
      if (!customerId || s.loading || (!reset && !s.hasMore)) return;
      const page = reset ? 1 : s.page + 1;
      s.loading = true;
      setError(null);
      call('followup', 'customerView', { customerId, page, pageSize: 20 })
        .then((res) => {
          setView(res);
          setOrders((o) => (reset ? res.orders.items : [...o, ...res.orders.items]));
          Object.assign(s, { page, hasMore: res.orders.hasMore });
          void Taro.setNavigationBarTitle({ title: res.customer.name });
        })
        .catch(setError)
        .finally(() => {
          s.loading = false;
        });
    },
    [customerId],
  );
  useDidShow(() => load(true));
  useReachBottom(() => load(false));

  if (!customerId) return <Empty text='客户不存在' />;
  if (error && !view) return <ErrorState error={error} onRetry={() => load(true)} />;
  if (!view) return <Loading />;
  const c = view.customer;
  return (
    <View className='page' data-testid='customer-view' data-customer={c._id}>
      <View className='card'>
        <View className='row row--between'>
          <Text className='cv__name'>{c.name}</Text>
          <Text className='muted'>{c.levelName}</Text>
        </View>
        <Text className='muted cv__block'>
          {c.code} · 跟单员 {c.merchandiserName}
        </Text>
        <View className='cv__stats'>
          <View className='cv__stat'>
            <Text className='cv__num' data-testid='cv-month'>
              {formatFen(view.monthFen)}
            </Text>
            <Text className='muted'>本月订货（{view.monthOrders}单）</Text>
          </View>
          <View className='cv__stat'>
            <Text className='cv__num cv__num--owe' data-testid='cv-outstanding'>
              {formatFen(view.outstandingFen)}
            </Text>
            <Text className='muted'>未回款</Text>
          </View>
        </View>
        <Text className='muted cv__block'>信用额度 {c.creditLimitFen === null ? '不限' : formatFen(c.creditLimitFen)}</Text>
        <Button
          className='btn-primary cv__button'
          data-testid='cv-place'
          onClick={() => void Taro.navigateTo({ url: `/packageFollowup/place/index?customerId=${encodeURIComponent(c._id)}` })}
        >
          代客下单
        </Button>
        <View className='row cv__actions'>
          <Button
            className='cv__half'
            data-testid='cv-receipt'
            onClick={() => void Taro.navigateTo({ url: `/packageFollowup/receipt/index?customerId=${encodeURIComponent(c._id)}` })}
          >
            登记收款
          </Button>
          <Button
            className='cv__half'
            data-testid='cv-statement'
            onClick={() => void Taro.navigateTo({ url: `/packageReport/statement/index?customerId=${encodeURIComponent(c._id)}` })}
          >
            对账单
          </Button>
        </View>
      </View>
      <View className='card'>
        <View className='section-title'>订单（{view.orders.total}）</View>
        {orders.map((o) => (
          <View
            key={o._id}
            className='cv-order'
            data-testid='cv-order'
            onClick={() => void Taro.navigateTo({ url: `/packageFollowup/detail/index?id=${encodeURIComponent(o._id)}` })}
          >
            <View className='row row--between'>
              <Text>{o.orderNo}</Text>
              <Text className='cv-order__status'>{ORDER_STATUS_LABELS[o.status]}</Text>
            </View>
            <View className='row row--between'>
              <Text className='muted'>
                {formatDateTime(o.createdAt)} · {o.firstLineName}
                {o.lineCount > 1 ? ` 等${o.lineCount}种` : ''}
              </Text>
              <Text className='price'>{formatFen(o.totalFen)}</Text>
            </View>
          </View>
        ))}
        {orders.length === 0 ? <Text className='muted'>暂无订单</Text> : null}
      </View>
    </View>
  );
}
