/**
 * 库存: on hand / reserved / available per SKU, low-stock alerts, adjustments with a reason (each a
 * stockMovements record, listed per SKU) and the low-stock threshold.
 */
import { useState } from 'react';
import { App, Button, Card, Drawer, Form, Input, InputNumber, Select, Space, Switch, Table, Tag } from 'antd';
import { STOCK_REASON_LABELS, type BackofficeStockRow, type StockReason } from '@dinghuo/shared/backofficeApi';
import { bo, errorMessage } from '../api/client';
import { Async, EmptyState, ErrorState, LoadingState, useApi } from '../components/states';
import { useSession } from '../session';
import { dateTime } from '../format';

function StockDrawer({ row, onClose, onChanged }: { row: BackofficeStockRow; onClose: () => void; onChanged: () => void }) {
  const { isAdmin } = useSession();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const [current, setCurrent] = useState(row);
  const movements = useApi(() => bo('stockMovements', { skuId: row.skuId, page: 1, pageSize: 50 }), [row.skuId]);
  const [form] = Form.useForm<{ delta: number; reason: StockReason; note: string }>();
  const [threshold, setThreshold] = useState<number | null>(row.lowStockThreshold);
  const adjust = async (v: { delta: number; reason: StockReason; note: string }) => {
    setBusy(true);
    try {
      const r = await bo('adjustStock', { skuId: row.skuId, delta: v.delta, reason: v.reason, note: v.note ?? '' });
      setCurrent(r.stock);
      form.resetFields();
      message.success(`已调整，现有 ${r.stock.onHand}`);
      movements.reload();
      onChanged();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const saveThreshold = async () => {
    try {
      const r = await bo('setLowStockThreshold', { skuId: row.skuId, threshold: threshold ?? 0 });
      setCurrent(r);
      message.success('已保存预警值');
      onChanged();
    } catch (e) {
      message.error(errorMessage(e));
    }
  };
  return (
    <Drawer open width={720} title={`${row.name} ${row.spec}（${row.code}）`} onClose={onClose}>
      <Space size="large" style={{ marginBottom: 16 }}>
        <span>现有 <b data-testid="stock-onhand">{current.onHand}</b> {row.baseUnit}</span>
        <span>预占 <b>{current.reserved}</b></span>
        <span>可用 <b>{current.available}</b></span>
        {current.low ? <Tag color="red">低库存</Tag> : null}
      </Space>
      {isAdmin ? (
        <>
          <Form form={form} layout="inline" onFinish={adjust} initialValues={{ reason: 'stocktake', note: '' }} style={{ marginBottom: 16 }}>
            <Form.Item name="delta" rules={[{ required: true, message: '填写调整数量' }]}><InputNumber precision={0} placeholder="+入库 / -出库" style={{ width: 140 }} data-testid="stock-delta" /></Form.Item>
            <Form.Item name="reason"><Select style={{ width: 110 }} options={Object.entries(STOCK_REASON_LABELS).map(([value, label]) => ({ value, label }))} /></Form.Item>
            <Form.Item name="note"><Input placeholder="备注" style={{ width: 180 }} maxLength={100} /></Form.Item>
            <Button type="primary" htmlType="submit" loading={busy} data-testid="stock-adjust">调整库存</Button>
          </Form>
          <Space style={{ marginBottom: 16 }}>
            低库存预警：可用 ≤ <InputNumber min={0} precision={0} value={threshold} onChange={setThreshold} /> {row.baseUnit}（0 = 不预警）
            <Button onClick={saveThreshold}>保存</Button>
          </Space>
        </>
      ) : null}
      <Async state={movements} empty="还没有库存变动记录" isEmpty={(m) => m.items.length === 0}>
        {(m) => (
          <Table rowKey="_id" size="small" dataSource={m.items} pagination={false} data-testid="stock-movements"
            columns={[
              { title: '时间', dataIndex: 'at', render: dateTime },
              { title: '变动', dataIndex: 'delta', align: 'right', render: (d: number) => (d > 0 ? `+${d}` : d) },
              { title: '原因', dataIndex: 'reason', render: (r: StockReason) => STOCK_REASON_LABELS[r] },
              { title: '备注', dataIndex: 'note' },
              { title: '变动后现有', dataIndex: 'onHandAfter', align: 'right' },
              { title: '操作人', render: (_, x) => x.by.name },
            ]} />
        )}
      </Async>
    </Drawer>
  );
}

export default function Stock() {
  const { refs } = useSession();
  const [keyword, setKeyword] = useState('');
  const [categoryId, setCategoryId] = useState<string>();
  const [lowOnly, setLowOnly] = useState(false);
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<BackofficeStockRow | null>(null);
  const list = useApi(() => bo('stock', { page, pageSize: 20, lowOnly, ...(keyword ? { keyword } : {}), ...(categoryId ? { categoryId } : {}) }), [page, keyword, categoryId, lowOnly]);
  return (
    <Card title="库存">
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search allowClear placeholder="编码 / 名称 / 规格" style={{ width: 220 }} onSearch={(v) => { setKeyword(v.trim()); setPage(1); }} />
        <Select allowClear placeholder="分类" style={{ width: 140 }} value={categoryId} onChange={(v) => { setCategoryId(v); setPage(1); }} options={refs.categories.map((c) => ({ value: c._id, label: c.name }))} />
        <span>只看低库存 <Switch checked={lowOnly} onChange={(v) => { setLowOnly(v); setPage(1); }} data-testid="stock-low-only" /></span>
      </Space>
      {list.error && !list.data ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <LoadingState />
      ) : list.data.items.length === 0 ? (
        <EmptyState description={lowOnly ? '没有低库存的商品' : '没有符合条件的商品'} />
      ) : (
        <Table<BackofficeStockRow>
          rowKey="skuId"
          size="middle"
          data-testid="stock-table"
          loading={list.loading}
          dataSource={list.data.items}
          pagination={{ current: page, pageSize: 20, total: list.data.total, showSizeChanger: false, onChange: setPage }}
          onRow={(r) => ({ onClick: () => setOpen(r), style: { cursor: 'pointer' } })}
          columns={[
            { title: '编码', dataIndex: 'code' },
            { title: '商品', dataIndex: 'name' },
            { title: '规格', dataIndex: 'spec' },
            { title: '现有', dataIndex: 'onHand', align: 'right' },
            { title: '预占', dataIndex: 'reserved', align: 'right' },
            { title: '可用', dataIndex: 'available', align: 'right', render: (v: number, r) => <span style={{ color: r.low ? '#cf1322' : undefined }}>{v} {r.baseUnit}</span> },
            { title: '预警值', dataIndex: 'lowStockThreshold', align: 'right', render: (v: number) => v || '—' },
            { title: '', render: (_, r) => (r.low ? <Tag color="red">低库存</Tag> : null) },
            { title: '状态', dataIndex: 'active', render: (a: boolean) => (a ? null : <Tag>已下架</Tag>) },
          ]}
        />
      )}
      {open ? <StockDrawer row={open} onClose={() => setOpen(null)} onChanged={list.reload} /> : null}
    </Card>
  );
}
