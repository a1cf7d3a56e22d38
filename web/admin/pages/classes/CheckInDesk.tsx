/** 签到台: pick today's (or another day's) session, then check members in by code or scanner. */
import { useEffect, useState } from 'react';
import { Alert, Card, Empty, Input, List, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { opsCheckInSessions } from '../../../../contracts/classes';
import type { RouteResponse } from '../../../../contracts/route';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { CheckInBox } from './CheckInBox';
import { shanghaiToday } from './util';

type DeskSession = RouteResponse<typeof opsCheckInSessions>['items'][number];

export function CheckInDeskPage() {
  const { api } = useAuth();
  const [date, setDate] = useState(shanghaiToday());
  const [items, setItems] = useState<DeskSession[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [picked, setPicked] = useState<number | null>(null);
  const [tick, setTick] = useState(0);

  useEffect(() => {
    let live = true;
    setError(null);
    api.call(opsCheckInSessions, { query: { date } }).then(
      (r) => {
        if (!live) return;
        setItems(r.items);
        setPicked((p) => (p && r.items.some((x) => x.id === p) ? p : (r.items[0]?.id ?? null)));
      },
      (err) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [api, date, tick]);

  const current = items?.find((x) => x.id === picked) ?? null;
  return (
    <Card data-testid="checkin-desk">
      <Space style={{ marginBottom: 16 }}>
        <Typography.Text>日期（北京时间）</Typography.Text>
        <Input type="date" value={date} onChange={(e) => e.target.value && setDate(e.target.value)} style={{ width: 180 }} data-testid="checkin-date" />
      </Space>
      {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} />}
      {items && items.length === 0 && <Empty description="这一天没有活动场次" />}
      {items && items.length > 0 && (
        <List
          bordered
          dataSource={items}
          style={{ marginBottom: 16 }}
          renderItem={(x) => (
            <List.Item
              key={x.id}
              data-testid={`desk-session-${x.id}`}
              onClick={() => setPicked(x.id)}
              style={{ cursor: 'pointer', background: x.id === picked ? '#fff4e6' : undefined }}
              extra={<Link to={`/classes/sessions/${x.id}`}>名单</Link>}
            >
              <Space wrap>
                <Typography.Text strong>{x.title}</Typography.Text>
                <span>
                  {formatDateTime(x.startsAt).slice(11)}–{formatDateTime(x.endsAt).slice(11)}
                </span>
                <Typography.Text type="secondary">
                  {x.storeName ?? ''}
                  {x.room ? ` · ${x.room}` : ''}
                </Typography.Text>
                <Tag color="green">已报名 {x.confirmed}</Tag>
                <Tag color="blue">已签到 {x.attended}</Tag>
                {x.status === 'cancelled' && <Tag>已取消</Tag>}
              </Space>
            </List.Item>
          )}
        />
      )}
      {current && current.status === 'scheduled' && (
        <Card size="small" title={`为「${current.title}」签到`}>
          <CheckInBox sessionId={current.id} onCheckedIn={() => setTick((t) => t + 1)} />
        </Card>
      )}
    </Card>
  );
}
