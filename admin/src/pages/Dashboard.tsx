/** 工作台: today's orders and amount, overdue / due soon / exceptions, this month by day, customer and product. */
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Card, Col, DatePicker, Row, Statistic, Table } from 'antd';
import dayjs from 'dayjs';
import type { DashboardView } from '@dinghuo/shared/backofficeApi';
import { bo } from '../api/client';
import { Async, EmptyState, useApi } from '../components/states';
import Chart, { type ChartOption } from '../components/Chart';
import { fen, formatFen } from '../format';

const yuan = (f: number) => Math.round(f) / 100;

function charts(d: DashboardView): { byDay: ChartOption; byCustomer: ChartOption; byProduct: ChartOption } {
  const topCustomers = d.byCustomer.slice(0, 10);
  const topProducts = d.byProduct.slice(0, 10);
  return {
    byDay: {
      tooltip: { trigger: 'axis' },
      legend: { top: 0, data: ['订单数', '金额（元）'] },
      grid: { left: 50, right: 60, top: 40, bottom: 30 },
      xAxis: { type: 'category', data: d.byDay.map((x) => x.date.slice(5)) },
      yAxis: [{ type: 'value', name: '单' }, { type: 'value', name: '元' }],
      series: [
        { name: '订单数', type: 'bar', data: d.byDay.map((x) => x.orders) },
        { name: '金额（元）', type: 'line', yAxisIndex: 1, smooth: true, data: d.byDay.map((x) => yuan(x.amountFen)) },
      ],
    },
    byCustomer: {
      tooltip: { trigger: 'item', valueFormatter: (v: unknown) => formatFen(Math.round(Number(v) * 100)) },
      series: [{ type: 'pie', radius: ['35%', '65%'], data: topCustomers.map((c) => ({ name: c.customerName, value: yuan(c.orderedFen) })) }],
    },
    byProduct: {
      tooltip: { trigger: 'axis' },
      grid: { left: 140, right: 30, top: 10, bottom: 30 },
      xAxis: { type: 'value', name: '元' },
      yAxis: { type: 'category', inverse: true, data: topProducts.map((p) => `${p.name}${p.spec ? ` ${p.spec}` : ''}`) },
      series: [{ type: 'bar', data: topProducts.map((p) => yuan(p.orderedFen)) }],
    },
  };
}

export default function Dashboard() {
  const [month, setMonth] = useState<string | undefined>(undefined);
  const state = useApi(() => bo('dashboard', month ? { month } : {}), [month]);
  const opts = useMemo(() => (state.data ? charts(state.data) : null), [state.data]);
  return (
    <Async state={state} empty="暂无数据">
      {(d) => (
        <div data-testid="dashboard">
          <Row gutter={[16, 16]}>
            <Col span={4}><Card><Statistic title="今日订单" value={d.today.orders} suffix="单" /></Card></Col>
            <Col span={5}><Card><Statistic title="今日金额" value={fen(d.today.amountFen)} /></Card></Col>
            <Col span={4}><Card><Link to="/orders?status=submitted"><Statistic title="待审核" value={d.today.awaitingReview} suffix="单" /></Link></Card></Col>
            <Col span={4}><Card><Statistic title="已逾期" value={d.overdue} valueStyle={{ color: d.overdue ? '#cf1322' : undefined }} suffix="单" /></Card></Col>
            <Col span={3}><Card><Statistic title="3天内到期" value={d.dueSoon} /></Card></Col>
            <Col span={4}><Card><Statistic title="未处理异常" value={d.openExceptions} valueStyle={{ color: d.openExceptions ? '#d46b08' : undefined }} /></Card></Col>
          </Row>
          <Card
            style={{ marginTop: 16 }}
            title={`${d.month} 每日订单`}
            extra={<DatePicker picker="month" allowClear={false} value={dayjs(`${d.month}-01`)} onChange={(v) => v && setMonth(v.format('YYYY-MM'))} />}
          >
            <Row gutter={16}>
              <Col span={6}><Statistic title="本月订单" value={d.totals.orderCount} suffix="单" /></Col>
              <Col span={6}><Statistic title="下单金额" value={fen(d.totals.orderedFen)} /></Col>
              <Col span={6}><Statistic title="发货金额" value={fen(d.totals.shippedFen)} /></Col>
              <Col span={6}><Statistic title="回款金额" value={fen(d.totals.paidFen)} /></Col>
            </Row>
            {opts ? <Chart option={opts.byDay} height={280} testId="chart-by-day" /> : null}
          </Card>
          <Row gutter={16} style={{ marginTop: 16 }}>
            <Col span={10}>
              <Card title="本月按客户（下单金额前 10）">
                {d.byCustomer.length && opts ? <Chart option={opts.byCustomer} height={300} testId="chart-by-customer" /> : <EmptyState description="本月还没有订单" />}
              </Card>
            </Col>
            <Col span={14}>
              <Card title="本月按商品（下单金额前 10）">
                {d.byProduct.length && opts ? <Chart option={opts.byProduct} height={300} testId="chart-by-product" /> : <EmptyState description="本月还没有订单" />}
              </Card>
            </Col>
          </Row>
          <Card title="本月按客户" style={{ marginTop: 16 }}>
            <Table
              rowKey="customerId"
              size="small"
              dataSource={d.byCustomer}
              pagination={{ pageSize: 10 }}
              columns={[
                { title: '客户', dataIndex: 'customerName' },
                { title: '跟单员', dataIndex: 'merchandiserName' },
                { title: '订单数', dataIndex: 'orderCount', align: 'right' },
                { title: '下单金额', dataIndex: 'orderedFen', align: 'right', render: fen },
                { title: '发货金额', dataIndex: 'shippedFen', align: 'right', render: fen },
                { title: '回款', dataIndex: 'paidFen', align: 'right', render: fen },
              ]}
            />
          </Card>
        </div>
      )}
    </Async>
  );
}
