/**
 * An order's detail with the 跟单 tab's actions, through the same `followup` actions: 审单
 * (confirm with a 交期 / reject), record a progress node, log and resolve exceptions, 催单; and
 * 打印发货单 (the print page).
 */
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { App, Button, Card, Col, DatePicker, Descriptions, Form, Input, Modal, Row, Select, Space, Steps, Table, Tag, Timeline } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { NODE_LABELS, EXCEPTION_KIND_LABELS, SEVERITY_LABELS, EXCEPTION_KINDS, SEVERITIES } from '@dinghuo/shared/followupLabels';
import { timelineLabel } from '@dinghuo/shared/labels';
import type { FollowDetail } from '@dinghuo/shared/followupApi';
import { call, errorMessage } from '../api/client';
import { Async, useApi } from '../components/states';
import { dateTime, fen, statusLabel, STATUS_COLORS } from '../format';

type Dialog = null | 'reject' | 'exception' | 'expedite' | { node: FollowDetail['advanceable'][number] } | { resolve: string };

export default function OrderDetail() {
  const { orderId = '' } = useParams();
  const { message } = App.useApp();
  const state = useApi(() => call('followup', 'detail', { orderId }), [orderId]);
  const [override, setOverride] = useState<FollowDetail | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState(false);
  const [dueDate, setDueDate] = useState<string | null>(null);
  const [form] = Form.useForm();
  const d = override && override._id === orderId ? override : state.data;

  const act = async (fn: () => Promise<FollowDetail>, done: string) => {
    setBusy(true);
    try {
      setOverride(await fn());
      setDialog(null);
      form.resetFields();
      message.success(done);
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Async state={{ ...state, data: d }} empty="订单不存在">
      {(o) => (
        <div data-testid="order-detail">
          <Card
            title={
              <Space>
                <Link to="/orders">订单</Link>/<span>{o.orderNo}</span>
                <Tag color={STATUS_COLORS[o.status]} data-testid="order-status">{statusLabel(o.status)}</Tag>
                {o.warnings.overdue ? <Tag color="red">逾期</Tag> : null}
              </Space>
            }
            extra={
              <Space>
                <Button icon={<PrinterOutlined />} onClick={() => window.open(`/admin/orders/${o._id}/print`, '_blank')} data-testid="print-note">打印发货单</Button>
                {o.status === 'submitted' ? (
                  <>
                    <DatePicker placeholder="交期" value={dueDate ? dayjs(dueDate) : o.suggestedPlan ? dayjs(o.suggestedPlan.dueDate) : null} onChange={(v) => setDueDate(v ? v.format('YYYY-MM-DD') : null)} />
                    <Button type="primary" loading={busy} data-testid="review-confirm"
                      onClick={() => act(() => call('followup', 'review', { decision: 'confirm', orderId: o._id, ...(dueDate ? { dueDate } : {}) }), '已审核通过')}>审核通过</Button>
                    <Button danger onClick={() => setDialog('reject')}>驳回</Button>
                  </>
                ) : null}
                <Button onClick={() => setDialog('exception')}>登记异常</Button>
                <Button onClick={() => setDialog('expedite')}>催单</Button>
              </Space>
            }
          >
            <Descriptions size="small" column={3} bordered>
              <Descriptions.Item label="客户">{o.customer.name}（{o.customer.code}）</Descriptions.Item>
              <Descriptions.Item label="跟单员">{o.merchandiser.name}</Descriptions.Item>
              <Descriptions.Item label="下单时间">{dateTime(o.createdAt)}</Descriptions.Item>
              <Descriptions.Item label="交期">{o.dueDate ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="期望到货">{o.requestedDate ?? '—'}</Descriptions.Item>
              <Descriptions.Item label="金额">{fen(o.totalFen)}（已回款 {fen(o.paidFen)}）</Descriptions.Item>
              <Descriptions.Item label="收货" span={2}>{o.address.contact} {o.address.phone} {o.address.address}</Descriptions.Item>
              <Descriptions.Item label="消息">{o.notificationLabel.text}</Descriptions.Item>
              <Descriptions.Item label="备注" span={3}>{o.remark || '—'}</Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title="商品" size="small" style={{ marginTop: 16 }}>
            <Table rowKey={(l) => `${l.skuId}-${l.unit}`} size="small" pagination={false} dataSource={o.lines}
              columns={[
                { title: '编码', dataIndex: 'skuCode' },
                { title: '商品', render: (_, l) => `${l.name} ${l.spec}` },
                { title: '数量', render: (_, l) => (l.unit === 'case' ? `${l.count}${l.caseUnit}（${l.qty}${l.baseUnit}）` : `${l.qty}${l.baseUnit}`) },
                { title: '单价', dataIndex: 'unitPriceFen', align: 'right', render: fen },
                { title: '金额', dataIndex: 'amountFen', align: 'right', render: fen },
              ]} />
          </Card>
          <Row gutter={16} style={{ marginTop: 16 }}>
            <Col span={14}>
              <Card title="跟单进度" size="small">
                <Steps direction="vertical" size="small"
                  current={o.nodes.findIndex((n) => !n.actualAt)}
                  items={o.nodes.map((n) => ({
                    title: (
                      <Space>
                        {NODE_LABELS[n.key]}
                        {o.advanceable.includes(n.key) ? <Button size="small" type="link" onClick={() => setDialog({ node: n.key })} data-testid={`advance-${n.key}`}>记录</Button> : null}
                      </Space>
                    ),
                    status: n.actualAt ? 'finish' : 'wait',
                    description: `${n.plannedDate ? `计划 ${n.plannedDate}` : ''}${n.actualAt ? `，完成 ${dateTime(n.actualAt)}${n.by ? ` ${n.by.name}` : ''}` : ''}${n.note ? `，${n.note}` : ''}`,
                  }))} />
              </Card>
              <Card title="异常" size="small" style={{ marginTop: 16 }}>
                {o.exceptions.length === 0 ? <div data-state="empty">没有异常</div> : (
                  <Table rowKey="_id" size="small" pagination={false} dataSource={o.exceptions}
                    columns={[
                      { title: '类型', dataIndex: 'kind', render: (k: keyof typeof EXCEPTION_KIND_LABELS) => EXCEPTION_KIND_LABELS[k] },
                      { title: '严重', dataIndex: 'severity', render: (s: keyof typeof SEVERITY_LABELS) => SEVERITY_LABELS[s] },
                      { title: '描述', dataIndex: 'description' },
                      { title: '负责人', dataIndex: 'owner' },
                      { title: '状态', render: (_, e) => (e.status === 'open' ? <Button size="small" onClick={() => setDialog({ resolve: e._id })}>处理</Button> : <Tag color="green">已处理：{e.resolution}</Tag>) },
                    ]} />
                )}
              </Card>
            </Col>
            <Col span={10}>
              <Card title="时间线" size="small">
                <Timeline items={[...o.timeline].reverse().map((t) => ({ children: <><b>{timelineLabel(t)}</b> {t.note} <div style={{ color: '#999' }}>{dateTime(t.at)} {t.by.name}</div></> }))} />
              </Card>
            </Col>
          </Row>
          <Modal open={dialog !== null} confirmLoading={busy} onCancel={() => setDialog(null)} onOk={() => form.submit()} okText="确定" cancelText="取消"
            title={dialog === 'reject' ? '驳回订单' : dialog === 'exception' ? '登记异常' : dialog === 'expedite' ? '催单' : dialog && typeof dialog === 'object' && 'node' in dialog ? `记录：${NODE_LABELS[dialog.node]}` : '处理异常'}>
            <Form form={form} layout="vertical" onFinish={(v: Record<string, string>) => {
              if (dialog === 'reject') return act(() => call('followup', 'review', { decision: 'reject', orderId: o._id, reason: v.text ?? '' }), '已驳回');
              if (dialog === 'expedite') return act(() => call('followup', 'expedite', { orderId: o._id, note: v.text ?? '' }), '已催单');
              if (dialog === 'exception')
                return act(() => call('followup', 'logException', { orderId: o._id, kind: v.kind as (typeof EXCEPTION_KINDS)[number], severity: v.severity as (typeof SEVERITIES)[number], description: v.text ?? '', owner: v.owner ?? '' }), '已登记');
              if (dialog && typeof dialog === 'object' && 'node' in dialog) return act(() => call('followup', 'advanceNode', { orderId: o._id, node: dialog.node, note: v.text ?? '' }), '已记录');
              if (dialog && typeof dialog === 'object' && 'resolve' in dialog) return act(() => call('followup', 'resolveException', { exceptionId: dialog.resolve, resolution: v.text ?? '' }), '已处理');
              return undefined;
            }}>
              {dialog === 'exception' ? (
                <>
                  <Form.Item name="kind" label="类型" initialValue="delay"><Select options={EXCEPTION_KINDS.map((k) => ({ value: k, label: EXCEPTION_KIND_LABELS[k] }))} /></Form.Item>
                  <Form.Item name="severity" label="严重程度" initialValue="medium"><Select options={SEVERITIES.map((s) => ({ value: s, label: SEVERITY_LABELS[s] }))} /></Form.Item>
                  <Form.Item name="owner" label="负责人"><Input maxLength={20} /></Form.Item>
                </>
              ) : null}
              <Form.Item name="text" label={dialog === 'reject' ? '驳回原因' : dialog === 'exception' ? '描述' : dialog === 'expedite' ? '催单说明' : '备注'}
                rules={dialog && (dialog === 'reject' || dialog === 'exception' || dialog === 'expedite' || (typeof dialog === 'object' && 'resolve' in dialog)) ? [{ required: true, message: '请填写' }] : []}>
                <Input.TextArea rows={3} maxLength={200} />
              </Form.Item>
            </Form>
          </Modal>
        </div>
      )}
    </Async>
  );
}
