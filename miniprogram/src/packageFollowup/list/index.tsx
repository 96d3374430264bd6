/** The orders of one today-bucket (or all of the merchandiser's orders), paged, most urgent first. */
import Taro, { useDidShow, useReachBottom, useRouter } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FollowItem } from '@dinghuo/shared/followupApi';
import type { TodayBucket } from '@dinghuo/shared/warnings';
import { TODAY_BUCKETS, TODAY_BUCKET_LABELS } from '@dinghuo/shared/labels';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { FollowRow } from '@/pages/followup/FollowRow';

interface ListState {
  items: FollowItem[];
  page: number;
  total: number;
  hasMore: boolean;
  loading: boolean;
  error: unknown;
}
const EMPTY: ListState = { items: [], page: 0, total: 0, hasMore: true, loading: false, error: null };

export default function FollowListPage() {
  const router = useRouter();
  const param = router.params.bucket ?? '';
  const bucket = (TODAY_BUCKETS as readonly string[]).includes(param) ? (param as TodayBucket) : undefined;
  const [list, setList] = useState<ListState>(EMPTY);
  const listRef = useRef(list);
  listRef.current = list;
  const seq = useRef(0);

  const load = useCallback(
    (reset: boolean) => {
      const cur = listRef.current;
      if (!reset && (cur.loading || !cur.hasMore)) return;
      const page = reset ? 1 : cur.page + 1;
      const mine = ++seq.current;
      setList((s) => ({ ...s, loading: true, error: null }));
      call('followup', 'list', { page, pageSize: 20, ...(bucket ? { bucket } : {}) })
        .then((res) => {
          if (mine !== seq.current) return;
          setList((s) => ({
            items: reset ? res.items : [...s.items, ...res.items],
            page,
            total: res.total,
            hasMore: res.hasMore,
            loading: false,
            error: null,
          }));
        })
        .catch((e: unknown) => mine === seq.current && setList((s) => ({ ...s, loading: false, error: e })));
    },
    [bucket],
  );

  useEffect(() => {
    void Taro.setNavigationBarTitle({ title: bucket ? TODAY_BUCKET_LABELS[bucket] : '全部订单' });
  }, [bucket]);
  // Coming back from a detail page: the order may have left the bucket.
  useDidShow(() => load(true));
  useReachBottom(() => load(false));

  return (
    <View className='page' data-testid='follow-list' data-bucket={bucket ?? 'all'}>
      <View className='card'>
        <View className='row row--between'>
          <Text className='section-title'>{bucket ? TODAY_BUCKET_LABELS[bucket] : '全部订单'}</Text>
          <Text className='muted' data-testid='follow-list-total'>
            共 {list.total} 单
          </Text>
        </View>
        {list.items.map((item) => (
          <FollowRow key={item._id} item={item} />
        ))}
        {list.loading ? <Loading /> : null}
        {!list.loading && list.error && list.items.length === 0 ? <ErrorState error={list.error} onRetry={() => load(true)} /> : null}
        {!list.loading && list.error && list.items.length > 0 ? (
          <Text className='error-text' onClick={() => load(false)}>
            {messageOf(list.error)}，点此重试
          </Text>
        ) : null}
        {!list.loading && !list.error && list.items.length === 0 && list.page > 0 ? <Empty text='没有订单' /> : null}
      </View>
    </View>
  );
}
