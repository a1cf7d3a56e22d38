/**
 * 到店与排班: the store's weekly shift roster (who is on shift when: the clerks on shift get the
 * 「刚到店」 WeCom notice) and the recent arrivals with what was suggested.
 */
import { useEffect, useState } from 'react';
import { Alert, App, Button, Card, Checkbox, Empty, Input, Select, Space, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import * as F from '../../../../contracts/feedback';
import * as identity from '../../../../contracts/identity';
import { useAuth, useStaff } from '../../auth';
import { useLoaded } from '../../common/useLoaded';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';

const WEEKDAYS = ['一', '二', '三', '四', '五', '六', '日'];
const VIA: Record<F.ArrivalView['via'], string> = { member_code: '会员码', checkin: '课程签到', pickup: '到店提货' };

interface Row {
  staffId: number;
  name: string;
  days: boolean[];
  start: string;
  end: string;
}

export function ArrivalsPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const [storeId, setStoreId] = useState<number | null>(staff.storeId);
  const [stores, setStores] = useState<Array<{ value: number; label: string }>>(
    staff.storeId ? [{ value: staff.storeId, label: staff.storeName ?? `门店 ${staff.storeId}` }] : [],
  );
  useEffect(() => {
    if (staff.storeId) return;
    api.call(identity.listStaff).then(
      (s) => {
        const found = new Map<number, string>();
        for (const x of s.items) if (x.storeId) found.set(x.storeId, x.storeName ?? `门店 ${x.storeId}`);
        const list = [...found].map(([value, label]) => ({ value, label }));
        setStores(list);
        setStoreId((cur) => cur ?? list[0]?.value ?? null);
      },
      () => undefined,
    );
  }, [api, staff.storeId]);
  const arrivals = useLoaded(() => api.call(F.listArrivals, { query: { page: 1, pageSize: 50, storeId: storeId ?? undefined } }), [api, storeId]);
  return (
    <>
      {!staff.storeId && (
        <Space style={{ marginBottom: 12 }}>
          门店 <Select style={{ width: 200 }} value={storeId ?? undefined} options={stores} onChange={setStoreId} data-testid="roster-store" />
        </Space>
      )}
      {storeId && <RosterCard storeId={storeId} />}
      <Card size="small" title="最近到店" data-testid="arrivals-list">
        {arrivals.error && <Alert type="error" showIcon message={arrivals.error} />}
        <DataTable<F.ArrivalView>
          rowKey="id"
          size="small"
          dataSource={arrivals.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: <Empty description="暂无到店记录" /> }}
          columns={[
            { title: '时间', dataIndex: 'at', width: 150, render: (v: string) => formatDateTime(v) },
            { title: '会员', render: (_, r) => `${r.memberName ?? r.memberId}` },
            { title: '方式', dataIndex: 'via', render: (v: F.ArrivalView['via']) => <Tag>{VIA[v]}</Tag> },
            { title: '画像', dataIndex: 'profile' },
            {
              title: '建议',
              render: (_, r) =>
                r.suggestion ? (
                  <Space direction="vertical" size={0}>
                    <span>{r.suggestion}</span>
                    <Typography.Text type="secondary">{r.reason}</Typography.Text>
                  </Space>
                ) : (
                  '—'
                ),
            },
            {
              title: '已通知',
              dataIndex: 'notified',
              render: (v: string[]) => (v.length ? v.join('、') : <Typography.Text type="secondary">当班无人</Typography.Text>),
            },
          ]}
        />
      </Card>
    </>
  );
}

function RosterCard({ storeId }: { storeId: number }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [version, setVersion] = useState(0);
  const d = useLoaded(() => api.call(F.getRoster, { params: { storeId } }), [api, storeId, version]);
  const [rows, setRows] = useState<Row[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (!d.data) return;
    setRows(
      d.data.staff.map((s) => {
        const mine = d.data!.entries.filter((e) => e.staffId === s.id);
        return {
          staffId: s.id,
          name: s.name,
          days: WEEKDAYS.map((_, i) => mine.some((e) => e.weekday === i + 1)),
          start: mine[0]?.start ?? '09:00',
          end: mine[0]?.end ?? '18:00',
        };
      }),
    );
  }, [d.data]);

  async function save() {
    setSaving(true);
    setError(null);
    try {
      const entries = rows.flatMap((r) =>
        r.days.map((on, i) => (on ? { staffId: r.staffId, weekday: i + 1, start: r.start, end: r.end } : null)).filter((e): e is NonNullable<typeof e> => !!e),
      );
      await api.call(F.setRoster, { params: { storeId }, body: { entries } });
      message.success('排班已保存');
      setVersion((v) => v + 1);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  const set = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <Card
      size="small"
      title={`排班（${d.data?.storeName ?? ''}）`}
      style={{ marginBottom: 16 }}
      extra={
        <Space>
          <span data-testid="roster-on-shift">当前在班：{d.data?.onShift.length ? d.data.onShift.map((s) => s.name).join('、') : '无'}</span>
          <Button type="primary" loading={saving} onClick={save} data-testid="roster-save">
            保存排班
          </Button>
        </Space>
      }
    >
      {(d.error || error) && <Alert type="error" showIcon message={d.error ?? error} style={{ marginBottom: 8 }} />}
      <DataTable<Row>
        rowKey="staffId"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: '员工', dataIndex: 'name' },
          ...WEEKDAYS.map((w, di) => ({
            title: `周${w}`,
            key: w,
            align: 'center' as const,
            render: (_: unknown, r: Row, i: number) => (
              <Checkbox
                checked={r.days[di]}
                onChange={(e) => set(i, { days: r.days.map((x, k) => (k === di ? e.target.checked : x)) })}
                data-testid={`roster-${r.staffId}-${di + 1}`}
              />
            ),
          })),
          {
            title: '上班',
            render: (_, r, i) => (
              <Input style={{ width: 80 }} value={r.start} onChange={(e) => set(i, { start: e.target.value })} data-testid={`roster-start-${r.staffId}`} />
            ),
          },
          {
            title: '下班',
            render: (_, r, i) => (
              <Input style={{ width: 80 }} value={r.end} onChange={(e) => set(i, { end: e.target.value })} data-testid={`roster-end-${r.staffId}`} />
            ),
          },
        ]}
      />
    </Card>
  );
}
