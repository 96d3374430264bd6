/**
 * 账号 (admin): who may sign in as which staff member. On Cloudbase a browser signs in with
 * Cloudbase web sign-in and is `tcb:<uid>` in the function's trusted context; an admin grants that
 * sign-in to a staff member here (the new user sees its id on the sign-in page). WeChat users of
 * the 跟单 tab are listed too.
 */
import { useState } from 'react';
import { App, Button, Card, Form, Input, Popconfirm, Select, Table, Tag } from 'antd';
import type { StaffLogin } from '@dinghuo/shared/backofficeApi';
import { bo, errorMessage } from '../api/client';
import { Async, useApi } from '../components/states';
import { useSession } from '../session';

export default function Accounts() {
  const { refs, isAdmin } = useSession();
  const { message } = App.useApp();
  const list = useApi(async () => (isAdmin ? bo('staffLogins', {}) : []), [isAdmin]);
  const [override, setOverride] = useState<StaffLogin[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ loginId: string; staffId: string }>();
  const run = async (fn: () => Promise<StaffLogin[]>, done: string) => {
    setBusy(true);
    try {
      setOverride(await fn());
      message.success(done);
      form.resetFields();
    } catch (e) {
      message.error(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  if (!isAdmin) return <Card title="账号"><div data-state="empty">账号管理仅管理员可用</div></Card>;
  return (
    <Card title="员工账号">
      <Form form={form} layout="inline" style={{ marginBottom: 16 }} onFinish={(v) => run(() => bo('grantStaffLogin', { loginId: v.loginId, staffId: v.staffId }), '已授权')}>
        <Form.Item name="loginId" rules={[{ required: true, message: '填写登录标识' }]}>
          <Input placeholder="登录标识，如 tcb:xxxx（新用户在登录页可见）" style={{ width: 340 }} />
        </Form.Item>
        <Form.Item name="staffId" rules={[{ required: true, message: '选择员工' }]}>
          <Select placeholder="员工" style={{ width: 160 }} options={refs.staff.map((s) => ({ value: s._id, label: `${s.name}（${s.role === 'admin' ? '管理员' : '跟单员'}）` }))} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy}>授权登录</Button>
      </Form>
      <Async state={{ ...list, data: override ?? list.data }} empty="还没有员工账号" isEmpty={(d) => d.length === 0}>
        {(d) => (
          <Table<StaffLogin> rowKey="loginId" size="middle" dataSource={d} pagination={false} data-testid="staff-logins"
            columns={[
              { title: '登录标识', dataIndex: 'loginId' },
              { title: '方式', dataIndex: 'kind', render: (k: StaffLogin['kind']) => (k === 'web' ? <Tag color="blue">网页登录</Tag> : <Tag color="green">微信</Tag>) },
              { title: '员工', dataIndex: 'staffName' },
              { title: '角色', dataIndex: 'role', render: (r: StaffLogin['role']) => (r === 'admin' ? '管理员' : '跟单员') },
              { title: '', render: (_, l) => (
                <Popconfirm title="撤销后此登录不能再进入后台或跟单页，确定？" onConfirm={() => run(() => bo('revokeStaffLogin', { loginId: l.loginId }), '已撤销')}>
                  <Button type="link" danger size="small">撤销</Button>
                </Popconfirm>
              ) },
            ]} />
        )}
      </Async>
    </Card>
  );
}
