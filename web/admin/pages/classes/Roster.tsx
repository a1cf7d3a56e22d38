/** Roster of one session: check-in state and action, waitlist order, reminders, ratings, CSV export, the door QR. */
import { useCallback, useEffect, useState, type HTMLAttributes } from 'react';
import { Alert, App, Button, Card, Descriptions, Modal, Rate, Result, Skeleton, Space, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import { DownloadOutlined, QrcodeOutlined } from '@ant-design/icons';
import type { ColumnsType } from 'antd/es/table';
import { Link, useParams } from 'react-router-dom';
import { opsCheckIn, opsRoster, rosterCsvUrl, type Roster, type RosterItem } from '../../../../contracts/classes';
import { useAuth } from '../../auth';
import { ApiError, errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { CheckInBox } from './CheckInBox';
import { DoorCode } from './DoorCode';
import { CHECKIN_METHOD_LABELS, downloadWithToken, NOTICE_KIND_LABELS, NOTICE_STATUS_LABELS, SESSION_STATUS_LABELS, STATUS_COLORS, statusLabel } from './util';

export function RosterPage() {
  const { api } = useAuth();
  const { message } = App.useApp();
  const sessionId = Number(useParams().sessionId);
  const [roster, setRoster] = useState<Roster | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [showCode, setShowCode] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [rowBusy, setRowBusy] = useState<number | null>(null);

  const load = useCallback(() => {
    api.call(opsRoster, { params: { sessionId } }).then(setRoster, setError);
  }, [api, sessionId]);
  useEffect(load, [load]);

  if (error) {
    return error instanceof ApiError && error.status === 404 ? (
      <Result status="404" title="场次不存在或不在你的门店" extra={<Link to="/classes">返回活动列表</Link>} />
    ) : (
      <Alert type="error" showIcon message={errorMessage(error)} />
    );
  }
  if (!roster) return <Skeleton active />;
  const s = roster.session;

  async function exportCsv() {
    setExporting(true);
    try {
      const name = await downloadWithToken(rosterCsvUrl('', sessionId), `roster-${sessionId}.csv`);
      message.success(`已导出 ${name}`);
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setExporting(false);
    }
  }

  async function checkInRow(r: RosterItem) {
    setRowBusy(r.registrationId);
    try {
      const res = await api.call(opsCheckIn, { body: { code: r.shortCode, sessionId } });
      message.success(`${res.memberNickname ?? '会员'} ${res.result === 'checked_in' ? '签到成功' : '此前已签到'}`);
      load();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setRowBusy(null);
    }
  }

  const columns: ColumnsType<RosterItem> = [
    { title: '顺序', dataIndex: 'arrivalSeq', width: 64, render: (v: number | null) => v ?? '—' },
    {
      title: '会员',
      key: 'member',
      render: (_, r) => (
        <Space direction="vertical" size={0}>
          <Typography.Text strong>{r.nickname ?? `会员 ${r.memberId}`}</Typography.Text>
          <Typography.Text type="secondary">{[r.phoneMasked, r.householdName].filter(Boolean).join(' · ') || '—'}</Typography.Text>
        </Space>
      ),
    },
    {
      title: '人数',
      key: 'party',
      render: (_, r) => `${r.adults}成人${r.children ? ` · ${r.children}儿童${r.childAges.length ? `（${r.childAges.join('、')}岁）` : ''}` : ''}`,
    },
    {
      title: '状态',
      dataIndex: 'status',
      render: (v: RosterItem['status'], r) => (
        <Tag color={STATUS_COLORS[v]} data-testid={`roster-status-${r.registrationId}`}>
          {v === 'waitlisted' && r.waitlistPosition ? `候补第${r.waitlistPosition}位` : statusLabel(v)}
          {r.promotedAt && v !== 'waitlisted' ? '（候补转正）' : ''}
        </Tag>
      ),
    },
    { title: '签到码', dataIndex: 'shortCode', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
    {
      title: '签到',
      key: 'checkin',
      render: (_, r) =>
        r.checkedInAt ? (
          <Space direction="vertical" size={0} data-testid={`roster-checked-${r.registrationId}`}>
            <span>{formatDateTime(r.checkedInAt)}</span>
            <Typography.Text type="secondary">
              {r.checkInMethod ? CHECKIN_METHOD_LABELS[r.checkInMethod] : ''}
              {r.checkedInBy ? ` · ${r.checkedInBy}` : ''}
            </Typography.Text>
          </Space>
        ) : r.status === 'confirmed' && s.status === 'scheduled' ? (
          <Button size="small" loading={rowBusy === r.registrationId} data-testid={`roster-checkin-${r.registrationId}`} onClick={() => void checkInRow(r)}>
            签到
          </Button>
        ) : (
          '—'
        ),
    },
    {
      title: '提醒',
      key: 'notices',
      render: (_, r) =>
        r.notices.length ? (
          <Space size={[0, 4]} wrap>
            {r.notices.map((n) => (
              <Tag key={n.kind} color={n.status === 'sent' ? 'green' : n.status === 'failed' || n.status === 'refused' ? 'red' : 'default'}>
                {NOTICE_KIND_LABELS[n.kind]}·{NOTICE_STATUS_LABELS[n.status]}
              </Tag>
            ))}
          </Space>
        ) : (
          '—'
        ),
    },
    {
      title: '评价',
      key: 'rating',
      render: (_, r) =>
        r.stars ? (
          <Space direction="vertical" size={0} data-testid={`roster-rating-${r.registrationId}`}>
            <Rate disabled value={r.stars} style={{ fontSize: 12 }} />
            {r.comment ? <Typography.Text type="secondary">{r.comment}</Typography.Text> : null}
          </Space>
        ) : (
          '—'
        ),
    },
    { title: '报名时间', dataIndex: 'registeredAt', render: (v: string) => formatDateTime(v) },
  ];

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }} data-testid="roster-page">
      <Card
        title={
          <Space>
            <span data-testid="roster-title">{s.title}</span>
            <Tag>{SESSION_STATUS_LABELS[s.status] ?? s.status}</Tag>
          </Space>
        }
        extra={
          <Space>
            <Button icon={<QrcodeOutlined />} data-testid="roster-session-code" onClick={() => setShowCode(true)}>
              现场签到二维码
            </Button>
            <Button icon={<DownloadOutlined />} loading={exporting} data-testid="roster-export" onClick={() => void exportCsv()}>
              导出名单
            </Button>
          </Space>
        }
      >
        <Descriptions size="small" column={{ xs: 1, md: 3 }}>
          <Descriptions.Item label="时间">
            {formatDateTime(s.startsAt)} – {formatDateTime(s.endsAt).slice(11)}
          </Descriptions.Item>
          <Descriptions.Item label="地点">
            {s.storeName ?? '—'}
            {s.room ? ` · ${s.room}` : ''}
          </Descriptions.Item>
          <Descriptions.Item label="名额">
            成人余 {s.adultSeatsLeft}/{s.adultSeats}
            {s.childSeats ? ` · 儿童余 ${s.childSeatsLeft}/${s.childSeats}` : ''}
          </Descriptions.Item>
          <Descriptions.Item label="户数">
            <span data-testid="roster-counts">
              已报名 {s.confirmed} · 候补 {s.waitlisted} · 已签到 {s.attended} · 未到场 {s.noShow} · 已取消 {s.cancelled}
            </span>
          </Descriptions.Item>
          <Descriptions.Item label="报名截止">{formatDateTime(s.registrationDeadline)}</Descriptions.Item>
          <Descriptions.Item label="取消截止">{formatDateTime(s.cancellationDeadline)}</Descriptions.Item>
        </Descriptions>
      </Card>

      {s.status === 'scheduled' && (
        <Card title="签到" size="small">
          <CheckInBox sessionId={sessionId} onCheckedIn={load} />
        </Card>
      )}

      <Card title={`名单（${roster.items.length}）`} size="small" extra={<Button onClick={load}>刷新</Button>}>
        <div data-testid="roster-table">
          <DataTable<RosterItem>
            rowKey="registrationId"
            size="small"
            columns={columns}
            dataSource={roster.items}
            pagination={false}
            scroll={{ x: 1200 }}
            onRow={(r) => ({ 'data-testid': `roster-row-${r.registrationId}` }) as HTMLAttributes<HTMLElement>}
          />
        </div>
      </Card>

      <Modal title="现场签到二维码" open={showCode} onCancel={() => setShowCode(false)} footer={null} destroyOnHidden>
        {showCode && <DoorCode api={api} sessionId={sessionId} />}
      </Modal>
    </Space>
  );
}
