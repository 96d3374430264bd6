/**
 * 订单看板: every order the caller may see, newest first, filtered by status, customer,
 * merchandiser and the date placed; paged by the function (a page of rows, never all 10,000).
 * Filters live in the URL (?status=submitted&page=2…), so a board can be linked and reloaded.
 * 批量审核: select 待审核 rows → backoffice.bulkConfirm (the 跟单 tab's review, per order).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { App, Button, Card, DatePicker, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import dayjs from 'dayjs';
import { ORDER_STATUSES, type OrderStatus } from '@dinghuo/shared/labels';
import type { BoardOrder, BulkConfirmResult } from '@dinghuo/shared/backofficeApi';
import type { ActionInput } from '@dinghuo/shared/api';
import type { Page } from '@dinghuo/shared/ids';
import { bo, errorMessage } from '../api/client';
import { EmptyState, ErrorState, LoadingState, useApi } from '../components/states';
import { useSession } from '../session';
import { dateTime, fen, statusLabel, STATUS_COLORS } from '../format';

const PAGE_SIZE = 20;

type BoardInput = ActionInput<'backoffice', 'orders'>;
type BoardPage = Page<BoardOrder>;

function filtersOf(params: URLSearchParams) {
  return {
    status: (params.get('status') || undefined) as OrderStatus | undefined,
    customerId: params.get('customerId') || undefined,
    merchandiserId: params.get('merchandiserId') || undefined,
    from: params.get('from') || undefined,
    to: params.get('to') || undefined,
    orderNo: params.get('orderNo') || undefined,
    page: Number(params.get('page') || 1),
  };
}

function boardInput(f: ReturnType<typeof filtersOf>): BoardInput {
  return {
    page: f.page,
    pageSize: PAGE_SIZE,
    ...(f.status ? { status: f.status } : {}),
    ...(f.customerId ? { customerId: f.customerId } : {}),
    ...(f.merchandiserId ? { merchandiserId: f.merchandiserId } : {}),
    ...(f.from ? { from: f.from } : {}),
    ...(f.to ? { to: f.to } : {}),
    ...(f.orderNo ? { orderNo: f.orderNo } : {}),
  };
}

/**
 * The board's first page, asked for while the app boots (main.tsx calls this when the app opens
 * on /orders), so the request runs beside the sign-in check instead of after it.
 */
let prefetched: { key: string; value?: BoardPage; promise: Promise<BoardPage> } | null = null;
export function prefetchBoard(search: string): void {
  const input = boardInput(filtersOf(new URLSearchParams(search)));
  const key = JSON.stringify(input);
  const promise = bo('orders', input);
  const entry: NonNullable<typeof prefetched> = { key, promise };
  promise.then((v) => (entry.value = v), () => undefined);
  prefetched = entry;
}
function takePrefetched(input: BoardInput): NonNullable<typeof prefetched> | null {
  const p = prefetched;
  prefetched = null;
  return p && p.key === JSON.stringify(input) ? p : null;
}

function useFilters() {
  const [params, setParams] = useSearchParams();
  const filters = filtersOf(params);
  const set = (patch: Partial<Record<keyof typeof filters, string | number | undefined>>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page');
    setParams(next, { replace: true });
  };
  return [filters, set] as const;
}

