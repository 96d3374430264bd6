/** 样品单: the customer's own samples, or the merchandiser's customers'; staff can export the month's supply report. */
import Taro, { useDidShow } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useCallback, useEffect, useState } from 'react';
import type { Sample } from '@dinghuo/shared/samples';
import { SAMPLE_STATUS_LABELS } from '@dinghuo/shared/supplyLabels';
import { businessMonth } from '@dinghuo/shared/time';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { currentMe, loadMe } from '@/store/session';
import type { Me } from '@dinghuo/shared/api';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { formatDateTime } from '@/utils/format';
import { saveXlsx } from '../../packageReport/download';

export default function SamplesPage() {
  const [items, setItems] = useState<Sample[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [me, setMe] = useState<Me | null>(currentMe());
  useEffect(() => {
    loadMe().then(setMe).catch(() => undefined);
  }, []);
  const staff = me !== null && me.role !== 'customer';

  const load = useCallback(() => {
    setError(null);
    call('supply', 'samples', { page: 1, pageSize: 50 })
      .then((p) => setItems(p.items))
      .catch(setError);
  }, []);
  useDidShow(load);

  const exportMonth = () =>
    call('supply', 'report', { month: businessMonth(Date.now()), format: 'xlsx' })
      .then((f) => ('base64' in f ? saveXlsx(f) : undefined))
      .catch((e: unknown) => void Taro.showModal({ title: '导出失败', content: messageOf(e), showCancel: false }));

  return (
    <View className='page' data-testid='samples'>
      {staff ? (
        <View className='card'>
          <Button size='mini' data-testid='export-supply' onClick={() => void exportMonth()}>
            导出本月跟单月报（样品、快递费、按商品/批次/区域、质量问题）
          </Button>
        </View>
      ) : null}
      {error && !items ? <ErrorState error={error} onRetry={load} /> : null}
      {!error && !items ? <Loading /> : null}
      {items?.length === 0 ? <Empty text='还没有样品单' /> : null}
      {items?.map((s) => (
        <View
          key={s._id}
          className='card'
          data-testid='sample-card'
          onClick={() => void Taro.navigateTo({ url: `/packageSupply/sample/index?id=${encodeURIComponent(s._id)}` })}
        >
          <View className='row row--between'>
            <Text>{s.sampleNo}</Text>
            <Text className='muted'>{SAMPLE_STATUS_LABELS[s.status]}</Text>
          </View>
          <Text className='muted'>
            {s.customerName} · {s.items.map((i) => `${i.name}×${i.qty}`).join('、')} · {formatDateTime(s.requestedAt)}
          </Text>
        </View>
      ))}
    </View>
  );
}
