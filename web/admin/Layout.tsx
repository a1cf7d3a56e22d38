import { lazy, Suspense, useState } from 'react';
// Per-component antd imports: the shell is on every first screen, so it must not reach the `antd`
// barrel (whose re-exports drag components no first screen shows into the entry chunk).
import Button from 'antd/es/button';
import Layout from 'antd/es/layout';
import Menu from 'antd/es/menu';
import Space from 'antd/es/space';
import Spin from 'antd/es/spin';
import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Link, Navigate, Outlet, useLocation, useNavigate, useParams } from 'react-router-dom';
import { useAuth, useStaff } from './auth';
import { BUILT_SECTIONS, navSections, sectionLabel } from './sections';
import { ROLE_LABELS } from '../shared/labels';
import { SCREENS } from './screens';
import { ErrorBoundary } from '../shared/ErrorBoundary';

const { Sider, Header, Content } = Layout;

// Rare screens (no access, not built yet, a failed profile load) and the password dialog load when
// they show, so the first screen does not carry antd's Result illustrations or Modal.
const Result = lazy(() => import('antd/es/result'));
const Modal = lazy(() => import('antd/es/modal'));
const NoAccess = lazy(() => import('./common/Section').then((m) => ({ default: m.NoAccess })));
const ComingSoonPage = lazy(() => import('./pages/ComingSoon').then((m) => ({ default: m.ComingSoonPage })));

// the password form's controls load only when it opens (forced change, or 修改密码)
const LazyChangePasswordCard = lazy(() => import('./pages/ChangePassword').then((m) => ({ default: m.ChangePasswordCard })));
function ChangePasswordCard(props: { forced?: boolean; onDone?: () => void }) {
  return (
    <Suspense fallback={<ScreenLoading />}>
      <LazyChangePasswordCard {...props} />
    </Suspense>
  );
}

/** Signed-in shell; anyone without a session is sent to the login screen. */
export function AdminLayout() {
  const { state, retry } = useAuth();
  const location = useLocation();
  if (state.status === 'checking') {
    return (
      <div style={{ height: '100%', display: 'grid', placeItems: 'center' }}>
        <Spin size="large" tip="正在加载…">
          <div style={{ width: 120, height: 60 }} />
        </Spin>
      </div>
    );
  }
  if (state.status === 'failed') {
    return (
      <Suspense fallback={null}>
        <Result
          status="warning"
          title="暂时无法加载账号信息"
          subTitle={state.message}
          extra={
            <Button type="primary" onClick={retry}>
              重试
            </Button>
          }
        />
      </Suspense>
    );
  }
  if (state.status === 'anonymous') {
    return <Navigate to="/login" replace state={{ from: location.pathname, notice: state.notice }} />;
  }
  return <Shell />;
}

function Shell() {
  const staff = useStaff();
  const { logout } = useAuth();
  const navigate = useNavigate();
  const { section } = useParams();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const [changingPassword, setChangingPasswordState] = useState(false);
  // the dialog's code is fetched the first time it opens, then it stays mounted (closing animation)
  const [passwordAsked, setPasswordAsked] = useState(false);
  const setChangingPassword = (open: boolean) => {
    if (open) setPasswordAsked(true);
    setChangingPasswordState(open);
  };
  const items = navSections(staff.sections).map((key) => ({
    key,
    label: (
      <Link to={`/${key}`} data-testid={`nav-${key}`}>
        {sectionLabel(key)}
      </Link>
    ),
  }));
  const selected = section === 'permissions' && staff.sections.includes('staff') ? 'staff' : section;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider breakpoint="lg" collapsible collapsed={collapsed} onCollapse={setCollapsed} width={200}>
        <div className="admin-brand">{collapsed ? '私域' : '社区私域中枢'}</div>
        <Menu theme="dark" mode="inline" selectedKeys={selected ? [selected] : []} items={items} />
      </Sider>
      <Layout>
        <Header className="admin-header">
          <strong>{selected ? sectionLabel(selected) : '运营管理'}</strong>
          <Space size="middle">
            <span data-testid="current-user">
              <UserOutlined /> {staff.displayName}
              <span className="admin-secondary">{roleNote(staff.displayName, ROLE_LABELS[staff.role] ?? staff.role, staff.storeName)}</span>
            </span>
            <Button data-testid="change-password-open" onClick={() => setChangingPassword(true)}>
              修改密码
            </Button>
            <Button
              data-testid="logout"
              icon={<LogoutOutlined />}
              onClick={async () => {
                await logout();
                navigate('/login', { replace: true });
              }}
            >
              退出登录
            </Button>
          </Space>
        </Header>
        <Content className="admin-content">
          {/* a generated or reset password is replaced before anything else opens (the server agrees) */}
          {staff.mustChangePassword ? (
            <ChangePasswordCard forced />
          ) : (
            /* keyed by path: a crash on one screen is forgotten when the user moves to another */
            <ErrorBoundary surface="admin" area={location.pathname} key={location.pathname}>
              <Outlet />
            </ErrorBoundary>
          )}
        </Content>
        {passwordAsked && (
          <Suspense fallback={null}>
            <Modal open={changingPassword} footer={null} onCancel={() => setChangingPassword(false)} destroyOnClose width={528}>
              <ChangePasswordCard onDone={() => setChangingPassword(false)} />
            </Modal>
          </Suspense>
        )}
      </Layout>
    </Layout>
  );
}

/** 「（门店店长 · 滨江店）」 after the name; nothing repeated when the name is the role (「总部管理员」). */
export function roleNote(displayName: string, role: string, storeName: string | null): string {
  const parts = [displayName === role ? null : role, storeName].filter(Boolean);
  return parts.length ? `（${parts.join(' · ')}）` : '';
}

/** `/` opens the first section the server allows (概览 when present). */
export function StartPage() {
  const staff = useStaff();
  const first = staff.sections.includes('dashboard') ? 'dashboard' : staff.sections[0];
  if (!first) {
    return (
      <Suspense fallback={null}>
        <Result status="info" title="当前账号还没有可用的模块" subTitle="请联系总部管理员分配权限。" />
      </Suspense>
    );
  }
  return <Navigate to={`/${first}`} replace />;
}

/** One route for every section: refuse what the server did not grant, placeholder what is not built. */
export function SectionRoute() {
  const staff = useStaff();
  const { section = '' } = useParams();
  // staff-page keys without a line of their own (the default before the split) open the staff page
  const Screen = SCREENS[section] ?? SCREENS.staff;
  return (
    <Suspense fallback={<ScreenLoading />}>
      {!staff.sections.includes(section) ? <NoAccess /> : !BUILT_SECTIONS.has(section) ? <ComingSoonPage section={section} /> : <Screen />}
    </Suspense>
  );
}

/** While a screen's code arrives (once per screen per visit). */
function ScreenLoading() {
  return (
    <div style={{ padding: 48, display: 'grid', placeItems: 'center' }} data-testid="screen-loading">
      <Spin tip="正在加载…">
        <div style={{ width: 120, height: 60 }} />
      </Spin>
    </div>
  );
}
