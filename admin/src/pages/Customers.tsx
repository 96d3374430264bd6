/**
 * 客户: customers with level, credit limit, merchandiser, active; the customer drawer edits them
 * and their addresses, and manages the invitation code (create, revoke) and the bound WeChat users.
 */
import { useState } from 'react';
import { App, Button, Card, Col, Descriptions, Drawer, Form, Input, Popconfirm, Row, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import type { BackofficeCustomerDetail, BackofficeCustomerRow } from '@dinghuo/shared/backofficeApi';
import { bo, errorMessage } from '../api/client';
import { EmptyState, ErrorState, LoadingState, useApi } from '../components/states';
import { useSession } from '../session';
import { dateTime, fen, parseYuanToFen } from '../format';

interface CustomerForm {
  _id?: string;
  code: string;
  name: string;
  levelId: string;
  merchandiserId: string;
  creditLimit: string;
  active: boolean;
  addresses: { id: string; contact: string; phone: string; address: string; isDefault: boolean }[];
}

function toForm(c: BackofficeCustomerDetail | null, defaults: { levelId: string; merchandiserId: string }): CustomerForm {
  if (!c) return { code: '', name: '', ...defaults, creditLimit: '', active: true, addresses: [] };
  return {
    _id: c._id,
    code: c.code,
    name: c.name,
    levelId: c.levelId,
    merchandiserId: c.merchandiserId,
    creditLimit: c.creditLimitFen === null ? '' : (c.creditLimitFen / 100).toFixed(2),
    active: c.active,
    addresses: c.addresses.map((a) => ({ ...a, isDefault: !!a.isDefault })),
  };
}

function CustomerDrawer({ customerId, onClose, onSaved }: { customerId: string | null; onClose: () => void; onSaved: () => void }) {
  const { refs, isAdmin } = useSession();
  const { message } = App.useApp();
  const [form] = Form.useForm<CustomerForm>();
  const [busy, setBusy] = useState(false);
  const [id, setId] = useState(customerId);
  const detail = useApi(async () => (id ? bo('customer', { customerId: id }) : null), [id]);
  const [override, setOverride] = useState<BackofficeCustomerDetail | null>(null);
  const c = override ?? detail.data ?? null;
  const merchandisers = refs.staff.filter((s) => s.role === 'merchandiser');

  const run = async (fn: () => Promise<BackofficeCustomerDetail>, done: string) => {
    setBusy(true);
    try {
      const next = await fn();
      setOverride(next);
      setId(next._id);
      message.success(done);
      onSaved();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const save = (v: CustomerForm) => {
    const creditLimitFen = v.creditLimit?.trim() ? parseYuanToFen(v.creditLimit) : null;
    if (v.creditLimit?.trim() && creditLimitFen === null) return void message.error('信用额度不是金额');
    void run(
      () =>
        bo('saveCustomer', {
          ...(v._id ? { _id: v._id } : {}),
          code: v.code,
          name: v.name,
          levelId: v.levelId,
          merchandiserId: v.merchandiserId,
          creditLimitFen,
          active: v.active,
          addresses: (v.addresses ?? []).map((a, i) => ({ ...a, id: a.id || `addr${Date.now().toString(36)}${i}`, isDefault: !!a.isDefault })),
        }),
      '已保存',
    );
  };

  return (
    <Drawer open width={860} title={id ? `客户：${c?.name ?? ''}` : '新建客户'} onClose={onClose}
      extra={isAdmin ? <Button type="primary" loading={busy} onClick={() => form.submit()} data-testid="customer-save">保存</Button> : null}>
      {detail.error && !c ? (
        <ErrorState error={detail.error} onRetry={detail.reload} />
      ) : id && !c ? (
        <LoadingState />
      ) : (
        <>
          <Form key={c?._id ?? 'new'} form={form} layout="vertical" disabled={!isAdmin} initialValues={toForm(c, { levelId: refs.levels[0]?._id ?? '', merchandiserId: merchandisers[0]?._id ?? '' })} onFinish={save}>
            <Form.Item name="_id" hidden><Input /></Form.Item>
            <Row gutter={12}>
              <Col span={6}><Form.Item name="code" label="客户编码" rules={[{ required: true, message: '请填写' }]}><Input disabled={!!id} /></Form.Item></Col>
              <Col span={10}><Form.Item name="name" label="客户名称" rules={[{ required: true, message: '请填写' }]}><Input /></Form.Item></Col>
              <Col span={8}><Form.Item name="active" label="启用" valuePropName="checked"><Switch /></Form.Item></Col>
            </Row>
            <Row gutter={12}>
              <Col span={8}><Form.Item name="levelId" label="客户等级" rules={[{ required: true, message: '请选择' }]}><Select options={refs.levels.map((l) => ({ value: l._id, label: `${l.name}（${l.discountBp / 100}%）` }))} /></Form.Item></Col>
              <Col span={8}><Form.Item name="merchandiserId" label="跟单员" rules={[{ required: true, message: '请选择' }]}><Select options={merchandisers.map((s) => ({ value: s._id, label: s.name }))} /></Form.Item></Col>
              <Col span={8}><Form.Item name="creditLimit" label="信用额度（元，空 = 不限）"><Input prefix="¥" /></Form.Item></Col>
            </Row>
            <Typography.Title level={5}>收货地址</Typography.Title>
            <Form.List name="addresses">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((f) => (
                    <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                      <Form.Item name={[f.name, 'id']} hidden><Input /></Form.Item>
                      <Form.Item name={[f.name, 'contact']} rules={[{ required: true, message: '联系人' }]}><Input placeholder="联系人" style={{ width: 100 }} /></Form.Item>
                      <Form.Item name={[f.name, 'phone']} rules={[{ required: true, message: '电话' }]}><Input placeholder="电话" style={{ width: 140 }} /></Form.Item>
                      <Form.Item name={[f.name, 'address']} rules={[{ required: true, message: '地址' }]}><Input placeholder="地址" style={{ width: 320 }} /></Form.Item>
                      <Form.Item name={[f.name, 'isDefault']} valuePropName="checked"><Switch checkedChildren="默认" unCheckedChildren="默认" /></Form.Item>
                      <MinusCircleOutlined onClick={() => remove(f.name)} />
                    </Space>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ id: '', contact: '', phone: '', address: '', isDefault: fields.length === 0 })}>添加地址</Button>
                </>
              )}
            </Form.List>
          </Form>
          {c ? (
            <>
              <Descriptions title="往来" size="small" bordered column={2} style={{ marginTop: 24 }}>
                <Descriptions.Item label="未结金额">{fen(c.outstandingFen)}</Descriptions.Item>
                <Descriptions.Item label="未完成订单">{c.openOrders}</Descriptions.Item>
              </Descriptions>
              {/* Every code in one table: the primary one (主邀请码) first, each with its own 作废. */}
              <Space style={{ marginTop: 16, marginBottom: 8 }}>
                <Typography.Text strong>邀请码</Typography.Text>
                {isAdmin ? (
                  <>
                    <Button size="small" icon={<PlusOutlined />} loading={busy} onClick={() => run(() => bo('addInvitation', { customerId: c._id }), '已添加邀请码')} data-testid="invitation-add">
                      添加邀请码
                    </Button>
                    <Popconfirm title="生成新的主邀请码后，原主邀请码不能再用于绑定（已绑定的用户不受影响），确定？" onConfirm={() => run(() => bo('createInvitation', { customerId: c._id }), '已更换主邀请码')}>
                      <Button size="small" loading={busy} data-testid="invitation-create">更换主邀请码</Button>
                    </Popconfirm>
                  </>
                ) : null}
              </Space>
              <Table rowKey="code" size="small" pagination={false} dataSource={c.invitations} data-testid="invitations"
                columns={[
                  { title: '邀请码', dataIndex: 'code', render: (code: string, i) => <>{code}{i.primary ? <Tag style={{ marginLeft: 8 }}>主邀请码</Tag> : null}</> },
                  { title: '状态', dataIndex: 'revoked', render: (r: boolean) => (r ? <Tag color="red">已作废</Tag> : <Tag color="green">可用</Tag>) },
                  { title: '创建时间', dataIndex: 'createdAt', render: dateTime },
                  { title: '已绑定用户', dataIndex: 'boundUsers', align: 'right' },
                  ...(isAdmin ? [{ title: '', render: (_: unknown, i: { code: string; revoked: boolean }) => (
                    <Popconfirm title={`作废 ${i.code} 后无人能再用它绑定（已绑定的用户不受影响），确定？`} onConfirm={() => run(() => bo('revokeInvitation', { customerId: c._id, code: i.code }), '邀请码已作废')}>
                      <Button size="small" type="link" danger disabled={i.revoked} data-testid={`invitation-revoke-${i.code}`}>作废</Button>
                    </Popconfirm>
                  ) }] : []),
                ]} />
              <Typography.Title level={5} style={{ marginTop: 16 }}>已绑定的微信用户</Typography.Title>
              {c.users.length === 0 ? (
                <EmptyState description="还没有微信用户绑定此客户" />
              ) : (
                <Table rowKey="openid" size="small" pagination={false} dataSource={c.users} data-testid="bound-users"
                  columns={[
                    { title: '用户', dataIndex: 'name' },
                    { title: 'openid', dataIndex: 'openid' },
                    { title: '绑定所用邀请码', dataIndex: 'invitationCode', render: (v: string | null) => v ?? '—' },
                    { title: '绑定时间', dataIndex: 'boundAt', render: dateTime },
                    ...(isAdmin ? [{ title: '', render: (_: unknown, u: { openid: string }) => (
                      <Popconfirm title="解除绑定后该用户不能再为此客户下单，确定？" onConfirm={() => run(() => bo('unbindUser', { customerId: c._id, openid: u.openid }), '已解除绑定')}>
                        <Button size="small" type="link" danger>解除绑定</Button>
                      </Popconfirm>
                    ) }] : []),
                  ]} />
              )}
            </>
          ) : null}
        </>
      )}
    </Drawer>
  );
}

