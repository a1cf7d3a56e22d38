/**
 * 课程活动 section of the ops page: classes and series, per-session roster with check-in, the
 * check-in desk, ratings & comments and no-show blocks. Mounted at /classes/* (web/admin/main.tsx);
 * the server still checks every call, this only keeps people out of a section they were not given.
 */
import { Link, Route, Routes } from 'react-router-dom';
import { Result } from 'antd';
import { useStaff } from '../../auth';
import { NoAccess, SectionTabs } from '../../common/Section';
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
  if (!staff.sections.includes('classes')) return <NoAccess />;
  return (
    <div data-testid="classes-section">
      <SectionTabs base="classes" tabs={TABS} />
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
