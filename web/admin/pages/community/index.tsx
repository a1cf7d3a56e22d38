/**
 * 社群运营 section of the ops page: customer groups (figures, members, inactive members, welcome,
 * SOP), the owners' group-message tasks, HQ activity kits with the community calendar and who ran
 * which kit, the inner ring and advisory panel, and the group message rules. Mounted at /community/*.
 */
import { Link, Route, Routes } from 'react-router-dom';
import { Result } from 'antd';
import { useStaff } from '../../auth';
import { NoAccess, SectionTabs } from '../../common/Section';
import { GroupDetailPage, GroupListPage } from './Groups';
import { SopTasksPage } from './SopTasks';
import { KitsPage } from './Kits';
import { PanelPage } from './Panel';
import { CommunitySettingsPage } from './Settings';

const TABS = [
  { key: '', label: '客户群' },
  { key: 'tasks', label: '群发任务' },
  { key: 'kits', label: '活动包与日历', ops: true },
  { key: 'panel', label: '内圈与顾问团', ops: true },
  { key: 'settings', label: '群发规则' },
];

export function CommunitySection() {
  const staff = useStaff();
  if (!staff.sections.includes('community')) return <NoAccess />;
  const ops = staff.role === 'hq_admin' || staff.role === 'store_manager';
  return (
    <div data-testid="community-section">
      <SectionTabs base="community" tabs={TABS.filter((t) => !t.ops || ops)} />
      <Routes>
        <Route index element={<GroupListPage />} />
        <Route path="groups/:chatId" element={<GroupDetailPage />} />
        <Route path="tasks" element={<SopTasksPage />} />
        {ops && <Route path="kits" element={<KitsPage />} />}
        {ops && <Route path="panel" element={<PanelPage />} />}
        <Route path="settings" element={<CommunitySettingsPage />} />
        <Route path="*" element={<Result status="404" title="页面不存在" extra={<Link to="/community">返回客户群</Link>} />} />
      </Routes>
    </div>
  );
}
