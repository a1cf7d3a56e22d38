/**
 * One 渠道活码: the QR code to print, its counts (adds, deletes, today, 7-day retention), routing,
 * tags and welcome; the customers it brought (with each welcome's delay) and its welcome log.
 */
import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Drawer, Image, Popconfirm, Result, Row, Skeleton, Space, Statistic, Tabs, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import { EditOutlined, StopOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { Link, useNavigate, useParams } from 'react-router-dom';
import type { RouteResponse } from '../../../../contracts/route';
import { deleteChannel, getChannel, listChannelContacts, type ChannelView } from '../../../../contracts/wecom';
import { useAuth } from '../../auth';
import { ApiError, errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { attachmentSummary } from './AttachmentsField';
import { ChannelForm } from './ChannelForm';
import { usePublicConfig } from './options';
import { CHANNEL_KIND_COLORS, CHANNEL_KIND_LABELS, percent, seconds } from './util';
import { WelcomesTable } from './Welcomes';

type Contact = RouteResponse<typeof listChannelContacts>['items'][number];

const contactColumns: ColumnsType<Contact> = [
  {
    title: '客户',
    dataIndex: 'externalUserId',
    render: (id: string, r) => (
      <Space direction="vertical" size={0}>
        <Link to={`/journeys/customers/${encodeURIComponent(id)}`} data-testid={`channel-contact-${id}`}>
          {r.name ?? '未命名客户'}
        </Link>
      </Space>
    ),
  },
  { title: '接待员工', dataIndex: 'staffUserId', render: (v: string, r) => r.staffName ?? v },
  {
    title: '会员',
    dataIndex: 'memberId',
    render: (v: number | null, r) =>
      v ? (
        <Link to={`/members/${v}`}>
          <Tag color="green">{r.memberName ?? '会员'}</Tag>
        </Link>
      ) : (
        <Typography.Text type="secondary">未绑定</Typography.Text>
      ),
  },
  { title: '添加时间', dataIndex: 'addedAt', render: (v: string) => formatDateTime(v) },
  { title: '欢迎语延迟', dataIndex: 'welcomeDelayMs', align: 'right', render: (v: number | null) => seconds(v) },
  { title: '状态', dataIndex: 'deletedAt', render: (v: string | null) => (v ? <Tag>已删除 {formatDateTime(v)}</Tag> : <Tag color="green">好友</Tag>) },
];

function ContactsTable({ channelId, reloadKey }: { channelId: number; reloadKey: number }) {
  const { api } = useAuth();
  const [page, setPage] = useState(1);
  const [data, setData] = useState<RouteResponse<typeof listChannelContacts> | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api.call(listChannelContacts, { params: { channelId }, query: { page, pageSize: 20 } }).then(
      (r) => live && (setData(r), setError(null)),
      (err) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [api, channelId, page, reloadKey]);
  return (
    <div data-testid="channel-contacts">
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
      <DataTable<Contact>
        rowKey={(r) => `${r.externalUserId}-${r.addedAt}`}
        size="small"
        columns={contactColumns}
        dataSource={data?.items ?? []}
        loading={!data && !error}
        locale={{ emptyText: '还没有客户通过这个活码添加' }}
        pagination={{ current: page, pageSize: 20, total: data?.total ?? 0, showSizeChanger: false, onChange: setPage, showTotal: (t) => `共 ${t} 位客户` }}
      />
    </div>
  );
}

function QrCard({ channel }: { channel: ChannelView }) {
  const config = usePublicConfig();
  if (!channel.qrCode) {
    return <Alert type="info" showIcon message={channel.active ? '单人活码没有二维码图片，可在企业微信中生成“联系我”按钮' : '渠道已停用，二维码已失效'} />;
  }
  return (
    <Space direction="vertical" align="center" style={{ width: '100%' }}>
      {config && config.simulator === null ? (
        <Image src={channel.qrCode} width={180} height={180} alt="渠道活码" referrerPolicy="no-referrer" />
      ) : (
        // The simulator hands out QR URLs on a host that does not exist: show the link only.
        <Typography.Text type="secondary">（开发模式：模拟器生成的二维码地址不可访问）</Typography.Text>
      )}
      <Typography.Link href={channel.qrCode} target="_blank" rel="noreferrer" copyable={{ text: channel.qrCode }}>
        下载二维码
      </Typography.Link>
    </Space>
  );
}

export function ChannelDetailPage() {
  const { api } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const channelId = Number(useParams().channelId);
  const [channel, setChannel] = useState<ChannelView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState(false);
  const [reloadKey, setReloadKey] = useState(0);

  const load = useCallback(() => {
    if (!Number.isInteger(channelId) || channelId <= 0) {
      setError(new ApiError(404, 'NOT_FOUND', '渠道不存在'));
      return;
    }
    api.call(getChannel, { params: { channelId } }).then((c) => {
      setChannel(c);
      setError(null);
    }, setError);
    setReloadKey((k) => k + 1);
  }, [api, channelId]);

  useEffect(load, [load]);

  if (error) {
    return error instanceof ApiError && error.status === 404 ? (
      <Result status="404" title="渠道不存在或不在你的门店" extra={<Link to="/journeys/channels">返回渠道列表</Link>} />
    ) : (
      <Alert type="error" showIcon message={errorMessage(error)} />
    );
  }
  if (!channel) return <Skeleton active />;

  async function retire() {
    try {
      await api.call(deleteChannel, { params: { channelId } });
      message.success('渠道已停用，二维码失效；已归属的客户和统计保留');
      load();
    } catch (err) {
      message.error(errorMessage(err));
    }
  }

  const s = channel.stats;
  const people = (ids: string[]) => ids.map((u) => channel.staffNames?.[u] ?? '未登记员工').join('、');
  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="channel-detail">
      <Card
        title={
          <Space>
            <Link to="/journeys/channels">渠道活码</Link>
            <span>/</span>
            <span data-testid="channel-title">{channel.name}</span>
            <Tag color={CHANNEL_KIND_COLORS[channel.kind]}>{CHANNEL_KIND_LABELS[channel.kind] ?? channel.kind}</Tag>
            {!channel.active && <Tag>已停用</Tag>}
          </Space>
        }
        extra={
          channel.active ? (
            <Space>
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="channel-edit">
                编辑
              </Button>
              <Popconfirm
                title="停用这个渠道活码？"
                description="企业微信中的活码会被删除，已打印的二维码将失效。"
                okText="停用"
                okButtonProps={{ danger: true }}
                onConfirm={retire}
              >
                <Button danger icon={<StopOutlined />} data-testid="channel-retire">
                  停用
                </Button>
              </Popconfirm>
            </Space>
          ) : null
        }
      >
        <Row gutter={[16, 16]}>
          <Col xs={12} md={6}>
            <span data-testid="channel-stat-adds">
              <Statistic title="累计添加" value={s.adds} />
            </span>
          </Col>
          <Col xs={12} md={6}>
            <Statistic title="今日添加" value={s.addsToday} />
          </Col>
          <Col xs={12} md={6}>
            <span data-testid="channel-stat-deletes">
              <Statistic title="已删除" value={s.deletes} />
            </span>
          </Col>
          <Col xs={12} md={6}>
            <Statistic
              title="7日留存"
              value={percent(s.retention7d.rate)}
              suffix={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{`${s.retention7d.retained}/${s.retention7d.eligible}`}</Typography.Text>}
            />
          </Col>
        </Row>
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Card title="设置">
            <Descriptions column={{ xs: 1, sm: 1, md: 2, lg: 2, xl: 2, xxl: 2 }} size="small">
              <Descriptions.Item label="活码类型">
                {channel.type === 'single' ? '单人' : '多人'}
                {channel.skipVerify ? ' · 无需验证' : ' · 需验证'}
              </Descriptions.Item>
              <Descriptions.Item label="接待员工">{people(channel.staffUserIds) || '—'}</Descriptions.Item>
              <Descriptions.Item label="当前分配给">{people(channel.routedUserIds) || '—'}</Descriptions.Item>
              <Descriptions.Item label="备用员工">{people(channel.backupUserIds) || '无'}</Descriptions.Item>
              <Descriptions.Item label="每人每日上限">{channel.dailyCapPerStaff ? `${channel.dailyCapPerStaff} 人` : '不限'}</Descriptions.Item>
              <Descriptions.Item label="自动标签" span={2}>
                <span data-testid="channel-tag-list">{channel.tagNames.length ? channel.tagNames.map((t) => <Tag key={t}>{t}</Tag>) : '无'}</span>
              </Descriptions.Item>
              <Descriptions.Item label="欢迎语" span={2}>
                <Space direction="vertical" size={2}>
                  <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="channel-welcome">
                    {channel.welcome.text || <Typography.Text type="secondary">（无文字）</Typography.Text>}
                  </Typography.Paragraph>
                  {channel.welcome.attachments.map((a, i) => (
                    <Tag key={i} color="blue">
                      {attachmentSummary(a)}
                    </Tag>
                  ))}
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label="创建时间">{formatDateTime(channel.createdAt)}</Descriptions.Item>
              <Descriptions.Item label="最近修改">{formatDateTime(channel.updatedAt)}</Descriptions.Item>
            </Descriptions>
            {/* the WeCom `state` is for integration checks only: a footnote, not a field people read */}
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              对接标识（企业微信 state，排查时使用）：
              <Typography.Text type="secondary" copyable={{ text: channel.state }} style={{ fontSize: 12 }} data-testid="channel-state">
                {channel.state}
              </Typography.Text>
            </Typography.Text>
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <Card title="二维码">
            <QrCard channel={channel} />
          </Card>
        </Col>
      </Row>
      <Card>
        <Tabs
          items={[
            { key: 'contacts', label: '添加的客户', children: <ContactsTable channelId={channelId} reloadKey={reloadKey} /> },
            { key: 'welcomes', label: <span data-testid="channel-tab-welcomes">欢迎语记录</span>, children: <WelcomesTable channelId={channelId} /> },
          ]}
        />
      </Card>
      <Drawer title={`编辑渠道：${channel.name}`} width={980} open={editing} onClose={() => setEditing(false)} destroyOnHidden>
        <ChannelForm
          channel={channel}
          onCancel={() => setEditing(false)}
          onSaved={(c) => {
            setChannel(c);
            setEditing(false);
            message.success('已保存');
          }}
        />
      </Drawer>
      <Button type="link" onClick={() => navigate('/journeys/channels')} style={{ alignSelf: 'flex-start' }}>
        ← 返回渠道列表
      </Button>
    </Space>
  );
}
