/**
 * Sign-in. Locally: pick a demo staff identity (the local runtime's picker, like the H5 app's).
 * On Cloudbase the back office signs in with Cloudbase web auth or a WeChat scan instead (README:
 * 管理后台); the functions take the identity from their trusted context either way.
 */
import { useEffect, useState } from 'react';
import { Form, Input } from 'antd';
import { call } from '../api/client';
import { cloudSession, cloudSignIn } from '../api/cloudbase';
import { useLocation, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, List, Tag, Typography } from 'antd';
import { ROLE_LABELS } from '@dinghuo/shared/labels';
import { localSignIn, localStaffIdentities } from '../api/session';
import { Async, useApi } from '../components/states';
import { errorMessage } from '../api/client';

const REASONS: Record<string, string> = {
  FORBIDDEN: '该身份不是供应商员工，不能使用管理后台',
  NOT_BOUND: '该身份不是供应商员工，不能使用管理后台',
  UNAUTHENTICATED: '登录已失效，请重新登录',
};

/** Cloudbase build: Cloudbase web sign-in; a sign-in not yet granted sees its id to give the admin. */
function CloudSignIn() {
  const navigate = useNavigate();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const [pendingId, setPendingId] = useState('');
  const enter = async () => {
    const me = await call('auth', 'whoami', {});
    if (me.role === 'admin' || me.role === 'merchandiser') navigate('/', { replace: true });
    else setPendingId(me.openid);
  };
  useEffect(() => {
    cloudSession().then((app) => (app ? enter() : undefined), (e: unknown) => setError(errorMessage(e)));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <div style={{ minHeight: '100vh', background: '#f0f2f5', display: 'flex', justifyContent: 'center', alignItems: 'flex-start', paddingTop: 80 }}>
      <Card title="订货通 · 管理后台" style={{ width: 420 }}>
        {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} /> : null}
        {pendingId ? (
          <Alert type="info" showIcon message="该账号还不是员工" description={<>请把登录标识 <Typography.Text copyable>{pendingId}</Typography.Text> 发给管理员，在“账号”页授权后重新进入。</>} />
        ) : (
          <Form layout="vertical" onFinish={async (v: { username: string; password: string }) => {
            setBusy(true);
            setError('');
            try {
              await cloudSignIn(v.username, v.password);
              await enter();
            } catch (e) {
              setError(errorMessage(e));
            } finally {
              setBusy(false);
            }
          }}>
            <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请填写用户名' }]}><Input autoComplete="username" /></Form.Item>
            <Form.Item name="password" label="密码" rules={[{ required: true, message: '请填写密码' }]}><Input.Password autoComplete="current-password" /></Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>登录</Button>
          </Form>
        )}
      </Card>
    </div>
  );
}

export default function SignIn() {
  return __CLOUD_ENV__ ? <CloudSignIn /> : <LocalSignIn />;
}

function LocalSignIn() {
  const navigate = useNavigate();
  const location = useLocation();
  const state = (location.state ?? {}) as { reason?: string; from?: string };
  const identities = useApi(() => localStaffIdentities(), []);
  const [busy, setBusy] = useState('');
  const [error, setError] = useState('');
  return (
    <div style={{ minHeight: '100vh', background: '#f0f2f5', display: 'flex', justifyContent: 'center', alignItems: 'flex-start', paddingTop: 80 }}>
      <Card title="订货通 · 管理后台" style={{ width: 460 }}>
        {state.reason && REASONS[state.reason] ? <Alert type="warning" showIcon message={REASONS[state.reason]} style={{ marginBottom: 16 }} /> : null}
        {error ? <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} /> : null}
        <Typography.Paragraph type="secondary">本地演示：选择一个员工身份登录（仅本地运行时提供）。</Typography.Paragraph>
        <Async state={identities} empty="没有可用的员工身份" isEmpty={(d) => d.length === 0}>
          {(list) => (
            <List
              dataSource={list}
              renderItem={(i) => (
                <List.Item
                  className="identity"
                  data-openid={i.openid}
                  actions={[
                    <Button
                      key="go"
                      type="primary"
                      loading={busy === i.openid}
                      onClick={async () => {
                        setBusy(i.openid);
                        setError('');
                        try {
                          await localSignIn(i.openid);
                          navigate(state.from && state.from !== '/signin' ? state.from : '/', { replace: true });
                        } catch (e) {
                          setError(errorMessage(e));
                        } finally {
                          setBusy('');
                        }
                      }}
                    >
                      登录
                    </Button>,
                  ]}
                >
                  <List.Item.Meta
                    title={
                      <>
                        {i.label} {i.role ? <Tag>{ROLE_LABELS[i.role]}</Tag> : null}
                      </>
                    }
                    description={i.description}
                  />
                </List.Item>
              )}
            />
          )}
        </Async>
      </Card>
    </div>
  );
}
