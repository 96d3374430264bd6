/**
 * One order as the merchandiser follows it: status and warnings, whether the customer was told
 * of the last change, review (审单), the progress nodes (record one: the status moves where the
 * node implies it), exceptions, expediting, the lines and the timeline.
 */
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Image, Text, View } from '@tarojs/components';
import { useCallback, useEffect, useState } from 'react';
import type { FollowDetail } from '@dinghuo/shared/followupApi';
import type { NodeKey } from '@dinghuo/shared/progress';
import { ORDER_STATUS_LABELS, TODAY_BUCKET_LABELS } from '@dinghuo/shared/labels';
import { EXCEPTION_KIND_LABELS, NODE_LABELS, SEVERITY_LABELS } from '@dinghuo/shared/followupLabels';
import { formatFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { LineList } from '@/components/LineList';
import { Timeline } from '@/components/Timeline';
import { formatDateTime } from '@/utils/format';
import { dueText } from '@/pages/followup/buckets';
import { ExceptionForm, ExpediteForm, NodeForm, ResolveForm, ReviewForm } from './forms';
import { ChangeForm, ShipForm } from './fulfilmentForms';
import { Deliveries } from '@/components/Deliveries';
import './index.scss';

type Open = { kind: 'node'; node: NodeKey } | { kind: 'exception' } | { kind: 'resolve'; id: string } | { kind: 'expedite' } | { kind: 'ship' } | { kind: 'change' } | null;

export default function FollowDetailPage() {
  const router = useRouter();
  const orderId = router.params.id ? decodeURIComponent(router.params.id) : '';
  const [detail, setDetail] = useState<FollowDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [open, setOpen] = useState<Open>(null);

  const load = useCallback(() => {
    setError(null);
    if (orderId) call('followup', 'detail', { orderId }).then(setDetail).catch(setError);
  }, [orderId]);
  useEffect(load, [load]);

  /** Runs one change; the page shows the order as the server returns it, or the Chinese error. */
  const run = async (work: () => Promise<FollowDetail>, done?: string): Promise<boolean> => {
    if (busy) return false;
    setBusy(true);
    try {
      setDetail(await work());
      setOpen(null);
      if (done) void Taro.showToast({ title: done, icon: 'success' });
      return true;
    } catch (e) {
      void Taro.showModal({ title: '操作失败', content: messageOf(e), showCancel: false });
      return false;
    } finally {
      setBusy(false);
    }
  };

  if (!orderId) return <Empty text='订单不存在' />;
  if (error && !detail) return <ErrorState error={error} onRetry={load} />;
  if (!detail) return <Loading />;

  const d = detail;
  const timeline = [...d.timeline].sort((a, b) => b.at - a.at);
  const openExceptions = d.exceptions.filter((e) => e.status === 'open');
  const closed = d.status === 'cancelled' || d.status === 'rejected';
  const canExpedite = ['submitted', 'confirmed', 'in_production', 'ready_to_ship'].includes(d.status);
  const shipments = d.shipments ?? [];
  const canChange = canExpedite && shipments.length === 0;
  const canShip = d.status === 'ready_to_ship';

  return (
    <View className='page fd' data-testid='follow-detail' data-order={d._id}>
      <View className='card'>
        <View className='row row--between'>
          <Text className='fd__status' data-testid='fd-status'>
            {ORDER_STATUS_LABELS[d.status]}
          </Text>
          <Text className='price'>{formatFen(d.totalFen)}</Text>
        </View>
        <Text
          className='fd-block fd__customer'
          onClick={() => void Taro.navigateTo({ url: `/packageFollowup/customer/index?id=${encodeURIComponent(d.customerId)}` })}
        >
          {d.customer.name} ›
        </Text>
        <Text className='muted fd-block'>订单号 {d.orderNo}</Text>
        <Text className='muted fd-block'>
          下单 {formatDateTime(d.createdAt)}
          {d.placedBy.role !== 'customer' ? `（${d.placedBy.name} 代下单）` : ''}
        </Text>
        <Text className='fd-block' data-testid='fd-due'>
          交期 {d.dueDate ?? '未定'}
          {d.dueDate ? ` · ${dueText(d.warnings.daysToDue)}` : ''}
        </Text>
        {d.requestedDate ? <Text className='muted fd-block'>客户期望 {d.requestedDate}</Text> : null}
        {d.buckets.length > 0 ? (
          <View className='fd-chips'>
            {d.buckets.map((b) => (
              <Text key={b} className={`fd-warn fd-warn--${b}`}>
                {TODAY_BUCKET_LABELS[b]}
              </Text>
            ))}
          </View>
        ) : null}
        <Text className={`fd-block fd-notify fd-notify--${d.notificationLabel.tone}`} data-testid='fd-notification'>
          {d.notificationLabel.text}
        </Text>
        {d.expediteCount > 0 ? <Text className='muted fd-block'>已催单 {d.expediteCount} 次</Text> : null}
      </View>

      {d.status === 'submitted' && d.suggestedPlan ? <ReviewForm detail={d} busy={busy} run={run} /> : null}

      {canShip || canChange ? (
        <View className='card row fd-row-buttons'>
          {canShip && open?.kind !== 'ship' ? (
            <Button className='btn-primary fd-button' size='mini' data-testid='ship-open' onClick={() => setOpen({ kind: 'ship' })}>
              发货
            </Button>
          ) : null}
          {canChange && open?.kind !== 'change' ? (
            <Button className='fd-button' size='mini' data-testid='change-open' onClick={() => setOpen({ kind: 'change' })}>
              改单
            </Button>
          ) : null}
        </View>
      ) : null}
      {open?.kind === 'ship' ? <ShipForm detail={d} busy={busy} run={run} onCancel={() => setOpen(null)} /> : null}
      {open?.kind === 'change' ? <ChangeForm detail={d} busy={busy} run={run} onCancel={() => setOpen(null)} /> : null}
      <Deliveries shipments={shipments} />

      <View className='card' data-testid='fd-nodes'>
        <View className='section-title'>跟单节点</View>
        {d.nodes.map((n) => {
          const can = d.advanceable.includes(n.key);
          return (
            <View key={n.key} className={`fd-node ${n.actualAt ? 'fd-node--done' : ''}`} data-testid='fd-node' data-node={n.key}>
              <View className='row row--between'>
                <Text className='fd-node__label'>{NODE_LABELS[n.key]}</Text>
                {n.actualAt ? (
                  <Text className='fd-node__done'>✓ {formatDateTime(n.actualAt).slice(5)}</Text>
                ) : can && !(open?.kind === 'node' && open.node === n.key) ? (
                  <Button className='btn-primary fd-node__button' size='mini' data-testid='node-advance' onClick={() => setOpen({ kind: 'node', node: n.key })}>
                    记录完成
                  </Button>
                ) : (
                  <Text className='muted'>{n.plannedDate ? `计划 ${n.plannedDate}` : ''}</Text>
                )}
              </View>
              {n.actualAt ? (
                <Text className='muted'>
                  {n.plannedDate ? `计划 ${n.plannedDate} · ` : ''}
                  {n.by?.name ?? ''}
                  {n.note ? ` · ${n.note}` : ''}
                </Text>
              ) : can && n.plannedDate ? (
                <Text className='muted'>计划 {n.plannedDate}</Text>
              ) : null}
              {n.photoUrl ? <Image className='fd-node__photo' src={n.photoUrl} mode='aspectFill' /> : null}
              {open?.kind === 'node' && open.node === n.key ? (
                <NodeForm detail={d} node={n.key} busy={busy} run={run} onCancel={() => setOpen(null)} />
              ) : null}
            </View>
          );
        })}
      </View>

      <View className='card' data-testid='fd-exceptions'>
        <View className='row row--between'>
          <Text className='section-title'>异常（{openExceptions.length}）</Text>
          {!closed && open?.kind !== 'exception' ? (
            <Text className='fd-link' data-testid='exception-open' onClick={() => setOpen({ kind: 'exception' })}>
              登记异常
            </Text>
          ) : null}
        </View>
        {open?.kind === 'exception' ? <ExceptionForm detail={d} busy={busy} run={run} onCancel={() => setOpen(null)} /> : null}
        {d.exceptions.length === 0 ? <Text className='muted'>暂无异常</Text> : null}
        {d.exceptions.map((e) => (
          <View key={e._id} className={`fd-ex fd-ex--${e.status}`} data-testid='fd-exception' data-status={e.status}>
            <View className='row row--between'>
              <Text>
                {EXCEPTION_KIND_LABELS[e.kind]} · {SEVERITY_LABELS[e.severity]}
              </Text>
              {e.status === 'open' ? (
                open?.kind === 'resolve' && open.id === e._id ? null : (
                  <Text className='fd-link' data-testid='resolve-open' onClick={() => setOpen({ kind: 'resolve', id: e._id })}>
                    处理
                  </Text>
                )
              ) : (
                <Text className='muted'>已处理</Text>
              )}
            </View>
            <Text className='fd-block'>{e.description}</Text>
            <Text className='muted fd-block'>
              责任人 {e.owner} · {formatDateTime(e.openedAt)}
            </Text>
            {e.status === 'resolved' ? <Text className='muted fd-block'>处理结果：{e.resolution}</Text> : null}
            {open?.kind === 'resolve' && open.id === e._id ? <ResolveForm exceptionId={e._id} busy={busy} run={run} onCancel={() => setOpen(null)} /> : null}
          </View>
        ))}
      </View>

      {canExpedite ? (
        <View className='card'>
          <View className='row row--between'>
            <Text className='section-title'>催单</Text>
            {open?.kind !== 'expedite' ? (
              <Text className='fd-link' data-testid='expedite-open' onClick={() => setOpen({ kind: 'expedite' })}>
                催一下
              </Text>
            ) : null}
          </View>
          {open?.kind === 'expedite' ? <ExpediteForm detail={d} busy={busy} run={run} onCancel={() => setOpen(null)} /> : null}
        </View>
      ) : null}

      <View className='card'>
        <View className='section-title'>商品</View>
        <LineList lines={d.lines} itemClassName='fd-line' />
        <Text className='muted fd-block'>
          {d.address.contact} {d.address.phone} {d.address.address}
        </Text>
        {d.remark ? <Text className='muted fd-block'>备注：{d.remark}</Text> : null}
      </View>

      <View className='card' data-testid='fd-timeline'>
        <View className='section-title'>动态</View>
        <Timeline entries={timeline} block='fd-tl' />
      </View>
    </View>
  );
}