export default function Customers() {
  const { refs, isAdmin } = useSession();
  const [keyword, setKeyword] = useState('');
  const [levelId, setLevelId] = useState<string>();
  const [merchandiserId, setMerchandiserId] = useState<string>();
  const [active, setActive] = useState<boolean | undefined>();
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<string | null | undefined>(undefined);
  const list = useApi(
    () => bo('customers', { page, pageSize: 20, ...(keyword ? { keyword } : {}), ...(levelId ? { levelId } : {}), ...(merchandiserId ? { merchandiserId } : {}), ...(active !== undefined ? { active } : {}) }),
    [page, keyword, levelId, merchandiserId, active],
  );
  return (
    <Card title="客户" extra={isAdmin ? <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen(null)}>新建客户</Button> : null}>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search allowClear placeholder="编码 / 名称" style={{ width: 220 }} onSearch={(v) => { setKeyword(v.trim()); setPage(1); }} data-testid="customer-search" />
        <Select allowClear placeholder="等级" style={{ width: 130 }} value={levelId} onChange={(v) => { setLevelId(v); setPage(1); }} options={refs.levels.map((l) => ({ value: l._id, label: l.name }))} />
        {isAdmin ? <Select allowClear placeholder="跟单员" style={{ width: 130 }} value={merchandiserId} onChange={(v) => { setMerchandiserId(v); setPage(1); }} options={refs.staff.filter((s) => s.role === 'merchandiser').map((s) => ({ value: s._id, label: s.name }))} /> : null}
        <Select allowClear placeholder="状态" style={{ width: 110 }} value={active === undefined ? undefined : active ? 'on' : 'off'} onChange={(v) => { setActive(v === undefined ? undefined : v === 'on'); setPage(1); }} options={[{ value: 'on', label: '启用' }, { value: 'off', label: '停用' }]} />
      </Space>
      {list.error && !list.data ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : !list.data ? (
        <LoadingState />
      ) : list.data.items.length === 0 ? (
        <EmptyState description="没有符合条件的客户" />
      ) : (
        <Table<BackofficeCustomerRow>
          rowKey="_id"
          size="middle"
          data-testid="customer-table"
          loading={list.loading}
          dataSource={list.data.items}
          pagination={{ current: page, pageSize: 20, total: list.data.total, showSizeChanger: false, onChange: setPage, showTotal: (t) => `共 ${t} 个客户` }}
          onRow={(r) => ({ onClick: () => setOpen(r._id), style: { cursor: 'pointer' } })}
          columns={[
            { title: '编码', dataIndex: 'code' },
            { title: '名称', dataIndex: 'name' },
            { title: '等级', dataIndex: 'levelName' },
            { title: '跟单员', dataIndex: 'merchandiserName' },
            { title: '信用额度', dataIndex: 'creditLimitFen', align: 'right', render: (v: number | null) => (v === null ? '不限' : fen(v)) },
            { title: '未结金额', dataIndex: 'outstandingFen', align: 'right', render: fen },
            { title: '未完成订单', dataIndex: 'openOrders', align: 'right' },
            { title: '绑定用户', dataIndex: 'boundUsers', align: 'right' },
            { title: '主邀请码', dataIndex: 'invitationCode', render: (v: string, r) => (r.invitationRevoked ? <Tag>已作废</Tag> : v || '—') },
            { title: '状态', dataIndex: 'active', render: (a: boolean) => (a ? <Tag color="green">启用</Tag> : <Tag>停用</Tag>) },
          ]}
        />
      )}
      {open !== undefined ? <CustomerDrawer customerId={open} onClose={() => setOpen(undefined)} onSaved={list.reload} /> : null}
    </Card>
  );
}
