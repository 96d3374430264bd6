/**
 * 订单看板: every order the caller may see, newest first, filtered by status, customer,
 * merchandiser and the date placed; paged by the function (a page of rows, never all 10,000).
 * Filters live in the URL (?status=submitted&page=2…), so a board can be linked and reloaded.
 * 批量审核: select 待审核 rows → backoffice.bulkConfirm (the 跟单 tab's review, per order).
 */
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Card, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { OrderStatus } from '@dinghuo/shared/labels';
import type { BoardOrder } from '@dinghuo/shared/backofficeApi';
import type { ActionInput } from '@dinghuo/shared/api';
import type { Page } from '@dinghuo/shared/ids';
import { bo } from '../api/client';
import { prefetch, takePrefetched } from '../api/prefetch';
import { EmptyState, ErrorState, LoadingState, useApi } from '../components/states';
import { dateTime, fen, statusLabel, STATUS_COLORS } from '../format';

const OrderFilters = lazy(() => import('./OrderFilters'));

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
export function prefetchBoard(search: string): void {
  const input = boardInput(filtersOf(new URLSearchParams(search)));
  prefetch(`orders:${JSON.stringify(input)}`, () => bo('orders', input));
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
  const [f, setF] = useFilters();
  const [selected, setSelected] = useState<string[]>([]);

  // the prefetched first page: shown at once when it has answered, else awaited once (a retry asks again)
  const [early] = useState(() => takePrefetched<BoardPage>(`orders:${JSON.stringify(boardInput(f))}`));
  const pending = useRef(early && early.value === undefined ? early.promise : null);
  const board = useApi(
    () => {
      const p = pending.current;
      pending.current = null;
      return p ?? bo('orders', boardInput(f));
    },
    [f.page, f.status, f.customerId, f.merchandiserId, f.from, f.to, f.orderNo],
    early?.value,
  );

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
        <Suspense fallback={<div style={{ height: 48 }} />}>
          <OrderFilters
            f={f}
            setF={setF}
            selected={selected}
            onBulkDone={() => {
              setSelected([]);
              board.reload();
            }}
          />
        </Suspense>
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
    </Card>
  );
}
