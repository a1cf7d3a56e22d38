/** What ops did to a contest: reviews, voids, flags, the close, winners and listings. */
import { useState } from 'react';
import { Alert } from 'antd';
import { DataTable } from '../../common/DataTable';
import * as contest from '../../../../contracts/contest';
import { useAuth } from '../../auth';
import { formatDateTime } from '../../../shared/time';
import { useLoad } from './util';

export function AuditTab({ contestId, version }: { contestId: number; version: number }) {
  const { api } = useAuth();
  const [page, setPage] = useState(1);
  const log = useLoad(() => api.call(contest.adminContestAudit, { params: { contestId }, query: { page, pageSize: 20 } }), [api, contestId, page, version]);
  return (
    <div data-testid="audit-tab">
      {log.error && <Alert type="error" showIcon message={log.error} style={{ marginBottom: 12 }} />}
      <DataTable
        rowKey="id"
        size="small"
        loading={log.loading}
        dataSource={log.data?.items ?? []}
        columns={[
          { title: '时间', dataIndex: 'at', width: 170, render: formatDateTime },
          { title: '操作人', dataIndex: 'staffName', width: 140, render: (v: string | null) => v ?? '系统' },
          { title: '内容', dataIndex: 'text' },
        ]}
        pagination={{ current: page, pageSize: 20, total: log.data?.total ?? 0, onChange: setPage, size: 'small' }}
        locale={{ emptyText: '暂无记录' }}
      />
    </div>
  );
}
