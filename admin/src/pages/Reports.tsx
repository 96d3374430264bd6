/** 报表: the monthly report (按客户 / 按商品 / 异常登记) shown and downloaded as XLSX — the CLI's report code. */
import { useState } from 'react';
import { App, Button, Card, DatePicker, Space, Table, Tabs } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { businessMonth } from '@dinghuo/shared';
import type { MonthlyReport } from '@dinghuo/shared/statement';
import { bo, call, errorMessage } from '../api/client';
import { Async, useApi } from '../components/states';
import { useSession } from '../session';
import { dateTime, downloadBase64, fen } from '../format';

export default function Reports() {
  const { isAdmin } = useSession();
  const { message } = App.useApp();
  const [month, setMonth] = useState(businessMonth(Date.now()));
  const [busy, setBusy] = useState(false);
  const report = useApi(async () => (isAdmin ? ((await call('admin', 'monthlyReport', { month, format: 'data' })) as MonthlyReport) : null), [month, isAdmin]);
  const download = async () => {
    setBusy(true);
    try {
      const f = await bo('monthlyReportXlsx', { month });
      downloadBase64(f.fileName, f.contentType, f.base64);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card
      title="月度报表"
      extra={
        <Space>
          <DatePicker picker="month" allowClear={false} value={dayjs(`${month}-01`)} onChange={(v) => v && setMonth(v.format('YYYY-MM'))} />
          {isAdmin ? (
            <Button type="primary" icon={<DownloadOutlined />} loading={busy} onClick={download} data-testid="download-report">
              下载 Excel
            </Button>
          ) : null}
        </Space>
      }
    >
      {!isAdmin ? (
        <div data-state="empty">月度报表仅管理员可见；跟单员请在工作台查看本人客户的本月数据。</div>
      ) : (
        <Async state={report} empty="本月没有数据" isEmpty={(r) => !r || (r.byCustomer.length === 0 && r.byProduct.length === 0 && r.exceptions.length === 0)}>
          {(r) =>
            r ? (
              <Tabs
                items={[
                  {
                    key: 'c',
                    label: '按客户',
                    children: (
                      <Table rowKey="customerId" size="small" dataSource={r.byCustomer} columns={[
                        { title: '客户编码', dataIndex: 'customerCode' },
                        { title: '客户', dataIndex: 'customerName' },
                        { title: '跟单员', dataIndex: 'merchandiserName' },
                        { title: '订单数', dataIndex: 'orderCount', align: 'right' },
                        { title: '下单金额', dataIndex: 'orderedFen', align: 'right', render: fen },
                        { title: '发货单数', dataIndex: 'shippedCount', align: 'right' },
                        { title: '发货金额', dataIndex: 'shippedFen', align: 'right', render: fen },
                        { title: '回款', dataIndex: 'paidFen', align: 'right', render: fen },
                      ]} />
                    ),
                  },
                  {
                    key: 'p',
                    label: '按商品',
                    children: (
                      <Table rowKey="skuId" size="small" dataSource={r.byProduct} columns={[
                        { title: '编码', dataIndex: 'skuCode' },
                        { title: '商品', dataIndex: 'name' },
                        { title: '规格', dataIndex: 'spec' },
                        { title: '下单数量', dataIndex: 'orderedQty', align: 'right', render: (q: number, p) => `${q} ${p.baseUnit}` },
                        { title: '下单金额', dataIndex: 'orderedFen', align: 'right', render: fen },
                        { title: '发货数量', dataIndex: 'shippedQty', align: 'right', render: (q: number, p) => `${q} ${p.baseUnit}` },
                        { title: '发货金额', dataIndex: 'shippedFen', align: 'right', render: fen },
                      ]} />
                    ),
                  },
                  {
                    key: 'e',
                    label: `异常登记（${r.exceptions.length}）`,
                    children: (
                      <Table rowKey={(e) => `${e.orderNo}-${e.openedAt}`} size="small" dataSource={r.exceptions} columns={[
                        { title: '订单号', dataIndex: 'orderNo' },
                        { title: '客户', dataIndex: 'customerName' },
                        { title: '类型', dataIndex: 'kindLabel' },
                        { title: '严重程度', dataIndex: 'severityLabel' },
                        { title: '描述', dataIndex: 'description' },
                        { title: '负责人', dataIndex: 'owner' },
                        { title: '状态', dataIndex: 'statusLabel' },
                        { title: '登记时间', dataIndex: 'openedAt', render: dateTime },
                      ]} />
                    ),
                  },
                ]}
              />
            ) : null
          }
        </Async>
      )}
    </Card>
  );
}
