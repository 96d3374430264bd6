/**
 * Sign-in. Locally: pick a demo staff identity (the local runtime's picker, like the H5 app's).
 * On Cloudbase the back office signs in with Cloudbase web auth or a WeChat scan instead (README:
 * 管理后台); the functions take the identity from their trusted context either way.
 */
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, List, Tag, Typography } from 'antd';
import { ROLE_LABELS } from '@dinghuo/shared/ids';
import { localSignIn, localStaffIdentities } from '../api/session';
import { Async, useApi } from '../components/states';
import { errorMessage } from '../api/client';

const REASONS: Record<string, string> = {
  FORBIDDEN: '该身份不是供应商员工，不能使用管理后台',
  NOT_BOUND: '该身份不是供应商员工，不能使用管理后台',
  UNAUTHENTICATED: '登录已失效，请重新登录',
};

export default function SignIn() {
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
