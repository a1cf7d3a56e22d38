/** 热点与NPS: topic counts per store and week (a heat map: darker = more, red share = negative) and NPS per store and month. */
import { Alert, Card, Empty, Tooltip } from 'antd';
import { DataTable } from '../../common/DataTable';
import * as F from '../../../../contracts/feedback';
import { useAuth } from '../../auth';
import { useLoaded } from '../../common/useLoaded';

export function InsightsPage() {
  const { api } = useAuth();
  const d = useLoaded(() => api.call(F.feedbackInsights, { query: { weeks: 8 } }), [api]);
  const heat = d.data?.heat ?? [];
  const weeks = [...new Set(heat.map((h) => h.week))].sort();
  const rows = [...new Set(heat.map((h) => `${h.storeId}|${h.topic}`))].map((key) => {
    const [store, topic] = key.split('|');
    const cells = heat.filter((h) => `${h.storeId}|${h.topic}` === key);
    return { key, storeName: cells[0].storeName ?? '未指定门店', topic: topic as F.Topic, store, cells };
  });
  const max = Math.max(1, ...heat.map((h) => h.count));
  return (
    <>
      {d.error && <Alert type="error" showIcon message={d.error} />}
      <Card title="话题热力（按门店、周）" size="small" style={{ marginBottom: 16 }} data-testid="fb-heat">
        {rows.length ? (
          <DataTable
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={rows}
            columns={[
              { title: '门店', dataIndex: 'storeName', width: 120 },
              { title: '话题', dataIndex: 'topic', width: 80, render: (t: F.Topic) => F.TOPIC_LABELS[t] },
              ...weeks.map((w) => ({
                title: w.slice(5),
                key: w,
                align: 'center' as const,
                render: (_: unknown, r: (typeof rows)[number]) => {
                  const c = r.cells.find((x) => x.week === w);
                  if (!c) return <span style={{ color: '#ccc' }}>0</span>;
                  const alpha = 0.15 + 0.85 * (c.count / max);
                  const bad = c.negative / c.count;
                  return (
                    <Tooltip title={`${c.count} 条，其中负面 ${c.negative} 条`}>
                      <div
                        style={{
                          background: `rgba(${Math.round(217 * bad + 22 * (1 - bad))}, ${Math.round(72 * bad + 119 * (1 - bad))}, ${Math.round(15 * bad + 255 * (1 - bad))}, ${alpha})`,
                          borderRadius: 4,
                          padding: '2px 0',
                        }}
                      >
                        {c.count}
                      </div>
                    </Tooltip>
                  );
                },
              })),
            ]}
          />
        ) : (
          <Empty description="最近8周没有反馈" />
        )}
      </Card>
      <Card title="NPS（按门店、月）" size="small" data-testid="fb-nps">
        <DataTable
          size="small"
          rowKey={(r) => `${r.storeId}|${r.month}`}
          pagination={false}
          dataSource={d.data?.nps ?? []}
          locale={{ emptyText: '还没有「推荐意愿」评分' }}
          columns={[
            { title: '门店', dataIndex: 'storeName', render: (v: string | null) => v ?? '未指定门店' },
            { title: '月份', dataIndex: 'month' },
            { title: '样本', dataIndex: 'responses' },
            { title: '推荐者(9-10)', dataIndex: 'promoters' },
            { title: '中立(7-8)', dataIndex: 'passives' },
            { title: '贬损者(0-6)', dataIndex: 'detractors' },
            { title: 'NPS', dataIndex: 'nps', render: (v: number) => <b style={{ color: v >= 0 ? '#389e0d' : '#cf1322' }}>{v}</b> },
          ]}
        />
      </Card>
    </>
  );
}
