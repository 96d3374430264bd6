/** 缺货分配 (staff): SKUs whose back-orders exceed stock, in priority order, with the suggestion; allocate by it or by hand. */
import Taro, { useDidShow } from '@tarojs/taro';
import { Button, Input, Text, View } from '@tarojs/components';
import { useCallback, useState } from 'react';
import type { ShortfallRow } from '@dinghuo/shared/supply';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { formatDateTime } from '@/utils/format';

export default function ShortfallPage() {
  const [rows, setRows] = useState<ShortfallRow[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [qty, setQty] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState('');

  const load = useCallback(() => {
    setError(null);
    call('supply', 'shortfall', {})
      .then((r) => {
        setRows(r);
        setQty({});
      })
      .catch(setError);
  }, []);
  useDidShow(load);

  const allocate = (row: ShortfallRow, manual: boolean) => {
    if (busy) return;
    setBusy(row.skuId);
    const allocations = manual
      ? row.demands.map((d) => ({ backOrderId: d.backOrderId, qty: Number(qty[d.backOrderId] ?? d.suggestedQty) || 0 }))
      : undefined;
    call('supply', 'allocate', { skuId: row.skuId, ...(allocations ? { allocations } : {}) })
      .then((r) => {
        const failed = r.filled.filter((f) => f.error);
        void Taro.showModal({
          title: '分配完成',
          content: `生成订单 ${r.filled.length - failed.length} 笔${failed.length ? `；${failed.length} 笔未成功：${failed.map((f) => f.error!.message).join('；')}` : ''}`,
          showCancel: false,
        });
        load();
      })
      .catch((e: unknown) => void Taro.showModal({ title: '分配失败', content: messageOf(e), showCancel: false }))
      .finally(() => setBusy(''));
  };

  return (
    <View className='page' data-testid='shortfall'>
      {error && !rows ? <ErrorState error={error} onRetry={load} /> : null}
      {!error && !rows ? <Loading /> : null}
      {rows?.length === 0 ? <Empty text='没有待补货的缺货登记' /> : null}
      {rows?.map((row) => (
        <View key={row.skuId} className='card' data-testid='shortfall-row' data-sku={row.skuId}>
          <View className='row row--between'>
            <Text>
              {row.name} {row.spec}
            </Text>
            <Text className='muted'>{row.skuCode}</Text>
          </View>
          <Text className='muted'>
            可用 {row.available} · 登记需求 {row.demandQty} · 缺口 {row.shortQty}（{row.baseUnit}）
          </Text>
          {row.demands.map((d) => (
            <View key={d.backOrderId} className='row row--between' data-testid='shortfall-demand' data-customer={d.customerId}>
              <Text>
                {d.keyCustomer ? '★' : ''}
                {d.customerName}（优先级 {d.priority} · {d.region}）{formatDateTime(d.requestedAt)}
                {d.lastError ? ` ⚠ ${d.lastError}` : ''}
              </Text>
              <Text className='muted'>
                待补 {d.qty} · 建议 {d.suggestedQty}
              </Text>
              <Input
                type='number'
                data-testid='shortfall-qty'
                style={{ width: '120rpx' }}
                value={qty[d.backOrderId] ?? String(d.suggestedQty)}
                onInput={(e) => setQty((q) => ({ ...q, [d.backOrderId]: String(e.detail.value) }))}
              />
            </View>
          ))}
          <View className='row'>
            <Button size='mini' className='btn-primary' data-testid='shortfall-suggest' disabled={busy === row.skuId || row.available === 0} onClick={() => allocate(row, false)}>
              按优先级建议分配
            </Button>
            <Button size='mini' data-testid='shortfall-manual' disabled={busy === row.skuId || row.available === 0} onClick={() => allocate(row, true)}>
              按填写数量分配
            </Button>
          </View>
        </View>
      ))}
    </View>
  );
}
