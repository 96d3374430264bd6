/**
 * 价格: price lists per level and per customer. Pick (or create) a list, edit its prices in a grid
 * (price, 阶梯价 as "数量:单价" pairs, 起订量), save all changes in one savePriceEntries call, and
 * preview what a customer pays for a SKU (backoffice.pricePreview: the catalog's own pricing code).
 */
import { useMemo, useState } from 'react';
import { App, Alert, Button, Card, Col, Descriptions, Input, InputNumber, Row, Select, Space, Table, Tag, Typography } from 'antd';
import type { PriceEntryInput, PriceGridRow, PricePreview } from '@dinghuo/shared/backofficeApi';
import { applyDiscountBp } from '@dinghuo/shared';
import { bo, errorMessage } from '../api/client';
import { Async, EmptyState, ErrorState, LoadingState, useApi } from '../components/states';
import { useSession } from '../session';
import { fen, parseYuanToFen } from '../format';

const SOURCE_LABELS: Record<PricePreview['source'], string> = { customer: '专属价', level: '等级价', list_discount: '标价×等级折扣' };

interface Edit {
  price: string;
  breaks: string;
  moq: number | null;
}

function breaksText(b: { minQty: number; priceFen: number }[]): string {
  return b.map((x) => `${x.minQty}:${(x.priceFen / 100).toFixed(2)}`).join(', ');
}

/** "48:1.80, 96:1.70" → breaks, or an error sentence. */
function parseBreaks(text: string): { minQty: number; priceFen: number }[] | string {
  const parts = text.split(/[,，;；\s]+/).filter(Boolean);
  const out: { minQty: number; priceFen: number }[] = [];
  for (const p of parts) {
    const [q, y] = p.split(/[:：]/);
    const minQty = Number(q);
    const priceFen = parseYuanToFen(y ?? '');
    if (!Number.isInteger(minQty) || minQty < 1 || priceFen === null) return `阶梯价“${p}”应写成 数量:单价，如 48:1.80`;
    out.push({ minQty, priceFen });
  }
  return out;
}

function CustomerSelect({ value, onChange, testId }: { value?: string; onChange: (v: string | undefined) => void; testId?: string }) {
  const [kw, setKw] = useState('');
  const list = useApi(() => bo('customers', { page: 1, pageSize: 50, ...(kw ? { keyword: kw } : {}) }), [kw]);
  return (
    <Select allowClear showSearch filterOption={false} placeholder="选择客户" style={{ width: 220 }} value={value} onSearch={setKw} onChange={onChange} loading={list.loading} data-testid={testId}
      options={(list.data?.items ?? []).map((c) => ({ value: c._id, label: `${c.name}（${c.code}）` }))} />
  );
}

function SkuSelect({ value, onChange }: { value?: string; onChange: (v: string | undefined) => void }) {
  const [kw, setKw] = useState('');
  const list = useApi(() => bo('products', { page: 1, pageSize: 50, ...(kw ? { keyword: kw } : {}) }), [kw]);
  return (
    <Select allowClear showSearch filterOption={false} placeholder="选择商品规格" style={{ width: 260 }} value={value} onSearch={setKw} onChange={onChange} loading={list.loading} data-testid="preview-sku"
      options={(list.data?.items ?? []).map((s) => ({ value: s.skuId, label: `${s.name} ${s.spec}（${s.code}）` }))} />
  );
}

