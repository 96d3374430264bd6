/** The back office frame: a sider menu (工作台 … 报表), the signed-in staff member, 退出. */
import { Suspense, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router-dom';
import { Button, Layout, Menu, Space, Tag, Typography } from 'antd';
import {
  AppstoreOutlined,
  BarChartOutlined,
  CloudUploadOutlined,
  DashboardOutlined,
  DatabaseOutlined,
  FileTextOutlined,
  LogoutOutlined,
  MoneyCollectOutlined,
  TeamOutlined,
  UserSwitchOutlined,
} from '@ant-design/icons';
import { ROLE_LABELS } from '@dinghuo/shared/labels';
import { signOut } from '../api/session';
import { cloudSignOut } from '../api/cloudbase';
import { useSession } from '../session';
import { LoadingState } from '../components/states';

const { Sider, Header, Content } = Layout;

export const MENU = [
  { key: '/', icon: <DashboardOutlined />, label: '工作台' },
  { key: '/products', icon: <AppstoreOutlined />, label: '商品' },
  { key: '/prices', icon: <MoneyCollectOutlined />, label: '价格' },
  { key: '/customers', icon: <TeamOutlined />, label: '客户' },
  { key: '/stock', icon: <DatabaseOutlined />, label: '库存' },
  { key: '/orders', icon: <FileTextOutlined />, label: '订单' },
  { key: '/imports', icon: <CloudUploadOutlined />, label: '导入', adminOnly: true },
  { key: '/reports', icon: <BarChartOutlined />, label: '报表' },
  { key: '/accounts', icon: <UserSwitchOutlined />, label: '账号', adminOnly: true },
] as const;

export default function AppLayout() {
  const { refs, isAdmin } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  const [collapsed, setCollapsed] = useState(false);
  const selected = MENU.filter((m) => m.key !== '/' && location.pathname.startsWith(m.key)).map((m) => m.key);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} theme="dark" width={200}>
        <div style={{ color: '#fff', fontWeight: 600, fontSize: collapsed ? 14 : 18, padding: '18px 16px', whiteSpace: 'nowrap' }}>
          {collapsed ? '订货通' : '订货通 · 管理后台'}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          data-testid="nav"
          selectedKeys={selected.length ? selected : ['/']}
          items={MENU.filter((m) => !('adminOnly' in m) || isAdmin).map((m) => ({ key: m.key, icon: m.icon, label: m.label }))}
          onClick={(e) => navigate(e.key)}
        />
      </Sider>
      <Layout>
        <Header style={{ background: '#fff', padding: '0 24px', display: 'flex', justifyContent: 'flex-end', alignItems: 'center' }}>
          <Space>
            <Typography.Text data-testid="me">{refs.me.name}</Typography.Text>
            <Tag color={isAdmin ? 'red' : 'blue'}>{ROLE_LABELS[refs.me.role]}</Tag>
            <Button
              icon={<LogoutOutlined />}
              type="text"
              onClick={async () => {
                signOut();
                if (__CLOUD_ENV__) await cloudSignOut().catch(() => undefined);
                navigate('/signin');
              }}
            >
              退出
            </Button>
          </Space>
        </Header>
        <Content style={{ margin: 16 }}>
          <Suspense fallback={<LoadingState />}>
            <Outlet />
          </Suspense>
        </Content>
      </Layout>
    </Layout>
  );
}
