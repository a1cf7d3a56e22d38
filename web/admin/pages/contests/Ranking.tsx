/**
 * Ranking (live while voting, frozen at close), confirming winners after the close, and moving
 * each winner from 大厨复刻中 to 已上架 — which creates the credited dish on the New Year's Eve menu.
 */
import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Space, Tag, Typography } from 'antd';
import { DataTable } from '../../common/DataTable';
import type { ColumnsType } from 'antd/es/table';
import * as contest from '../../../../contracts/contest';
import type { RouteResponse } from '../../../../contracts/route';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { AwardTag } from './labels';
import { useLoad, yuan } from './util';

type BoardItem = RouteResponse<typeof contest.leaderboard>['items'][number];
type Winner = contest.WinnerView;

export function RankingTab({ contest: c, version, onChanged }: { contest: contest.AdminContest; version: number; onChanged(): void }) {
  const { api } = useAuth();
  const { message } = App.useApp();
  const [selected, setSelected] = useState<number[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [listing, setListing] = useState<Winner | null>(null);
  const board = useLoad(() => api.call(contest.leaderboard, { params: { contestId: c.id }, query: { limit: 100 } }), [api, c.id, c.status, version]);
  const dishes = useLoad(
    async () => (c.winners.some((w) => w.dishId) ? (await api.call(contest.listDishes, { query: { page: 1, pageSize: 100 } })).items : []),
    [api, c.winners],
  );
  const dishByEntry = useMemo(() => new Map((dishes.data ?? []).filter((d) => d.entryId !== null).map((d) => [d.entryId!, d])), [dishes.data]);
  const winnerIds = new Set(c.winners.map((w) => w.entryId));
  const closed = c.status === 'closed';

  async function confirmWinners() {
    setConfirming(true);
    try {
      await api.call(contest.adminConfirmWinners, { params: { contestId: c.id }, body: { entryIds: selected } });
      message.success(`已确认 ${selected.length} 个获奖作品，进入「大厨复刻中」`);
      setSelected([]);
      onChanged();
    } catch (err) {
      message.error(errorMessage(err));
    } finally {
      setConfirming(false);
    }
  }

  const columns: ColumnsType<BoardItem> = [
    { title: '名次', dataIndex: 'rank', width: 70 },
    { title: '作品', dataIndex: 'title', render: (v: string, r) => `#${r.entryId} ${v}` },
    { title: '署名', dataIndex: 'displayName' },
    { title: '票数', dataIndex: 'voteCount', render: (v: number, r) => <span data-testid={`board-votes-${r.entryId}`}>{v}</span> },
    ...(c.juryWeight > 0
      ? [
          { title: '评审分', dataIndex: 'juryScore', render: (v: number | null) => v ?? '—' },
          { title: '综合分', dataIndex: 'score', render: (v: number) => v.toFixed(1) },
        ]
      : []),
    { title: '获奖', render: (_: unknown, r) => (winnerIds.has(r.entryId) ? <Tag color="volcano">已确认</Tag> : null) },
  ];

  const winnerColumns: ColumnsType<Winner> = [
    { title: '名次', dataIndex: 'finalRank', width: 70, render: (v: number | null) => v ?? '—' },
    { title: '作品', dataIndex: 'title', render: (v: string, w) => `#${w.entryId} ${v}` },
    { title: '署名', dataIndex: 'displayName' },
    {
      title: '进度',
      dataIndex: 'award',
      render: (a: Winner['award'], w) => (
        <span data-testid={`winner-stage-${w.entryId}`}>
          <AwardTag award={a} />
        </span>
      ),
    },
    {
      title: '年夜饭菜品',
      render: (_: unknown, w) => {
        if (w.award !== 'listed') return <Typography.Text type="secondary">大厨复刻完成后上架</Typography.Text>;
        // The menu creates the dish from the listing event a moment later; its id arrives then.
        if (!w.dishId) {
          return (
            <span data-testid={`winner-dish-${w.entryId}`}>
              「{w.dishName}」<Typography.Text type="secondary">菜品记录生成中，稍后刷新</Typography.Text>
            </span>
          );
        }
        const d = dishByEntry.get(w.entryId);
        return (
          <span data-testid={`winner-dish-${w.entryId}`}>
            菜品 #{w.dishId}「{w.dishName}」{d ? ` · 署名 ${d.authorDisplayName} · ${yuan(d.priceFen)} · ${d.status === 'listed' ? '在售' : '未上架'}` : ''}
          </span>
        );
      },
    },
    {
      title: '操作',
      render: (_: unknown, w) =>
        w.award === 'cooking' ? (
          <Button size="small" type="primary" onClick={() => setListing(w)} data-testid={`winner-list-${w.entryId}`}>
            复刻完成，上架
          </Button>
        ) : null,
    },
  ];

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid="ranking-tab">
      <Card
        size="small"
        title={board.data?.frozen ? `最终排名（${formatDateTime(board.data.closedAt)} 锁定）` : '实时排名'}
        extra={
          <Space>
            <Button onClick={() => void board.reload()} data-testid="ranking-refresh">
              刷新
            </Button>
            {closed && (
              <Button type="primary" disabled={selected.length === 0} loading={confirming} onClick={confirmWinners} data-testid="confirm-winners">
                确认获奖（{selected.length}）
              </Button>
            )}
          </Space>
        }
      >
        {!closed && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            message={
              c.phase === 'counting'
                ? '投票已结束，正在计票，稍后刷新即可确认获奖作品。'
                : '活动结束后排名锁定（同票时先达到该票数的作品在前），再确认获奖作品。'
            }
          />
        )}
        {board.error && <Alert type="error" showIcon message={board.error} />}
        <DataTable<BoardItem>
          rowKey="entryId"
          size="small"
          columns={columns}
          dataSource={board.data?.items ?? []}
          loading={board.loading}
          pagination={false}
          locale={{ emptyText: '还没有通过审核的作品' }}
          rowSelection={
            closed
              ? {
                  selectedRowKeys: selected,
                  onChange: (keys) => setSelected(keys.map(Number)),
                  getCheckboxProps: (r) => ({ disabled: winnerIds.has(r.entryId), 'data-testid': `pick-${r.entryId}` }) as never,
                }
              : undefined
          }
          data-testid="ranking-table"
        />
      </Card>
      <Card size="small" title="获奖作品">
        {dishes.error && <Alert type="error" showIcon message={dishes.error} />}
        <DataTable<Winner>
          rowKey="entryId"
          size="small"
          columns={winnerColumns}
          dataSource={c.winners}
          pagination={false}
          locale={{ emptyText: closed ? '在上方勾选作品并点击「确认获奖」' : '活动结束后确认' }}
          data-testid="winners-table"
        />
      </Card>
      <ListDishModal
        winner={listing}
        onClose={() => setListing(null)}
        onDone={(e) => {
          setListing(null);
          message.success(`「${e.dishName}」已上架年夜饭菜单`);
          onChanged();
        }}
      />
    </Space>
  );
}

