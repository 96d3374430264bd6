/**
 * 对账单: a customer's month — orders, shipments, receipts, what is still unpaid — with an
 * Excel export, and the customer's 对账确认 once the month has ended. A customer sees its own; a merchandiser picks one of its customers (or comes
 * with ?customerId=); an admin any customer.
 */
import Taro, { useRouter } from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useCallback, useEffect, useState } from 'react';
import type { StatementCustomer } from '@dinghuo/shared/reportApi';
import type { Statement } from '@dinghuo/shared/statement';
import { formatFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { currentMe, isStaff } from '@/store/session';
import { messageOf } from '@/api/errors';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { monthLabel, monthOf, shiftMonth } from '../month';
import { saveXlsx } from '../download';
import './index.scss';

function Sum({ label, fen, total, testId }: { label: string; fen: number; total?: boolean; testId: string }) {
  return (
    <View className={`statement__sum ${total ? 'statement__sum--total' : ''}`}>
      <Text className={total ? '' : 'muted'}>{label}</Text>
      <Text data-testid={testId}>{formatFen(fen)}</Text>
    </View>
  );
}

export default function StatementPage() {
  const router = useRouter();
  const thisMonth = monthOf(Date.now());
  const [month, setMonth] = useState(router.params.month && /^\d{4}-\d{2}$/.test(router.params.month) ? router.params.month : thisMonth);
  const [customers, setCustomers] = useState<StatementCustomer[] | null>(null);
  const [customerId, setCustomerId] = useState<string | undefined>(router.params.customerId || undefined);
  const [statement, setStatement] = useState<Statement | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const staff = isStaff(currentMe());

  useEffect(() => {
    call('report', 'statementCustomers', {})
      .then((list) => {
        setCustomers(list);
        setCustomerId((id) => id ?? list[0]?._id);
      })
      .catch(setError);
  }, []);

  const load = useCallback(() => {
    if (!customerId) return;
    setError(null);
    setStatement(null);
    call('report', 'statement', { month, customerId }).then(setStatement).catch(setError);
  }, [month, customerId]);
  useEffect(load, [load]);

  const exportXlsx = () => {
    if (exporting || !customerId) return;
    setExporting(true);
    call('report', 'statementXlsx', { month, customerId })
      .then(saveXlsx)
      .catch((e: unknown) => void Taro.showToast({ title: messageOf(e), icon: 'none' }))
      .finally(() => setExporting(false));
  };

  const confirm = () => {
    if (confirming || !statement) return;
    void Taro.showModal({ title: '对账确认', content: `确认 ${monthLabel(month)} 期末未付 ${formatFen(statement.totals.closingFen)} 无误？` }).then((r) => {
      if (!r.confirm) return;
      setConfirming(true);
      call('report', 'confirmStatement', { month })
        .then((s) => {
          setStatement(s);
          void Taro.showToast({ title: '已确认', icon: 'success' });
        })
        .catch((e: unknown) => void Taro.showToast({ title: messageOf(e), icon: 'none' }))
        .finally(() => setConfirming(false));
    });
  };

  let body;
  if (error) body = <ErrorState error={error} onRetry={load} />;
  else if (customers && customers.length === 0) body = <Empty text='暂无可查看的客户' />;
  else if (!statement) body = <Loading />;
  else {
    const t = statement.totals;
    body = (
      <View data-testid='statement'>
        <View className='card'>
          <View className='section-title'>
            {statement.customer.name}（{statement.customer.code}）
          </View>
          <Text className='muted'>
            {statement.period.firstDate} 至 {statement.period.lastDate} · 跟单员 {statement.merchandiserName || '—'}
          </Text>
          <Sum label='期初未付' fen={t.openingFen} testId='sum-opening' />
          <Sum label={`本月订货（${t.orderCount} 笔）`} fen={t.orderedFen} testId='sum-ordered' />
          <Sum label='本月发货' fen={t.shippedFen} testId='sum-shipped' />
          <Sum label='本月回款' fen={t.paidFen} testId='sum-paid' />
          <Sum label='期末未付' fen={t.closingFen} total testId='sum-closing' />
          {t.onAccountFen > 0 ? <Text className='muted'>本月回款中计入预收 {formatFen(t.onAccountFen)}</Text> : null}
          <View className='row row--between statement__confirm'>
            <Text className={statement.confirmation.state === 'confirmed' ? 'statement__ok' : 'muted'} data-testid='statement-confirmation'>
              {statement.confirmation.stateLabel}
              {statement.confirmation.confirmedAt !== null && statement.confirmation.state === 'confirmed' ? `（${statement.confirmation.confirmedBy}）` : ''}
            </Text>
            {!staff && (statement.confirmation.state === 'confirmable' || statement.confirmation.state === 'changed') ? (
              <Button size='mini' className='btn-primary' disabled={confirming} loading={confirming} data-testid='statement-confirm' onClick={confirm}>
                对账确认
              </Button>
            ) : null}
          </View>
          <Button className='btn-primary statement__export' disabled={exporting} loading={exporting} data-testid='statement-export' onClick={exportXlsx}>
            导出 Excel
          </Button>
        </View>
        <View className='card'>
          <View className='section-title'>本月发货（{statement.deliveries.length}）</View>
          {statement.deliveries.length === 0 ? <Text className='muted'>本月没有发货</Text> : null}
          {statement.deliveries.map((d) => (
            <View key={d.orderId} className='row row--between statement__line' data-testid='statement-delivery'>
              <Text>
                {d.date} · {d.orderNo}
              </Text>
              <Text className='price'>{formatFen(d.amountFen)}</Text>
            </View>
          ))}
        </View>
        <View className='card'>
          <View className='section-title'>本月收款（{statement.receipts.length}）</View>
          {statement.receipts.length === 0 ? <Text className='muted'>本月没有收款</Text> : null}
          {statement.receipts.map((r) => (
            <View key={r.receiptId} className='statement__line' data-testid='statement-receipt'>
              <View className='row row--between'>
                <Text>
                  {r.date} · {r.methodLabel}
                </Text>
                <Text className='price'>{formatFen(r.amountFen)}</Text>
              </View>
              <Text className='muted statement__line-meta'>
                {r.orderNos.join('、') || '—'}
                {r.onAccountFen > 0 ? ` · 预收 ${formatFen(r.onAccountFen)}` : ''}
                {r.reference ? ` · ${r.reference}` : ''}
              </Text>
            </View>
          ))}
        </View>
        <View className='card'>
          <View className='section-title'>明细</View>
          {statement.lines.length === 0 ? <Text className='muted'>本月没有订单往来</Text> : null}
          {statement.lines.map((l) => (
            <View
              key={l.orderId}
              className='statement__line'
              data-testid='statement-line'
              onClick={() => void Taro.navigateTo({ url: `/packageOrder/detail/index?orderId=${l.orderId}` })}
            >
              <View className='row row--between'>
                <Text>{l.orderNo}</Text>
                <Text className='price'>{formatFen(l.totalFen)}</Text>
              </View>
              <Text className='muted statement__line-meta'>
                {l.createdDate} 下单 · {l.statusLabel}
                {l.shippedDate ? ` · ${l.shippedDate} 发货` : ''}
                {l.paidDate ? ` · ${l.paidDate} 回款` : ''}
              </Text>
              {l.unpaidAtEndFen !== 0 ? <Text className='error-text statement__line-meta'>月末未付 {formatFen(l.unpaidAtEndFen)}</Text> : null}
            </View>
          ))}
        </View>
      </View>
    );
  }

  return (
    <View className='page statement'>
      <View className='card'>
        <View className='statement__month'>
          <Text className='statement__arrow' data-testid='month-prev' onClick={() => setMonth((m) => shiftMonth(m, -1))}>
            ‹
          </Text>
          <Text className='statement__month-label' data-testid='month-label'>
            {monthLabel(month)}
          </Text>
          <Text
            className={`statement__arrow ${month >= thisMonth ? 'statement__arrow--off' : ''}`}
            data-testid='month-next'
            onClick={() => month < thisMonth && setMonth((m) => shiftMonth(m, 1))}
          >
            ›
          </Text>
        </View>
        {customers && customers.length > 1 ? (
          <View className='statement__customers'>
            {customers.map((c) => (
              <Text key={c._id} className={`chip ${c._id === customerId ? 'chip--on' : ''}`} data-testid='statement-customer' onClick={() => setCustomerId(c._id)}>
                {c.name}
              </Text>
            ))}
          </View>
        ) : null}
      </View>
      {body}
    </View>
  );
}
