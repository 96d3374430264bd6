/**
 * 货款回笼与提成 (staff): the month's receipts by customer and method, and each merchandiser's
 * commission on the amounts received; a merchandiser sees its own, an admin everyone's. Excel export.
 */
import Taro from '@tarojs/taro';
import { Button, Text, View } from '@tarojs/components';
import { useCallback, useEffect, useState } from 'react';
import type { ReceiptsReport } from '@dinghuo/shared/receiptsReport';
import type { XlsxFile } from '@dinghuo/shared/reportApi';
import { formatFen } from '@dinghuo/shared/fen';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { ErrorState, Loading } from '@/components/StateView';
import { monthLabel, monthOf, shiftMonth } from '../month';
import { saveXlsx } from '../download';
import '../statement/index.scss';

export default function ReceiptsReportPage() {
  const thisMonth = monthOf(Date.now());
  const [month, setMonth] = useState(thisMonth);
  const [report, setReport] = useState<ReceiptsReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);

  const load = useCallback(() => {
    setError(null);
    setReport(null);
    call('report', 'receiptsReport', { month })
      .then((r) => setReport(r as ReceiptsReport))
      .catch(setError);
  }, [month]);
  useEffect(load, [load]);

  const exportXlsx = () => {
    if (exporting) return;
    setExporting(true);
    call('report', 'receiptsReport', { month, format: 'xlsx' })
      .then((f) => saveXlsx(f as XlsxFile))
      .catch((e: unknown) => void Taro.showToast({ title: messageOf(e), icon: 'none' }))
      .finally(() => setExporting(false));
  };

  let body;
  if (error) body = <ErrorState error={error} onRetry={load} />;
  else if (!report) body = <Loading />;
  else {
    const t = report.totals;
    body = (
      <View data-testid='receipts-report'>
        <View className='card'>
          <View className='statement__sum'>
            <Text className='muted'>本月回款（{t.count} 笔）</Text>
            <Text data-testid='rr-received'>{formatFen(t.receivedFen)}</Text>
          </View>
          <View className='statement__sum'>
            <Text className='muted'>核销订单 / 计入预收</Text>
            <Text>
              {formatFen(t.allocatedFen)} / {formatFen(t.onAccountFen)}
            </Text>
          </View>
          <View className='statement__sum statement__sum--total'>
            <Text>提成合计</Text>
            <Text data-testid='rr-commission'>{formatFen(t.commissionFen)}</Text>
          </View>
          <Button className='btn-primary statement__export' disabled={exporting} loading={exporting} onClick={exportXlsx}>
            导出 Excel
          </Button>
        </View>
        <View className='card'>
          <View className='section-title'>提成</View>
          {report.commissions.length === 0 ? <Text className='muted'>本月没有回款</Text> : null}
          {report.commissions.map((c) => (
            <View key={c.merchandiserId} className='row row--between statement__line' data-testid='rr-commission-row'>
              <Text>
                {c.merchandiserName} · {formatFen(c.receivedFen)} × {c.rateLabel}
              </Text>
              <Text className='price'>{formatFen(c.commissionFen)}</Text>
            </View>
          ))}
        </View>
        <View className='card'>
          <View className='section-title'>按客户</View>
          {report.byCustomer.map((c) => (
            <View key={c.customerId} className='row row--between statement__line'>
              <Text>
                {c.customerName}（{c.count} 笔）
              </Text>
              <Text className='price'>{formatFen(c.receivedFen)}</Text>
            </View>
          ))}
        </View>
        <View className='card'>
          <View className='section-title'>按方式</View>
          {report.byMethod.map((m) => (
            <View key={m.method} className='row row--between statement__line'>
              <Text>
                {m.methodLabel}（{m.count} 笔）
              </Text>
              <Text className='price'>{formatFen(m.receivedFen)}</Text>
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
          <Text className='statement__arrow' onClick={() => setMonth((m) => shiftMonth(m, -1))}>
            ‹
          </Text>
          <Text className='statement__month-label'>{monthLabel(month)}</Text>
          <Text className={`statement__arrow ${month >= thisMonth ? 'statement__arrow--off' : ''}`} onClick={() => month < thisMonth && setMonth((m) => shiftMonth(m, 1))}>
            ›
          </Text>
        </View>
      </View>
      {body}
    </View>
  );
}