function Preview() {
  const [customerId, setCustomerId] = useState<string>();
  const [skuId, setSkuId] = useState<string>();
  const [unit, setUnit] = useState<'piece' | 'case' | undefined>();
  const [count, setCount] = useState<number | null>(null);
  const preview = useApi(
    async () => (customerId && skuId ? bo('pricePreview', { customerId, skuId, ...(unit ? { unit } : {}), ...(count ? { count } : {}) }) : null),
    [customerId, skuId, unit, count],
  );
  return (
    <Card title="客户价格预览" size="small" style={{ marginTop: 16 }} data-testid="price-preview">
      <Space wrap>
        <CustomerSelect value={customerId} onChange={setCustomerId} testId="preview-customer" />
        <SkuSelect value={skuId} onChange={setSkuId} />
        <Select allowClear placeholder="单位" style={{ width: 90 }} value={unit} onChange={setUnit} options={[{ value: 'piece', label: '按件' }, { value: 'case', label: '按箱' }]} />
        <InputNumber min={1} precision={0} placeholder="数量" value={count} onChange={(v) => setCount(v)} />
      </Space>
      <div style={{ marginTop: 12 }}>
        {!customerId || !skuId ? (
          <Typography.Text type="secondary">选择客户和商品，查看该客户下单时的实际价格（与小程序目录同一套计价规则）。</Typography.Text>
        ) : (
          <Async state={preview} empty="无数据">
            {(p) =>
              p ? (
                <Descriptions size="small" column={3} bordered>
                  <Descriptions.Item label="客户">{p.customerName}（{p.levelName}）</Descriptions.Item>
                  <Descriptions.Item label="单价"><span data-testid="preview-unit-price">{fen(p.item.unitPriceFen)}</span>/{p.item.baseUnit}</Descriptions.Item>
                  <Descriptions.Item label="来源"><Tag>{SOURCE_LABELS[p.source]}</Tag>{p.sold ? null : <Tag color="red">不对该客户销售</Tag>}</Descriptions.Item>
                  <Descriptions.Item label="阶梯价">{p.item.breaks.length ? p.item.breaks.map((b) => `${b.minQty}${p.item.baseUnit}起 ${fen(b.priceFen)}`).join('；') : '无'}</Descriptions.Item>
                  <Descriptions.Item label="起订量">{p.item.moq}{p.item.baseUnit}</Descriptions.Item>
                  <Descriptions.Item label="数量金额">
                    {p.quantity ? `${p.quantity.count}${p.quantity.unit === 'case' ? p.item.caseUnit : p.item.baseUnit}（${p.quantity.qty}${p.item.baseUnit}）× ${fen(p.quantity.unitPriceFen)} = ${fen(p.quantity.amountFen)}` : '—'}
                    {p.error ? <Alert type="warning" showIcon message={p.error.message} style={{ marginTop: 4 }} /> : null}
                  </Descriptions.Item>
                </Descriptions>
              ) : null
            }
          </Async>
        )}
      </div>
    </Card>
  );
}

