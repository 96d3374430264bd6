/**
 * The order board's filter bar and 批量审核 (select 待审核 rows → backoffice.bulkConfirm, the 跟单
 * tab's review per order). Its own chunk, loaded after the board's first rows are on screen: the
 * selects, the date range picker and the dialogs cost more to load and render than the table, and
 * nobody filters before seeing the board.
 */
import { useState } from 'react';
import { App, Button, DatePicker, Input, Modal, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { ORDER_STATUSES, type OrderStatus } from '@dinghuo/shared/labels';
import type { BulkConfirmResult } from '@dinghuo/shared/backofficeApi';
import { bo, errorMessage } from '../api/client';
import { useApi } from '../components/states';
import { useSession } from '../session';
import { statusLabel } from '../format';

export interface BoardFilters {
  status?: OrderStatus;
  customerId?: string;
  merchandiserId?: string;
  from?: string;
  to?: string;
  orderNo?: string;
}

export default function OrderFilters({
  f,
  setF,
  selected,
  onBulkDone,
}: {
  f: BoardFilters;
  setF: (patch: Partial<Record<keyof BoardFilters, string | undefined>>) => void;
  selected: string[];
  /** After 批量审核 answered: clear the selection and reload the board. */
  onBulkDone: () => void;
}) {
  const { refs, isAdmin } = useSession();
  const { message } = App.useApp();
  const [bulkBusy, setBulkBusy] = useState(false);
  const [bulkResult, setBulkResult] = useState<BulkConfirmResult | null>(null);
  const [customerKeyword, setCustomerKeyword] = useState('');
  const customers = useApi(() => bo('customers', { page: 1, pageSize: 50, ...(customerKeyword ? { keyword: customerKeyword } : {}) }), [customerKeyword]);
  const merchandisers = refs.staff.filter((s) => s.role === 'merchandiser');

  const bulkConfirm = async () => {
    setBulkBusy(true);
    try {
      const r = await bo('bulkConfirm', { orderIds: selected });
      setBulkResult(r);
      if (r.failed === 0) message.success(`已审核 ${r.confirmed} 个订单`);
      onBulkDone();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBulkBusy(false);
    }
  };

  return (
    <>
      <Space wrap style={{ marginBottom: 16 }} data-testid="order-filters">
        <Select
          allowClear
          placeholder="状态"
          style={{ width: 120 }}
          value={f.status}
          data-testid="filter-status"
          options={ORDER_STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
          onChange={(v) => setF({ status: v })}
        />
        <Select
          allowClear
          showSearch
          filterOption={false}
          placeholder="客户"
          style={{ width: 200 }}
          value={f.customerId}
          onSearch={setCustomerKeyword}
          loading={customers.loading}
          options={(customers.data?.items ?? []).map((c) => ({ value: c._id, label: `${c.name}（${c.code}）` }))}
          onChange={(v) => setF({ customerId: v })}
        />
        {isAdmin ? (
          <Select
            allowClear
            placeholder="跟单员"
            style={{ width: 140 }}
            value={f.merchandiserId}
            options={merchandisers.map((s) => ({ value: s._id, label: s.name }))}
            onChange={(v) => setF({ merchandiserId: v })}
          />
        ) : null}
        <DatePicker.RangePicker
          value={f.from && f.to ? [dayjs(f.from), dayjs(f.to)] : null}
          onChange={(r) => setF({ from: r?.[0]?.format('YYYY-MM-DD'), to: r?.[1]?.format('YYYY-MM-DD') })}
        />
        <Input.Search allowClear placeholder="订单号" style={{ width: 200 }} defaultValue={f.orderNo} onSearch={(v) => setF({ orderNo: v.trim() || undefined })} />
        <Button
          type="primary"
          data-testid="bulk-confirm"
          disabled={selected.length === 0}
          loading={bulkBusy}
          onClick={() =>
            Modal.confirm({
              title: `批量审核 ${selected.length} 个订单？`,
              content: '按各商品的交货周期确定交期，与跟单页的审单相同。',
              okText: '审核通过',
              cancelText: '取消',
              onOk: bulkConfirm,
            })
          }
        >
          批量审核{selected.length ? `（${selected.length}）` : ''}
        </Button>
      </Space>
      <Modal open={!!bulkResult && bulkResult.failed > 0} title="批量审核结果" footer={null} onCancel={() => setBulkResult(null)}>
        {bulkResult ? (
          <>
            <p>
              通过 {bulkResult.confirmed} 单，失败 {bulkResult.failed} 单：
            </p>
            <ul data-testid="bulk-failures">
              {bulkResult.results
                .filter((r) => !r.ok)
                .map((r) => (
                  <li key={r.orderId}>
                    {r.orderNo ?? r.orderId}：{r.error?.message}
                  </li>
                ))}
            </ul>
          </>
        ) : null}
      </Modal>
    </>
  );
}
