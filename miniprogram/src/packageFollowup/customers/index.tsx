/** The merchandiser's customers (an admin's: all). With ?pick=place, choosing one starts 代下单. */
import Taro, { useReachBottom, useRouter } from '@tarojs/taro';
import { Input, Text, View } from '@tarojs/components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CustomerBrief } from '@dinghuo/shared/followupApi';
import { formatFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import './index.scss';

export default function CustomersPage() {
  const router = useRouter();
  const picking = router.params.pick === 'place';
  const [keyword, setKeyword] = useState('');
  const [items, setItems] = useState<CustomerBrief[]>([]);
  const [page, setPage] = useState(0);
  const [hasMore, setHasMore] = useState(true);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const seq = useRef(0);

  const load = useCallback(
    (reset: boolean) => {
      if (!reset && (loading || !hasMore)) return;
      const next = reset ? 1 : page + 1;
      const mine = ++seq.current;
      setLoading(true);
      setError(null);
      call('followup', 'customers', { page: next, pageSize: 20, ...(keyword.trim() ? { keyword: keyword.trim() } : {}) })
        .then((res) => {
          if (mine !== seq.current) return;
          setItems((s) => (reset ? res.items : [...s, ...res.items]));
          setPage(next);
          setHasMore(res.hasMore);
        })
        .catch((e: unknown) => mine === seq.current && setError(e))
        .finally(() => mine === seq.current && setLoading(false));
    },
    [keyword, page, hasMore, loading],
  );

  useEffect(() => {
    void Taro.setNavigationBarTitle({ title: picking ? '代客下单：选择客户' : '我的客户' });
  }, [picking]);
  useEffect(() => {
    const t = setTimeout(() => load(true), keyword ? 300 : 0);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [keyword]);
  useReachBottom(() => load(false));

  const open = (c: CustomerBrief) =>
    void Taro.navigateTo({
      url: picking ? `/packageFollowup/place/index?customerId=${encodeURIComponent(c._id)}` : `/packageFollowup/customer/index?id=${encodeURIComponent(c._id)}`,
    });

  return (
    <View className='page' data-testid='customers'>
      <View className='card'>
        <Input className='cu-search' placeholder='搜索客户名称或编码' value={keyword} onInput={(e) => setKeyword(String(e.detail.value))} />
      </View>
      {items.map((c) => (
        <View key={c._id} className='card cu-card' data-testid='customer-card' data-customer={c._id} onClick={() => open(c)}>
          <View className='row row--between'>
            <Text className='cu-card__name'>{c.name}</Text>
            <Text className='muted'>{c.levelName}</Text>
          </View>
          <View className='row row--between'>
            <Text className='muted'>
              {c.code} · 在途 {c.openOrders} 单{c.merchandiserName ? ` · ${c.merchandiserName}` : ''}
            </Text>
            <Text className='muted'>未回款 {formatFen(c.outstandingFen)}</Text>
          </View>
        </View>
      ))}
      {loading ? <Loading /> : null}
      {!loading && error ? <ErrorState error={error} onRetry={() => load(true)} /> : null}
      {!loading && !error && page > 0 && items.length === 0 ? <Empty text='没有客户' /> : null}
    </View>
  );
}