export default function Prices() {
  const { refs, isAdmin } = useSession();
  const { message } = App.useApp();
  const lists = useApi(() => bo('priceLists', {}), []);
  const [listId, setListId] = useState<string>();
  const [keyword, setKeyword] = useState('');
  const [page, setPage] = useState(1);
  const [edits, setEdits] = useState<Record<string, Edit>>({});
  const [saving, setSaving] = useState(false);
  const [newLevel, setNewLevel] = useState<string>();
  const [newCustomer, setNewCustomer] = useState<string>();
  const grid = useApi(async () => (listId ? bo('priceGrid', { priceListId: listId, page, pageSize: 20, ...(keyword ? { keyword } : {}) }) : null), [listId, page, keyword]);

  const open = async (input: { scope: 'level'; levelId: string } | { scope: 'customer'; customerId: string }) => {
    try {
      const l = await bo('ensurePriceList', input);
      lists.reload();
      setListId(l._id);
      setEdits({});
      setPage(1);
    } catch (e) {
      message.error(errorMessage(e));
    }
  };

  const editOf = (r: PriceGridRow): Edit =>
    edits[r.skuId] ?? { price: r.entry ? (r.entry.priceFen / 100).toFixed(2) : '', breaks: r.entry ? breaksText(r.entry.breaks) : '', moq: r.entry?.moq ?? null };
  const setEdit = (r: PriceGridRow, patch: Partial<Edit>) => setEdits((e) => ({ ...e, [r.skuId]: { ...editOf(r), ...patch } }));

  const save = async () => {
    if (!listId) return;
    const upsert: PriceEntryInput[] = [];
    const remove: string[] = [];
    for (const [skuId, e] of Object.entries(edits)) {
      if (!e.price.trim()) {
        remove.push(skuId);
        continue;
      }
      const priceFen = parseYuanToFen(e.price);
      if (priceFen === null) return void message.error(`“${e.price}”不是金额`);
      const breaks = parseBreaks(e.breaks);
      if (typeof breaks === 'string') return void message.error(breaks);
      upsert.push({ skuId, priceFen, breaks, moq: e.moq });
    }
    setSaving(true);
    try {
      const r = await bo('savePriceEntries', { priceListId: listId, upsert, remove });
      message.success(`已保存 ${r.upserted} 个价格${r.removed ? `，删除 ${r.removed} 个` : ''}`);
      setEdits({});
      grid.reload();
      lists.reload();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const current = useMemo(() => lists.data?.find((l) => l._id === listId), [lists.data, listId]);
  const dirty = Object.keys(edits).length;
  return (
    <>
      <Card title="价格表">
        <Row gutter={16}>
          <Col span={24}>
            <Space wrap style={{ marginBottom: 16 }}>
              <Select
                placeholder="选择价格表"
                style={{ width: 280 }}
                value={listId}
                loading={lists.loading}
                data-testid="price-list-select"
                onChange={(v) => { setListId(v); setEdits({}); setPage(1); }}
                options={(lists.data ?? []).map((l) => ({ value: l._id, label: `${l.scope === 'level' ? '等级' : '客户'}：${l.targetName}（${l.entryCount} 个价格）` }))}
              />
              {isAdmin ? (
                <>
                  <Select placeholder="等级" style={{ width: 140 }} value={newLevel} onChange={setNewLevel} options={refs.levels.map((l) => ({ value: l._id, label: l.name }))} />
                  <Button disabled={!newLevel} onClick={() => newLevel && open({ scope: 'level', levelId: newLevel })}>打开等级价格表</Button>
                  <CustomerSelect value={newCustomer} onChange={setNewCustomer} testId="price-customer" />
                  <Button disabled={!newCustomer} onClick={() => newCustomer && open({ scope: 'customer', customerId: newCustomer })} data-testid="open-customer-list">打开客户专属价</Button>
                </>
              ) : null}
            </Space>
          </Col>
        </Row>
        {lists.error && !lists.data ? (
          <ErrorState error={lists.error} onRetry={lists.reload} />
        ) : !lists.data ? (
          <LoadingState />
        ) : !listId ? (
          <EmptyState description={lists.data.length ? '选择一个价格表，或按等级 / 客户打开（没有时自动新建）' : '还没有价格表：按等级 / 客户打开（没有时自动新建）'} />
        ) : (
          <>
            <Space style={{ marginBottom: 12 }}>
              <Input.Search allowClear placeholder="搜索商品" style={{ width: 220 }} onSearch={(v) => { setKeyword(v.trim()); setPage(1); }} />
              {isAdmin ? (
                <Button type="primary" disabled={!dirty} loading={saving} onClick={save} data-testid="price-save">
                  保存{dirty ? `（${dirty} 处修改）` : ''}
                </Button>
              ) : null}
              {current ? <Typography.Text type="secondary">{current.scope === 'level' ? '等级价格表' : '客户专属价'}：{current.targetName}；清空价格即删除该条</Typography.Text> : null}
            </Space>
            <Async state={grid} empty="没有商品" isEmpty={(g) => !g || g.rows.items.length === 0}>
              {(g) =>
                g ? (
                  <Table<PriceGridRow>
                    rowKey="skuId"
                    size="small"
                    data-testid="price-grid"
                    loading={grid.loading}
                    dataSource={g.rows.items}
                    pagination={{ current: page, pageSize: 20, total: g.rows.total, showSizeChanger: false, onChange: setPage }}
                    columns={[
                      { title: '编码', dataIndex: 'code' },
                      { title: '商品', render: (_, r) => `${r.name} ${r.spec}` },
                      { title: '标价', dataIndex: 'listPriceFen', align: 'right', render: (v: number, r) => `${fen(v)}/${r.baseUnit}` },
                      { title: '折扣价', align: 'right', render: (_, r) => fen(applyDiscountBp(r.listPriceFen, g.levelDiscountBp)) },
                      {
                        title: '本表单价（元）',
                        render: (_, r) => <Input size="small" prefix="¥" style={{ width: 120 }} disabled={!isAdmin} value={editOf(r).price} onChange={(e) => setEdit(r, { price: e.target.value })} data-testid={`price-${r.code}`} />,
                      },
                      {
                        title: '阶梯价（数量:单价）',
                        render: (_, r) => <Input size="small" style={{ width: 200 }} disabled={!isAdmin} placeholder="如 48:1.80, 96:1.70" value={editOf(r).breaks} onChange={(e) => setEdit(r, { breaks: e.target.value })} />,
                      },
                      {
                        title: '起订量',
                        render: (_, r) => <InputNumber size="small" min={1} precision={0} disabled={!isAdmin} value={editOf(r).moq} onChange={(v) => setEdit(r, { moq: v ?? null })} />,
                      },
                      { title: '', render: (_, r) => (edits[r.skuId] ? <Tag color="orange">未保存</Tag> : r.entry ? <Tag color="blue">已设</Tag> : null) },
                    ]}
                  />
                ) : null
              }
            </Async>
          </>
        )}
      </Card>
      <Preview />
    </>
  );
}
