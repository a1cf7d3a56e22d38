/**
 * 年夜饭预订 section of the ops page: campaigns with items (credited contest dishes) and pickup
 * slots, orders with Excel export, the printable prep sheet, 核销 and WeChat Pay bill reconciliation.
 */
import { Link, Route, Routes } from 'react-router-dom';
import { Result } from 'antd';
import { useStaff } from '../../auth';
import { NoAccess, SectionTabs } from '../../common/Section';
import { CampaignDetailPage, CampaignListPage } from './Campaigns';
import { NoShowsPage } from './NoShows';
import { OrdersPage } from './Orders';
import { PrepSheetPage } from './PrepSheet';
import { ReconcilePage } from './Reconcile';
import { VerifyPage } from './Verify';
import './preorders.css';

export function PreordersSection() {
  const staff = useStaff();
  if (!staff.sections.includes('preorders')) return <NoAccess />;
  const tabs = [
    { key: '', label: '活动与菜品' },
    { key: 'orders', label: '订单' },
    { key: 'prep', label: '备餐单' },
    { key: 'verify', label: '核销' },
    { key: 'no-shows', label: '未取货' },
    ...(staff.role === 'hq_admin' ? [{ key: 'reconcile', label: '支付对账' }] : []),
  ];
  return (
    <div data-testid="preorders-section">
      <SectionTabs base="preorders" tabs={tabs} />
      <Routes>
        <Route index element={<CampaignListPage />} />
        <Route path="campaigns/:campaignId" element={<CampaignDetailPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="prep" element={<PrepSheetPage />} />
        <Route path="verify" element={<VerifyPage />} />
        <Route path="no-shows" element={<NoShowsPage />} />
        <Route path="reconcile" element={<ReconcilePage />} />
        <Route path="*" element={<Result status="404" title="页面不存在" extra={<Link to="/preorders">返回</Link>} />} />
      </Routes>
    </div>
  );
}