function ListDishModal({ winner, onClose, onDone }: { winner: Winner | null; onClose(): void; onDone(e: contest.AdminEntry): void }) {
  const { api } = useAuth();
  const [form] = Form.useForm<{ dishName: string; priceYuan: number | null }>();
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit() {
    if (!winner) return;
    const values = await form.validateFields();
    setSaving(true);
    setError(null);
    try {
      const body: { dishName?: string; priceFen?: number } = {};
      if (values.dishName?.trim()) body.dishName = values.dishName.trim();
      if (values.priceYuan !== null && values.priceYuan !== undefined) body.priceFen = Math.round(values.priceYuan * 100);
      onDone(await api.call(contest.adminListWinner, { params: { entryId: winner.entryId }, body }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  }

  return (
    <Modal
      open={!!winner}
      title={winner ? `上架「${winner.title}」到年夜饭菜单` : ''}
      onCancel={onClose}
      onOk={submit}
      okText="上架"
      okButtonProps={{ loading: saving, 'data-testid': 'list-dish-confirm' } as never}
      cancelText="取消"
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">上架后菜品以作者署名出现在年夜饭菜单上，并与作品互相关联。价格可稍后在预订模块设置。</Typography.Paragraph>
      {/* destroyOnHidden: the form mounts afresh for each winner, so initialValues apply every time */}
      <Form form={form} layout="vertical" initialValues={{ dishName: winner ? `${winner.displayName}的拿手${winner.title}` : '', priceYuan: null }}>
        <Form.Item
          label="菜品名称"
          name="dishName"
          rules={[
            { required: true, whitespace: true, message: '请填写菜品名称' },
            { max: 40, message: '最多 40 个字' },
          ]}
        >
          <Input maxLength={40} data-testid="list-dish-name" />
        </Form.Item>
        <Form.Item label="价格（元，可不填）" name="priceYuan">
          <InputNumber min={0} max={100000} precision={2} style={{ width: 200 }} data-testid="list-dish-price" />
        </Form.Item>
      </Form>
      {error && <Alert type="error" showIcon message={error} />}
    </Modal>
  );
}
