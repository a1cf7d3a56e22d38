/**
 * 会员: the member list with filters (name/phone, store, tier, tag, WeCom status, join date), saved
 * filters (分群), Excel export, and each member's detail page at /members/:memberId.
 */
import { useState } from 'react';
import {
  Alert,
  App as AntApp,
  Avatar,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Empty,
  Input,
  List,
  Popconfirm,
  Result,
  Row,
  Select,
  Skeleton,
  Space,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import { DownloadOutlined, SaveOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import dayjs, { type Dayjs } from 'dayjs';
import { Link, Route, Routes, useNavigate, useParams } from 'react-router-dom';
import * as members from '../../../contracts/members';
import { useAuth } from '../auth';
import { ListTable, useListQuery } from '../common/ListQuery';
import { useLoaded } from '../common/useLoaded';
import { ApiError, errorMessage } from '../../shared/api';
import { formatDateTime } from '../../shared/time';
import { tierLabel } from '../../shared/labels';
import { downloadWithToken } from './classes/util';

type Row = members.MemberRow;
type Filter = Omit<members.MemberFilter, 'q'>;

const dash = (v: string | null) => v ?? '—';

const columns: ColumnsType<Row> = [
  {
    title: '会员',
    dataIndex: 'nickname',
    render: (v: string | null, r) => (
      <Link to={`/members/${r.id}`} onClick={(e) => e.stopPropagation()}>
        {v ?? (r.phoneMasked ? `未设置昵称（${r.phoneMasked}）` : '未设置昵称')}
      </Link>
    ),
  },
  { title: '手机号', dataIndex: 'phoneMasked', render: dash },
  { title: '等级', dataIndex: 'tier', render: (v: string) => <Tag color="orange">{tierLabel(v)}</Tag> },
  { title: '门店', dataIndex: 'storeName', render: dash },
  { title: '企业微信', dataIndex: 'wecomLinked', render: (v: boolean) => (v ? <Tag color="green">已添加</Tag> : <Tag>未添加</Tag>) },
  { title: '标签', dataIndex: 'tags', render: (v: string[]) => (v.length ? v.slice(0, 3).map((t) => <Tag key={t}>{t}</Tag>) : '—') },
  { title: '家庭', dataIndex: 'householdName', render: dash },
  { title: '注册时间', dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
];

export function MembersPage() {
  return (
    <Routes>
      <Route index element={<MemberListPage />} />
      <Route path=":memberId" element={<MemberDetailPage />} />
    </Routes>
  );
}

function exportQuery(q: string, f: Filter): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries({ q, ...f })) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function MemberListPage() {
  const { api } = useAuth();
  const { message, modal } = AntApp.useApp();
  const navigate = useNavigate();
  const query = useListQuery<never>();
  const [filter, setFilterState] = useState<Filter>({});
  const [reloadSegments, setReloadSegments] = useState(0);
  const [exporting, setExporting] = useState(false);
  const { page, pageSize, q } = query;
  const setFilter = (patch: Partial<Filter>) => {
    setFilterState((f) => ({ ...f, ...patch }));
    query.onTableChange({ current: 1 });
  };
  const loaded = useLoaded(
    () => api.call(members.searchMembers, { query: { page, pageSize, q: q || undefined, ...filter } }),
    [api, page, pageSize, q, JSON.stringify(filter)],
  );
  const options = useLoaded(() => api.call(members.memberFilterOptions), [api]);
  const segments = useLoaded(() => api.call(members.listSegments), [api, reloadSegments]);

  if (loaded.cause instanceof ApiError && loaded.cause.status === 403) {
    return <Result status="403" title="没有权限查看会员" subTitle={loaded.cause.message} />;
  }

  const range: [Dayjs | null, Dayjs | null] | null =
    filter.joinedFrom || filter.joinedTo ? [filter.joinedFrom ? dayjs(filter.joinedFrom) : null, filter.joinedTo ? dayjs(filter.joinedTo) : null] : null;
  const active = Object.values(filter).some((v) => v !== undefined) || !!q;

  async function saveSegment() {
    let name = '';
    await modal.confirm({
      title: '保存为分群',
      content: <Input data-testid="segment-name" maxLength={30} placeholder="如：滨江店亲子金卡会员" onChange={(e) => (name = e.target.value)} />,
      okText: '保存',
      cancelText: '取消',
      onOk: async () => {
        try {
          await api.call(members.createSegment, { body: { name, filter: { q: q || undefined, ...filter } } });
          message.success('已保存分群');
          setReloadSegments((n) => n + 1);
        } catch (err) {
          message.error(errorMessage(err));
          throw err;
        }
      },
    });
  }

  async function exportXlsx() {
    setExporting(true);
    try {
      const name = await downloadWithToken(`/api/admin/member-list/export${exportQuery(q, filter)}`, 'members.xlsx');
      message.success(`已导出 ${name}`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setExporting(false);
    }
  }

  return (
    <Card>
      <Space wrap style={{ marginBottom: 12 }} data-testid="members-filters">
        <Input.Search
          data-testid="members-search"
          placeholder="搜索昵称或手机号"
          allowClear
          enterButton="搜索"
          maxLength={50}
          style={{ width: 260 }}
          onSearch={query.search}
        />
        <Select
          data-testid="members-filter-store"
          allowClear
          placeholder="门店"
          style={{ width: 130 }}
          value={filter.storeId}
          onChange={(v) => setFilter({ storeId: v })}
          options={(options.data?.stores ?? []).map((s) => ({ value: s.id, label: s.name }))}
        />
        <Select
          data-testid="members-filter-tier"
          allowClear
          placeholder="等级"
          style={{ width: 110 }}
          value={filter.tier}
          onChange={(v) => setFilter({ tier: v })}
          options={(options.data?.tiers ?? []).map((t) => ({ value: t, label: t }))}
        />
        <Select
          data-testid="members-filter-tag"
          allowClear
          showSearch
          placeholder="标签"
          style={{ width: 140 }}
          value={filter.tag}
          onChange={(v) => setFilter({ tag: v })}
          options={(options.data?.tags ?? []).map((t) => ({ value: t, label: t }))}
        />
        <Select
          data-testid="members-filter-wecom"
          allowClear
          placeholder="企业微信"
          style={{ width: 130 }}
          value={filter.wecom}
          onChange={(v) => setFilter({ wecom: v })}
          options={[
            { value: 'linked', label: '已添加企微' },
            { value: 'unlinked', label: '未添加企微' },
          ]}
        />
        <DatePicker.RangePicker
          placeholder={['注册起', '注册止']}
          value={range}
          onChange={(v) => setFilter({ joinedFrom: v?.[0]?.format('YYYY-MM-DD'), joinedTo: v?.[1]?.format('YYYY-MM-DD') })}
        />
      </Space>
      <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <Typography.Text type="secondary">分群：</Typography.Text>
          {(segments.data?.items ?? []).length === 0 ? (
            <Typography.Text type="secondary">暂无，筛选后可「保存为分群」</Typography.Text>
          ) : (
            segments.data!.items.map((s) => (
              <Tag.CheckableTag
                key={s.id}
                data-testid={`segment-${s.id}`}
                checked={
                  JSON.stringify(s.filter) ===
                  JSON.stringify(Object.fromEntries(Object.entries({ q: q || undefined, ...filter }).filter(([, v]) => v !== undefined)))
                }
                onChange={() => {
                  const { q: sq, ...rest } = s.filter;
                  setFilterState(rest);
                  query.search(sq ?? '');
                }}
              >
                {s.name}
                <Popconfirm
                  title={`删除分群「${s.name}」？`}
                  onConfirm={async (e) => {
                    e?.stopPropagation();
                    await api.call(members.deleteSegment, { params: { segmentId: s.id } }).catch((err) => message.error(errorMessage(err)));
                    setReloadSegments((n) => n + 1);
                  }}
                >
                  <span style={{ marginLeft: 4 }} onClick={(e) => e.stopPropagation()}>
                    ×
                  </span>
                </Popconfirm>
              </Tag.CheckableTag>
            ))
          )}
        </Space>
        <Space>
          <Button data-testid="members-save-segment" icon={<SaveOutlined />} disabled={!active} onClick={saveSegment}>
            保存为分群
          </Button>
          <Button data-testid="members-export" icon={<DownloadOutlined />} loading={exporting} onClick={exportXlsx}>
            导出 Excel
          </Button>
        </Space>
      </Space>
      <ListTable<Row>
        query={query}
        loaded={loaded}
        columns={columns}
        testId="members-table"
        scrollX={1000}
        emptyText={active ? '没有符合条件的会员' : '暂无会员'}
        showTotal={(total) => `共 ${total} 位会员`}
        pagination={{ showSizeChanger: true, pageSizeOptions: [10, 20, 50, 100] }}
        onRowClick={(row) => navigate(`/members/${row.id}`)}
        rowTestId={(row) => `member-row-${row.id}`}
      />
    </Card>
  );
}

function MemberDetailPage() {
  const { api } = useAuth();
  const memberId = Number(useParams().memberId);
  const loaded = useLoaded(() => api.call(members.memberProfile, { params: { memberId } }), [api, memberId]);
  const p = loaded.data;
  if (loaded.error) {
    return (
      <Card>
        <Alert type="error" showIcon message={loaded.error} action={<Link to="/members">返回会员列表</Link>} />
      </Card>
    );
  }
  if (!p)
    return (
      <Card>
        <Skeleton active />
      </Card>
    );
  const name = p.nickname ?? (p.phoneMasked ? `未设置昵称（${p.phoneMasked}）` : '未设置昵称');
  return (
    <div data-testid="member-detail">
      <Space style={{ marginBottom: 12 }}>
        <Link to="/members">← 会员列表</Link>
      </Space>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card
            title={
              <Space>
                <Avatar src={p.avatarUrl ?? undefined}>{Array.from(name)[0]}</Avatar>
                <span data-testid="member-detail-name">{name}</span>
                <Tag color="orange">{tierLabel(p.tier)}</Tag>
                {p.rfmTier && <Tag color="purple">{p.rfmTier}</Tag>}
              </Space>
            }
          >
            <Descriptions column={1} size="small" bordered>
              <Descriptions.Item label="手机号">{dash(p.phoneMasked)}</Descriptions.Item>
              <Descriptions.Item label="门店">{dash(p.storeName)}</Descriptions.Item>
              <Descriptions.Item label="群主">{dash(p.groupOwnerName)}</Descriptions.Item>
              <Descriptions.Item label="注册时间">{formatDateTime(p.createdAt)}</Descriptions.Item>
              <Descriptions.Item label="家庭">
                {p.householdName ?? '未加入家庭'}
                {p.householdMembers.length > 0 && (
                  <div>
                    {p.householdMembers.map((h) => (
                      <Link key={h.id} to={`/members/${h.id}`} style={{ marginRight: 8 }}>
                        {h.nickname ?? '未设置昵称'}
                        {h.relation ? `（${h.relation}）` : ''}
                      </Link>
                    ))}
                  </div>
                )}
              </Descriptions.Item>
              <Descriptions.Item label="会员标签">
                <span data-testid="member-detail-tags">{p.behaviourTags.length ? p.behaviourTags.map((t) => <Tag key={t.name}>{t.name}</Tag>) : '—'}</span>
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title="企业微信" style={{ marginTop: 16 }} data-testid="member-detail-wecom">
            {p.wecomContacts.length === 0 ? (
              <Empty description="还没有添加门店员工的企业微信" image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <List
                dataSource={p.wecomContacts}
                renderItem={(c) => (
                  <List.Item>
                    <List.Item.Meta
                      avatar={<Avatar src={c.avatarUrl ?? undefined}>{Array.from(c.name ?? '客')[0]}</Avatar>}
                      title={`${c.name ?? '未命名客户'} · 跟进员工：${c.staffName ?? '未知'}`}
                      description={
                        <>
                          {c.addedAt ? `添加于 ${formatDateTime(c.addedAt)}` : null}
                          <div>{c.corpTags.length ? c.corpTags.map((t) => <Tag key={`${t.groupName}/${t.name}`}>{t.name}</Tag>) : '无企业标签'}</div>
                        </>
                      }
                    />
                  </List.Item>
                )}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title="动态" data-testid="member-detail-timeline">
            {p.timeline.length === 0 ? (
              <Empty description="暂无动态" image={Empty.PRESENTED_IMAGE_SIMPLE} />
            ) : (
              <Timeline
                items={p.timeline.map((a, i) => ({
                  key: `${a.at}-${i}`,
                  children: (
                    <>
                      <Typography.Text type="secondary">{formatDateTime(a.at)}</Typography.Text> {a.text}
                    </>
                  ),
                }))}
              />
            )}
          </Card>
        </Col>
      </Row>
    </div>
  );
}