export default function OrdersPage() {
  const { refs, isAdmin } = useSession();
  const { message } = App.useApp();
  const [f, setF] = useFilters();
  const [selected, setSelected] = useState<string[]>([]);
  const [bulkBusy, setBulkBusy] = useState(false);
  const [bulkResult, setBulkResult] = useState<BulkConfirmResult | null>(null);
  const [customerKeyword, setCustomerKeyword] = useState('');

  // the prefetched first page: shown at once when it has answered, else awaited once (a retry asks again)
  const earlyRef = useRef<ReturnType<typeof takePrefetched>>(null);
  const [initialBoard] = useState(() => {
    const e = takePrefetched(boardInput(f));
    if (e?.value) return e.value;
    earlyRef.current = e;
    return undefined;
  });
  const board = useApi(
    () => {
      const input = boardInput(f);
      const e = earlyRef.current;
      earlyRef.current = null;
      return e && e.key === JSON.stringify(input) ? e.promise : bo('orders', input);
    },
    [f.page, f.status, f.customerId, f.merchandiserId, f.from, f.to, f.orderNo],
    initialBoard,
  );
  const customers = useApi(() => bo('customers', { page: 1, pageSize: 50, ...(customerKeyword ? { keyword: customerKeyword } : {}) }), [customerKeyword]);
  const merchandisers = refs.staff.filter((s) => s.role === 'merchandiser');

  const columns: ColumnsType<BoardOrder> = useMemo(
    () => [
      { title: '订单号', dataIndex: 'orderNo', render: (no: string, o) => <Link to={`/orders/${o._id}`}>{no}</Link> },
      { title: '客户', dataIndex: 'customerName', render: (n: string, o) => <span title={o.customerCode}>{n}</span> },
      { title: '状态', dataIndex: 'status', render: (s: OrderStatus, o) => (
          <Space size={4}>
            <Tag color={STATUS_COLORS[s]}>{statusLabel(s)}</Tag>
            {o.overdue ? <Tag color="red">逾期</Tag> : null}
            {o.openExceptions > 0 ? <Tag color="orange">异常 {o.openExceptions}</Tag> : null}
          </Space>
        ) },
      { title: '金额', dataIndex: 'totalFen', align: 'right', render: (v: number) => fen(v) },
      { title: '商品', dataIndex: 'firstLineName', render: (n: string, o) => (o.lineCount > 1 ? `${n} 等 ${o.lineCount} 种` : n) },
      { title: '下单时间', dataIndex: 'createdAt', render: (v: number) => dateTime(v) },
      { title: '交期', dataIndex: 'dueDate', render: (v: string | null) => v ?? '—' },
      { title: '跟单员', dataIndex: 'merchandiserName' },
    ],
    [],
  );

  const bulkConfirm = async () => {
    setBulkBusy(true);
    try {
      const r = await bo('bulkConfirm', { orderIds: selected });
      setBulkResult(r);
      if (r.failed === 0) message.success(`已审核 ${r.confirmed} 个订单`);
      setSelected([]);
      board.reload();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBulkBusy(false);
    }
  };

  const page = board.data;
  // The filter controls (selects, the date range picker) mount right after the first rows are
  // on screen: they cost as much to render as the table, and nobody filters before seeing it.
  const [filtersReady, setFiltersReady] = useState(false);
  useEffect(() => {
    if (filtersReady || (!page && !board.error)) return;
    const id = requestAnimationFrame(() => setTimeout(() => setFiltersReady(true), 0));
    return () => cancelAnimationFrame(id);
  }, [filtersReady, page, board.error]);
  return (
    <Card title="订单" extra={<Typography.Text type="secondary">{page ? `共 ${page.total} 单` : ''}</Typography.Text>}>
      {!filtersReady ? <div style={{ height: 48 }} /> : (
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
      )}
      {board.error && !page ? (
        <ErrorState error={board.error} onRetry={board.reload} />
      ) : !page ? (
        <LoadingState />
      ) : page.items.length === 0 ? (
        <EmptyState description="没有符合条件的订单" />
      ) : (
        <Table<BoardOrder>
          rowKey="_id"
          size="middle"
          data-testid="order-board"
          loading={board.loading}
          columns={columns}
          dataSource={page.items}
          rowSelection={{
            selectedRowKeys: selected,
            onChange: (keys) => setSelected(keys as string[]),
            getCheckboxProps: (o) => ({ disabled: o.status !== 'submitted', name: o.orderNo }),
          }}
          pagination={{
            current: page.page,
            pageSize: PAGE_SIZE,
            total: page.total,
            showSizeChanger: false,
            showTotal: (t) => `共 ${t} 单`,
            onChange: (p) => setF({ page: p }),
          }}
        />
      )}
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
    </Card>
  );
}
