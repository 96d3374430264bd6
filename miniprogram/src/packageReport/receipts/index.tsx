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

/** A card of labelled amounts (提成, 按客户, 按方式). */
function AmountLines(props: { title: string; lines: { key: string; label: string; fen: number }[]; empty?: string; testId?: string }) {
  return (
    <View className='card'>
      <View className='section-title'>{props.title}</View>
      {props.lines.length === 0 && props.empty ? <Text className='muted'>{props.empty}</Text> : null}
      {props.lines.map((l) => (
        <View key={l.key} className='row row--between statement__line' data-testid={props.testId}>
          <Text>{l.label}</Text>
          <Text className='price'>{formatFen(l.fen)}</Text>
        </View>
      ))}
    </View>
  );
}

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
        <AmountLines
          title='提成'
          empty='本月没有回款'
          testId='rr-commission-row'
          lines={report.commissions.map((c) => ({ key: c.merchandiserId, label: `${c.merchandiserName} · ${formatFen(c.receivedFen)} × ${c.rateLabel}`, fen: c.commissionFen }))}
        />
        <AmountLines
          title='按客户'
          lines={report.byCustomer.map((c) => ({ key: c.customerId, label: `${c.customerName}（${c.count} 笔）`, fen: c.receivedFen }))}
        />
        <AmountLines title='按方式' lines={report.byMethod.map((m) => ({ key: m.method, label: `${m.methodLabel}（${m.count} 笔）`, fen: m.receivedFen }))} />
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
