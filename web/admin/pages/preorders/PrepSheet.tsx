/** 备餐单: how many of each dish per pickup slot, for a store and day; printable. */
import { useEffect, useState } from 'react';
import { Alert, Button, Input, InputNumber, Space, Typography } from 'antd';
import { opsPrepSheet } from '../../../../contracts/preorder';
import type { RouteResponse } from '../../../../contracts/route';
import { useAuth, useStaff } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { hm, shanghaiToday } from './util';

export function PrepSheetPage() {
  const { api } = useAuth();
  const staff = useStaff();
  const [q, setQ] = useState({ campaignId: 0, storeId: staff.storeId ?? 0, day: shanghaiToday() });
  const [sheet, setSheet] = useState<RouteResponse<typeof opsPrepSheet> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!q.campaignId || !q.storeId || !q.day) return;
    setError(null);
    // an answer for an earlier choice (day typed after store) must not overwrite the current one
    let current = true;
    api.call(opsPrepSheet, { query: q }).then(
      (s) => current && setSheet(s),
      (e) => current && setError(errorMessage(e)),
    );
    return () => {
      current = false;
    };
  }, [api, q]);

  return (
    <div data-testid="preorder-prep">
      <Space wrap className="no-print" style={{ marginBottom: 12 }}>
        <InputNumber
          addonBefore="活动ID"
          min={1}
          value={q.campaignId || undefined}
          onChange={(v) => setQ({ ...q, campaignId: Number(v ?? 0) })}
          data-testid="prep-campaign"
        />
        <InputNumber
          addonBefore="门店ID"
          min={1}
          value={q.storeId || undefined}
          onChange={(v) => setQ({ ...q, storeId: Number(v ?? 0) })}
          data-testid="prep-store"
        />
        <Input type="date" value={q.day} onChange={(e) => setQ({ ...q, day: e.target.value })} data-testid="prep-day" style={{ width: 160 }} />
        <Button onClick={() => window.print()}>打印</Button>
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
      {sheet && (
        <div className="prep-sheet">
          <Typography.Title level={4}>
            备餐单 · {sheet.storeName ?? sheet.storeId} · {sheet.day}（{sheet.orders} 单）
          </Typography.Title>
          <table className="prep-table" data-testid="prep-table">
            <thead>
              <tr>
                <th>时段</th>
                <th>订单数</th>
                {sheet.items.map((i) => (
                  <th key={i.itemId}>{i.name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sheet.slots.map((s) => (
                <tr key={s.slotId}>
                  <td>
                    {hm(s.startsAt)}–{hm(s.endsAt)}
                  </td>
                  <td>{s.orders}</td>
                  {sheet.items.map((i) => (
                    <td key={i.itemId}>{s.qty[String(i.itemId)] ?? 0}</td>
                  ))}
                </tr>
              ))}
              <tr className="prep-total">
                <td>合计</td>
                <td>{sheet.orders}</td>
                {sheet.items.map((i) => (
                  <td key={i.itemId} data-testid={`prep-total-${i.itemId}`}>
                    {sheet.totals[String(i.itemId)] ?? 0}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
