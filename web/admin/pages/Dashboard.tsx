import { lazy, Suspense } from 'react';
import { Spin, Typography } from 'antd';
import { useStaff } from '../auth';

// the clerk's landing (journey tasks and their contracts) loads only for clerks
const StaffLanding = lazy(() => import('./StaffLanding').then((m) => ({ default: m.StaffLanding })));

// 概览 (insight): a separate chunk loaded on demand, charts in a further chunk, so the ops page's
// first screen does not carry the dashboard or ECharts.
const InsightOverview = lazy(() => import('./insight/Overview'));

/** Landing page: the 概览 dashboard of the signed-in role; plain staff get their own landing. */
export function DashboardPage() {
  const staff = useStaff();
  if (staff.role === 'staff') {
    return (
      <Suspense fallback={null}>
        <StaffLanding />
      </Suspense>
    );
  }
  return (
    <>
      <Typography.Title level={4} style={{ marginTop: 0 }}>
        概览
      </Typography.Title>
      <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
        <InsightOverview />
      </Suspense>
    </>
  );
}
