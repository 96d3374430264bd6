/** After-sales requests of the merchandiser's customers, moved along the after-sales table. */
import Taro, { useDidShow } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { AfterSalesRequest, AfterSalesStatus } from '@dinghuo/shared/afterSales';
import { AFTER_SALES_KIND_LABELS, AFTER_SALES_STATUS_LABELS, AFTER_SALES_TRANSITIONS } from '@dinghuo/shared/afterSalesLabels';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { formatDateTime } from '@/utils/format';
import './index.scss';

const MOVE_LABELS: Record<AfterSalesStatus, string> = { open: '', accepted: '受理', rejected: '拒绝', resolved: '已解决' };
const FILTERS: (AfterSalesStatus | undefined)[] = ['open', 'accepted', undefined];

export default function AfterSalesPage() {
  const [status, setStatus] = useState<AfterSalesStatus | undefined>('open');
  const [items, setItems] = useState<AfterSalesRequest[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState('');

  const load = useCallback(() => {
    setError(null);
    call('followup', 'afterSalesList', { page: 1, pageSize: 50, ...(status ? { status } : {}) })
      .then((p) => setItems(p.items))
      .catch(setError);
  }, [status]);
  useDidShow(load);
  const [lastStatus, setLastStatus] = useState(status);
  if (lastStatus !== status) {
    setLastStatus(status);
    setItems(null);
    load();
  }

  const move = (r: AfterSalesRequest, to: AfterSalesStatus) => {
    if (busy) return;
    setBusy(r._id);
    call('followup', 'afterSalesUpdate', { requestId: r._id, to, note: (notes[r._id] ?? '').trim() })
      .then(() => {
        void Taro.showToast({ title: '已更新', icon: 'success' });
        load();
      })
      .catch((e: unknown) => void Taro.showModal({ title: '操作失败', content: messageOf(e), showCancel: false }))
      .finally(() => setBusy(''));
  };

  return (
    <View className='page' data-testid='after-sales'>
      <View className='card'>
        {FILTERS.map((f) => (
          <Text key={f ?? 'all'} className={`chip ${f === status ? 'chip--on' : ''}`} onClick={() => setStatus(f)}>
            {f ? AFTER_SALES_STATUS_LABELS[f] : '全部'}
          </Text>
        ))}
      </View>
      {error && !items ? <ErrorState error={error} onRetry={load} /> : null}
      {!error && !items ? <Loading /> : null}
      {items?.length === 0 ? <Empty text='没有售后申请' /> : null}
      {items?.map((r) => (
        <View key={r._id} className='card as-card' data-testid='as-card'>
          <View className='row row--between'>
            <Text className='as-card__title'>
              {AFTER_SALES_KIND_LABELS[r.kind]} · {r.orderNo}
            </Text>
            <Text className='muted'>{AFTER_SALES_STATUS_LABELS[r.status]}</Text>
          </View>
          <Text className='as-block'>{r.description}</Text>
          <Text className='muted as-block'>
            {r.createdBy.name} · {formatDateTime(r.createdAt)}
          </Text>
          <Text
            className='as-link as-block'
            onClick={() => void Taro.navigateTo({ url: `/packageFollowup/detail/index?id=${encodeURIComponent(r.orderId)}` })}
          >
            查看订单 ›
          </Text>
          {AFTER_SALES_TRANSITIONS[r.status].length > 0 ? (
            <View>
              <Input
                className='as-input'
                placeholder='处理说明（选填）'
                maxlength={200}
                value={notes[r._id] ?? ''}
                onInput={(e) => setNotes((n) => ({ ...n, [r._id]: String(e.detail.value) }))}
              />
              <View className='row as-buttons'>
                {AFTER_SALES_TRANSITIONS[r.status].map((to) => (
                  <Button key={to} size='mini' className={to === 'rejected' ? '' : 'btn-primary'} disabled={busy === r._id} onClick={() => move(r, to)}>
                    {MOVE_LABELS[to]}
                  </Button>
                ))}
              </View>
            </View>
          ) : null}
        </View>
      ))}
    </View>
  );
}
