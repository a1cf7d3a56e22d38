/**
 * Pieces every ops-page section shares: the 403 page for a section the account was not given, and
 * the tab bar whose active tab follows the URL (/<base>/<tab>/…).
 */
import { Link, useLocation, useNavigate } from 'react-router-dom';
import { Result, Tabs } from 'antd';

export function NoAccess() {
  return <Result status="403" title="没有权限访问该页面" subTitle="当前账号无权打开此模块，如需开通请联系总部管理员。" extra={<Link to="/">返回首页</Link>} />;
}

/** Tabs keyed by the first path segment under `/${base}` ('' = the section's index page). */
export function SectionTabs({ base, tabs }: { base: string; tabs: Array<{ key: string; label: string }> }) {
  const navigate = useNavigate();
  const location = useLocation();
  const sub = location.pathname.replace(new RegExp(`^/${base}/?`), '').split('/')[0];
  const active = tabs.some((t) => t.key === sub) ? sub : '';
  return (
    <Tabs
      activeKey={active}
      onChange={(key) => navigate(key ? `/${base}/${key}` : `/${base}`)}
      items={tabs.map((t) => ({ key: t.key, label: <span data-testid={`${base}-tab-${t.key || 'list'}`}>{t.label}</span> }))}
      style={{ marginBottom: 8 }}
    />
  );
}
