/**
 * 反馈与流失 section of the ops page: the feedback inbox (assign → answer → resolve → publish as
 * 「你说我改」), topic heat and NPS, the churn warning (risk list, lost customers, causes and
 * win-back), arrivals with the shift roster, and the classifier rules. Mounted at /feedback/*.
 */
import { Link, Route, Routes } from 'react-router-dom';
import { Result } from 'antd';
import { useStaff } from '../../auth';
import { NoAccess, SectionTabs } from '../../common/Section';
import { InboxPage } from './Inbox';
import { InsightsPage } from './Insights';
import { ChurnPage } from './Churn';
import { LostPage } from './Lost';
import { ArrivalsPage } from './Arrivals';
import { ClassifierPage } from './Classifier';

const TABS = [
  { key: '', label: '反馈收件箱' },
  { key: 'insights', label: '热点与NPS' },
  { key: 'churn', label: '流失预警' },
  { key: 'lost', label: '删好友提醒' },
  { key: 'arrivals', label: '到店与排班' },
  { key: 'classifier', label: '分类规则' },
];

export function FeedbackSection() {
  const staff = useStaff();
  if (!staff.sections.includes('feedback')) return <NoAccess />;
  return (
    <div data-testid="feedback-section">
      <SectionTabs base="feedback" tabs={TABS} />
      <Routes>
        <Route index element={<InboxPage />} />
        <Route path="insights" element={<InsightsPage />} />
        <Route path="churn" element={<ChurnPage />} />
        <Route path="lost" element={<LostPage />} />
        <Route path="arrivals" element={<ArrivalsPage />} />
        <Route path="classifier" element={<ClassifierPage />} />
        <Route path="*" element={<Result status="404" title="页面不存在" extra={<Link to="/feedback">返回反馈收件箱</Link>} />} />
      </Routes>
    </div>
  );
}
