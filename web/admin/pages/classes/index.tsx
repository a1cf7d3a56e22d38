/**
 * 课程活动 section of the ops page: classes and series, per-session roster with check-in, the
 * check-in desk, ratings & comments and no-show blocks. Mounted at /classes/* (web/admin/main.tsx);
 * the server still checks every call, this only keeps people out of a section they were not given.
 */
import { Link, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { Result, Tabs } from 'antd';
import { useStaff } from '../../auth';
import { ClassListPage } from './ClassList';
import { ClassCreatePage } from './ClassForm';
import { ClassDetailPage } from './ClassDetail';
import { RosterPage } from './Roster';
import { CheckInDeskPage } from './CheckInDesk';
import { FeedbackPage } from './Feedback';
import { BlocksPage } from './Blocks';

const TABS = [
  { key: '', label: '活动与场次' },
  { key: 'check-in', label: '签到台' },
  { key: 'feedback', label: '评价' },
  { key: 'blocks', label: '未到场限制' },
];

export function ClassesSection() {
  const staff = useStaff();
  const navigate = useNavigate();
  const location = useLocation();
  if (!staff.sections.includes('classes')) {
    return (
      <Result
        status="403"
        title="没有权限访问该页面"
        subTitle="当前账号无权打开此模块，如需开通请联系总部管理员。"
        extra={<Link to="/">返回首页</Link>}
      />
    );
  }
  const sub = location.pathname.replace(/^\/classes\/?/, '').split('/')[0];
  const active = TABS.some((t) => t.key === sub) ? sub : '';
  return (
    <div data-testid="classes-section">
      <Tabs
        activeKey={active}
        onChange={(key) => navigate(key ? `/classes/${key}` : '/classes')}
        items={TABS.map((t) => ({ key: t.key, label: <span data-testid={`classes-tab-${t.key || 'list'}`}>{t.label}</span> }))}
        style={{ marginBottom: 8 }}
      />
      <Routes>
        <Route index element={<ClassListPage />} />
        <Route path="new" element={<ClassCreatePage />} />
        <Route path="check-in" element={<CheckInDeskPage />} />
        <Route path="feedback" element={<FeedbackPage />} />
        <Route path="blocks" element={<BlocksPage />} />
        <Route path="sessions/:sessionId" element={<RosterPage />} />
        <Route path=":classId" element={<ClassDetailPage />} />
        <Route path="*" element={<Result status="404" title="页面不存在" extra={<Link to="/classes">返回活动列表</Link>} />} />
      </Routes>
    </div>
  );
}
