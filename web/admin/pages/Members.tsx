import { useEffect, useState } from 'react';
import { Alert, Card, Descriptions, Drawer, Input, List, Result, Skeleton, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import * as identity from '../../../contracts/identity';
import type { RouteResponse } from '../../../contracts/route';
import { useAuth } from '../auth';
import { ListTable, useListQuery } from '../common/ListQuery';
import { useLoaded } from '../common/useLoaded';
import { ApiError, errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import { tierLabel } from '../../shared/labels';

type MemberRow = identity.MemberListItem;
type MemberDetail = RouteResponse<typeof identity.getMemberDetail>;

const dash = (v: string | null) => v ?? '—';

const columns: ColumnsType<MemberRow> = [
  { title: '昵称', dataIndex: 'nickname', render: (v: string | null) => v ?? <Typography.Text type="secondary">未设置</Typography.Text> },
  { title: '手机号', dataIndex: 'phoneMasked', render: dash },
  { title: '等级', dataIndex: 'tier', render: (v: string) => <Tag color="orange">{tierLabel(v)}</Tag> },
  { title: '门店', dataIndex: 'storeName', render: dash },
  { title: '家庭', dataIndex: 'householdName', render: dash },
  { title: '群主', dataIndex: 'groupOwnerName', render: dash },
  { title: '注册时间', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
];

export function MembersPage() {
  const { api } = useAuth();
  const query = useListQuery();
  const { page, pageSize, q } = query;
  const loaded = useLoaded(() => api.call(identity.listMembers, { query: { page, pageSize, q: q || undefined } }), [api, page, pageSize, q]);
  const [openId, setOpenId] = useState<number | null>(null);

  if (loaded.cause instanceof ApiError && loaded.cause.status === 403) {
    return <Result status="403" title="没有权限查看会员" subTitle={loaded.cause.message} />;
  }

  return (
    <Card>
      <Input.Search
        data-testid="members-search"
        placeholder="搜索昵称或手机号"
        allowClear
        enterButton="搜索"
        maxLength={50}
        style={{ maxWidth: 360, marginBottom: 16 }}
        onSearch={query.search}
      />
      <ListTable<MemberRow>
        query={query}
        loaded={loaded}
        columns={columns}
        testId="members-table"
        scrollX={900}
        emptyText={q ? '没有符合条件的会员' : '暂无会员'}
        showTotal={(total) => `共 ${total} 位会员`}
        pagination={{ showSizeChanger: true, pageSizeOptions: [10, 20, 50, 100] }}
        onRowClick={(row) => setOpenId(row.id)}
        rowTestId={(row) => `member-row-${row.id}`}
      />
      <MemberDrawer memberId={openId} onClose={() => setOpenId(null)} />
    </Card>
  );
}

function MemberDrawer({ memberId, onClose }: { memberId: number | null; onClose(): void }) {
  const { api } = useAuth();
  const [detail, setDetail] = useState<MemberDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (memberId === null) return;
    let live = true;
    setDetail(null);
    setError(null);
    api.call(identity.getMemberDetail, { params: { memberId } }).then(
      (res) => live && setDetail(res),
      (err) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [api, memberId]);

  return (
    <Drawer open={memberId !== null} onClose={onClose} width={480} title="会员详情" destroyOnHidden>
      <div data-testid="member-detail">
        {error ? (
          <Alert type="error" showIcon message={error} />
        ) : !detail ? (
          <Skeleton active />
        ) : (
          <>
            <Descriptions column={1} bordered size="small">
              <Descriptions.Item label="会员编号">{detail.id}</Descriptions.Item>
              <Descriptions.Item label="昵称">{detail.nickname ?? '未设置'}</Descriptions.Item>
              <Descriptions.Item label="手机号">{dash(detail.phoneMasked)}</Descriptions.Item>
              <Descriptions.Item label="等级">
                <Tag color="orange">{tierLabel(detail.tier)}</Tag>
              </Descriptions.Item>
              <Descriptions.Item label="门店">{dash(detail.storeName)}</Descriptions.Item>
              <Descriptions.Item label="家庭">{dash(detail.householdName)}</Descriptions.Item>
              <Descriptions.Item label="群主">{dash(detail.groupOwnerName)}</Descriptions.Item>
              <Descriptions.Item label="注册时间">{formatDateTime(detail.createdAt)}</Descriptions.Item>
            </Descriptions>
            <Typography.Title level={5} style={{ marginTop: 24 }}>
              家庭成员
            </Typography.Title>
            <List
              size="small"
              bordered
              locale={{ emptyText: detail.householdName ? '家庭中暂无其他成员' : '未加入家庭' }}
              dataSource={detail.householdMembers}
              renderItem={(m) => (
                <List.Item>
                  {m.nickname ?? '未设置昵称'}
                  <Typography.Text type="secondary">#{m.id}</Typography.Text>
                </List.Item>
              )}
            />
          </>
        )}
      </div>
    </Drawer>
  );
}
