/**
 * 客户旅程: every journey one customer is or was in, with the full step log. Opened from a
 * channel's customers, a journey's enrolments or the welcome log; or by searching the customer
 * (name, phone, tag) in the picker.
 */
import { useEffect, useState } from 'react';
import { Alert, Card, Empty, Skeleton, Space, Tag, Typography } from 'antd';
import { useNavigate, useParams } from 'react-router-dom';
import type { RouteResponse } from '../../../../contracts/route';
import { customerJourneys } from '../../../../contracts/journeys';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { EnrolmentCard } from './StepLog';
import { CustomerPicker } from '../../common/CustomerPicker';

export function CustomerJourneysPage() {
  const { api } = useAuth();
  const navigate = useNavigate();
  const externalUserId = useParams().externalUserId ?? '';
  const [data, setData] = useState<RouteResponse<typeof customerJourneys> | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setData(null);
    setError(null);
    if (!externalUserId) return;
    let live = true;
    api.call(customerJourneys, { params: { externalUserId } }).then(
      (r) => live && setData(r),
      (err) => live && setError(errorMessage(err)),
    );
    return () => {
      live = false;
    };
  }, [api, externalUserId]);

  const name = data?.items.find((e) => e.customerName)?.customerName;
  return (
    <Card
      data-testid="customer-journeys"
      title={
        <Space>
          <span>客户旅程</span>
          {externalUserId && name ? (
            <Typography.Text type="secondary" data-testid="customer-journeys-id">
              {name}
            </Typography.Text>
          ) : null}
          {data?.optedOut ? (
            <Tag color="red" data-testid="customer-opted-out">
              已退订旅程消息
            </Tag>
          ) : null}
        </Space>
      }
      extra={
        <CustomerPicker
          value={externalUserId || undefined}
          onChange={(v) => v && navigate(`/journeys/customers/${encodeURIComponent(v)}`)}
          testId="customer-journeys-search"
        />
      }
    >
      {!externalUserId ? (
        <Empty description="在右上角按姓名、手机号或标签搜索客户，或从渠道的客户列表、旅程的客户进度点进来" />
      ) : error ? (
        <Alert type="error" showIcon message={error} />
      ) : !data ? (
        <Skeleton active />
      ) : !data.items.length ? (
        <Empty description="这位客户还没有进入任何旅程" />
      ) : (
        data.items.map((e) => <EnrolmentCard key={e.id} e={e} />)
      )}
    </Card>
  );
}
