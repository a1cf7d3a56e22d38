import { useEffect, useState } from 'react';
import { Alert, Card, Result, Tag } from 'antd';
import { DataTable } from '../common/DataTable';
import type { ColumnsType } from 'antd/es/table';
import * as identity from '../../../contracts/identity';
import { useAuth } from '../auth';
import { ApiError } from '../../shared/api';
import { ROLE_LABELS } from '../../shared/labels';
import { sectionLabel } from '../sections';

type StaffRow = identity.StaffProfile;

const columns: ColumnsType<StaffRow> = [
  { title: '姓名', dataIndex: 'displayName' },
  { title: '用户名', dataIndex: 'username' },
  {
    title: '角色',
    dataIndex: 'role',
    render: (r: StaffRow['role']) => <Tag color={r === 'hq_admin' ? 'red' : 'blue'}>{ROLE_LABELS[r] ?? r}</Tag>,
  },
  { title: '门店', dataIndex: 'storeName', render: (v: string | null) => v ?? '—' },
  { title: '企业微信账号', dataIndex: 'wecomUserId', render: (v: string | null) => v ?? '未绑定' },
  {
    title: '可用模块',
    dataIndex: 'sections',
    render: (s: string[]) => (s.length ? s.map((k) => <Tag key={k}>{sectionLabel(k)}</Tag>) : '—'),
  },
];

/** Staff accounts and what each role may open (read-only until account management lands). */
export function StaffPage() {
  const { api } = useAuth();
  const [items, setItems] = useState<StaffRow[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);

  useEffect(() => {
    let live = true;
    api.call(identity.listStaff).then(
      (res) => live && setItems(res.items),
      (err: ApiError) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [api]);

  if (error?.status === 403) return <Result status="403" title="仅总部管理员可查看员工与权限" subTitle={error.message} />;

  return (
    <Card>
      {error ? <Alert type="error" showIcon message={error.message} style={{ marginBottom: 16 }} /> : null}
      <div data-testid="staff-table">
        <DataTable<StaffRow>
          rowKey="id"
          size="middle"
          columns={columns}
          dataSource={items ?? []}
          loading={items === null && !error}
          pagination={false}
          scroll={{ x: 800 }}
          locale={{ emptyText: '暂无员工账号' }}
        />
      </div>
    </Card>
  );
}
