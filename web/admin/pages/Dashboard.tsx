import { Card, Col, Descriptions, Row, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useStaff } from '../auth';
import { BUILT_SECTIONS, navSections, sectionLabel } from '../sections';
import { ROLE_LABELS } from '../../shared/labels';
import { lazy, Suspense } from 'react';

// the clerk's landing (journey tasks and their contracts) loads only for clerks
const StaffLanding = lazy(() => import('./StaffLanding').then((m) => ({ default: m.StaffLanding })));

/** Landing page: who is signed in and where they can go. No figures until the insight read models exist. */
export function DashboardPage() {
  const staff = useStaff();
  if (staff.role === 'staff') {
    return (
      <Suspense fallback={null}>
        <StaffLanding />
      </Suspense>
    );
  }
  const links = navSections(staff.sections).filter((s) => s !== 'dashboard');
  return (
    <>
      <Card style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          你好，{staff.displayName}
        </Typography.Title>
        <Descriptions column={{ xs: 1, sm: 2, md: 3 }} size="small">
          <Descriptions.Item label="账号">{staff.username}</Descriptions.Item>
          <Descriptions.Item label="角色">{ROLE_LABELS[staff.role] ?? staff.role}</Descriptions.Item>
          <Descriptions.Item label="门店">{staff.storeName ?? (staff.role === 'hq_admin' ? '总部（全部门店）' : '未分配')}</Descriptions.Item>
          <Descriptions.Item label="企业微信">{staff.wecomUserId ?? '未绑定'}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Typography.Title level={5}>可用模块</Typography.Title>
      {links.length === 0 ? (
        <Typography.Text type="secondary">当前账号没有其他可用模块。</Typography.Text>
      ) : (
        <Row gutter={[16, 16]}>
          {links.map((s) => (
            <Col key={s} xs={24} sm={12} lg={8} xl={6}>
              <Link to={`/${s}`}>
                <Card hoverable size="small" title={sectionLabel(s)}>
                  <Typography.Text type="secondary">{BUILT_SECTIONS.has(s) ? '进入管理' : '即将上线'}</Typography.Text>
                </Card>
              </Link>
            </Col>
          ))}
        </Row>
      )}
    </>
  );
}
