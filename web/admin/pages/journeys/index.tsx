/**
 * 旅程SOP section of the ops page: journeys (list, editor, where each customer stands), 渠道活码
 * (channel codes with counts and welcome), the welcome log, a customer's journeys, the send rules
 * (quiet hours, weekly cap) and, for HQ, the WeCom engine log. Mounted at /journeys/*; the server
 * checks every call, this only keeps people out of what they were not given.
 */
import { Link, Route, Routes } from 'react-router-dom';
import { Result } from 'antd';
import { useStaff } from '../../auth';
import { NoAccess, SectionTabs } from '../../common/Section';
import { ChannelListPage } from '../channels/ChannelList';
import { ChannelCreatePage } from '../channels/ChannelForm';
import { ChannelDetailPage } from '../channels/ChannelDetail';
import { WelcomesPage } from '../channels/Welcomes';
import { WecomLogPage } from '../wecom-log';
import { JourneyListPage } from './JourneyList';
import { JourneyCreatePage, JourneyDetailPage } from './JourneyDetail';
import { CustomerJourneysPage } from './CustomerJourneys';
import { JourneySettingsPage } from './Settings';

const TABS = [
  { key: '', label: '旅程' },
  { key: 'channels', label: '渠道活码' },
  { key: 'customers', label: '客户旅程' },
  { key: 'welcomes', label: '欢迎语记录' },
  { key: 'settings', label: '发送规则' },
  { key: 'log', label: '企微日志', hqOnly: true },
];

export function JourneysSection() {
  const staff = useStaff();
  if (!staff.sections.includes('journeys')) return <NoAccess />;
  const hq = staff.role === 'hq_admin';
  return (
    <div data-testid="journeys-section">
      <SectionTabs base="journeys" tabs={TABS.filter((t) => !t.hqOnly || hq)} />
      <Routes>
        <Route index element={<JourneyListPage />} />
        <Route path="new" element={<JourneyCreatePage />} />
        <Route path="channels" element={<ChannelListPage />} />
        <Route path="channels/new" element={<ChannelCreatePage />} />
        <Route path="channels/:channelId" element={<ChannelDetailPage />} />
        <Route path="customers" element={<CustomerJourneysPage />} />
        <Route path="customers/:externalUserId" element={<CustomerJourneysPage />} />
        <Route path="welcomes" element={<WelcomesPage />} />
        <Route path="settings" element={<JourneySettingsPage />} />
        {hq && <Route path="log" element={<WecomLogPage />} />}
        <Route path=":journeyId" element={<JourneyDetailPage />} />
        <Route path="*" element={<Result status="404" title="页面不存在" extra={<Link to="/journeys">返回旅程列表</Link>} />} />
      </Routes>
    </div>
  );
}
