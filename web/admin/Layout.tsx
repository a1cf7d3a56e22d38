import { useState } from 'react';
import { Button, Layout, Menu, Modal, Result, Space, Spin, Typography } from 'antd';
import { LogoutOutlined, UserOutlined } from '@ant-design/icons';
import { Link, Navigate, Outlet, useLocation, useNavigate, useParams } from 'react-router-dom';
import { useAuth, useStaff } from './auth';
import RecipesSection from './pages/recipes';
import { BUILT_SECTIONS, navSections, sectionLabel } from './sections';
import { ROLE_LABELS } from '../shared/labels';
import { DashboardPage } from './pages/Dashboard';
import { MembersPage } from './pages/Members';
import { StaffPage } from './pages/Staff';
import { ChangePasswordCard } from './pages/ChangePassword';
import { ComingSoonPage } from './pages/ComingSoon';
import { ContestsPage } from './pages/contests';
import { ClassesSection } from './pages/classes';
import { PreordersSection } from './pages/preorders';
import { JourneysSection } from './pages/journeys';
import { FeedbackSection } from './pages/feedback';
import { TagsPage } from './pages/tags';
import { LibrarySection } from './pages/library';
import { CommunitySection } from './pages/community';
import { PurchasesPage } from './pages/purchases';
import { ReferralSection } from './pages/referral';
import { NoAccess } from './common/Section';
import { ErrorBoundary } from '../shared/ErrorBoundary';

const { Sider, Header, Content } = Layout;

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
  const [changingPassword, setChangingPassword] = useState(false);
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
          <Typography.Text strong>{selected ? sectionLabel(selected) : '运营管理'}</Typography.Text>
          <Space size="middle">
            <span data-testid="current-user">
              <UserOutlined /> {staff.displayName}
              <Typography.Text type="secondary">{roleNote(staff.displayName, ROLE_LABELS[staff.role] ?? staff.role, staff.storeName)}</Typography.Text>
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
        <Modal open={changingPassword} footer={null} onCancel={() => setChangingPassword(false)} destroyOnClose width={528}>
          <ChangePasswordCard onDone={() => setChangingPassword(false)} />
        </Modal>
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
    return <Result status="info" title="当前账号还没有可用的模块" subTitle="请联系总部管理员分配权限。" />;
  }
  return <Navigate to={`/${first}`} replace />;
}

/** One route for every section: refuse what the server did not grant, placeholder what is not built. */
export function SectionRoute() {
  const staff = useStaff();
  const { section = '' } = useParams();
  if (!staff.sections.includes(section)) return <NoAccess />;
  if (!BUILT_SECTIONS.has(section)) return <ComingSoonPage section={section} />;
  switch (section) {
    case 'dashboard':
      return <DashboardPage />;
    case 'members':
      return <MembersPage />;
    case 'contests':
      return <ContestsPage />;
    case 'classes':
      return <ClassesSection />;
    case 'preorders':
      return <PreordersSection />;
    case 'journeys':
      return <JourneysSection />;
    case 'feedback':
      return <FeedbackSection />;
    case 'tags':
      return <TagsPage />;
    case 'library':
      return <LibrarySection />;
    case 'community':
      return <CommunitySection />;
    case 'recipes':
      return <RecipesSection />;
    case 'purchases':
      return <PurchasesPage />;
    case 'referral':
      return <ReferralSection />;
    default:
      return <StaffPage />;
  }
}
