/**
 * The staff-only 跟单 tab: today's work at a glance. Each count opens its list (packageFollowup);
 * the most urgent orders of each bucket are listed below. Everything else lives in the
 * packageFollowup subpackage, so this tab page stays small.
 */
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro';
import { Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { TodayView } from '@dinghuo/shared/followupApi';
import type { TodayBucket } from '@dinghuo/shared/warnings';
import { TODAY_BUCKETS, TODAY_BUCKET_LABELS } from '@dinghuo/shared/labels';
import { call } from '@/api/client';
import { isStaff, loadMe } from '@/store/session';
import { useMe } from '@/store/hooks';
import { ErrorState, Loading } from '@/components/StateView';
import { H5TabBar } from '@/components/TabBar';
import { FollowRow } from './FollowRow';
import './index.scss';

const go = (url: string) => void Taro.navigateTo({ url });

function Today({ view }: { view: TodayView }) {
  const nonEmpty = TODAY_BUCKETS.filter((b) => view.counts[b] > 0);
  return (
    <View data-testid='followup-today'>
      <View className='fu-tiles'>
        {TODAY_BUCKETS.map((b) => (
          <View
            key={b}
            className={`fu-tile fu-tile--${b} ${view.counts[b] > 0 ? 'fu-tile--hot' : ''}`}
            data-testid='bucket-tile'
            data-bucket={b}
            onClick={() => go(`/packageFollowup/list/index?bucket=${b}`)}
          >
            <Text className='fu-tile__count' data-testid='bucket-count'>
              {view.counts[b]}
            </Text>
            <Text className='fu-tile__label'>{TODAY_BUCKET_LABELS[b]}</Text>
          </View>
        ))}
      </View>
      <View className='fu-links'>
        <Text className='chip' data-testid='link-customers' onClick={() => go('/packageFollowup/customers/index')}>
          我的客户
        </Text>
        <Text className='chip' data-testid='link-place' onClick={() => go('/packageFollowup/customers/index?pick=place')}>
          代客下单
        </Text>
        <Text className='chip' data-testid='link-aftersales' onClick={() => go('/packageFollowup/aftersales/index')}>
          售后处理
        </Text>
        <Text className='chip' data-testid='link-shortfall' onClick={() => go('/packageSupply/shortfall/index')}>
          缺货分配
        </Text>
        <Text className='chip' data-testid='link-samples' onClick={() => go('/packageSupply/samples/index')}>
          样品单
        </Text>
      </View>
      {nonEmpty.length === 0 ? (
        <View className='card'>
          <Text className='muted'>今天没有需要处理的订单</Text>
        </View>
      ) : null}
      {nonEmpty.map((b: TodayBucket) => (
        <View key={b} className='card' data-testid='bucket-preview' data-bucket={b}>
          <View className='row row--between'>
            <Text className='section-title'>
              {TODAY_BUCKET_LABELS[b]}（{view.counts[b]}）
            </Text>
            {view.counts[b] > view.previews[b].length ? (
              <Text className='fu-more' onClick={() => go(`/packageFollowup/list/index?bucket=${b}`)}>
                全部 ›
              </Text>
            ) : null}
          </View>
          {view.previews[b].map((item) => (
            <FollowRow key={item._id} item={item} />
          ))}
        </View>
      ))}
    </View>
  );
}

export default function FollowupPage() {
  const me = useMe();
  const [error, setError] = useState<unknown>(null);
  const [view, setView] = useState<TodayView | null>(null);
  const refresh = useCallback(() => {
    setError(null);
    return loadMe()
      .then((m) => (isStaff(m) ? call('followup', 'today', {}).then(setView) : undefined))
      .catch(setError);
  }, []);
  useDidShow(() => void refresh());
  usePullDownRefresh(() => void refresh().finally(() => Taro.stopPullDownRefresh()));

  let body;
  if (!me && error) body = <ErrorState error={error} onRetry={refresh} />;
  else if (!me) body = <Loading />;
  else if (!isStaff(me))
    body = (
      <View className='state' data-testid='followup-denied'>
        <Text className='state__text'>跟单工作台仅限员工使用</Text>
      </View>
    );
  else
    body = (
      <View data-testid='followup-home'>
        <View className='card fu-head'>
          <View className='section-title'>跟单工作台</View>
          <Text className='muted'>
            {me.staff?.name ?? me.name}
            {view ? ` · 今天 ${view.date}` : ''}
          </Text>
        </View>
        {view ? <Today view={view} /> : error ? <ErrorState error={error} onRetry={refresh} /> : <Loading />}
      </View>
    );
  return (
    <View className='page page--tab'>
      {body}
      <H5TabBar current='followup' />
    </View>
  );
}
