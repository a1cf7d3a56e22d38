/** 对账: WeChat Pay's trade bill of a day against our paid trades; differences are kept for ops. */
import { useState } from 'react';
import { Alert, Button, Input, Space } from 'antd';
import { DataTable } from '../../common/DataTable';
import { opsReconcileBill } from '../../../../contracts/preorder';
import type { RouteResponse } from '../../../../contracts/route';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { shanghaiToday } from './util';

const KIND: Record<string, string> = { missing_ours: '账单有、我方无', missing_bill: '我方有、账单无', amount_mismatch: '金额不一致' };

export function ReconcilePage() {
  const { api } = useAuth();
  const [day, setDay] = useState(shanghaiToday(new Date(Date.now() - 86400_000)));
  const [result, setResult] = useState<RouteResponse<typeof opsReconcileBill> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    setError(null);
    try {
      setResult(await api.call(opsReconcileBill, { body: { billDate: day } }));
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="preorder-reconcile">
      <Space>
        <Input type="date" value={day} onChange={(e) => setDay(e.target.value)} style={{ width: 160 }} />
        <Button type="primary" onClick={() => void run()}>
          下载账单并对账
        </Button>
      </Space>
      {error && <Alert type="error" showIcon message={error} />}
      {result && (
        <Alert
          type={result.diffs.length ? 'warning' : 'success'}
          showIcon
          message={`账单 ${result.billRows} 行，我方已支付 ${result.oursPaid} 笔，差异 ${result.diffs.length} 笔`}
        />
      )}
      {result && result.diffs.length > 0 && (
        <DataTable
          rowKey={(r) => `${r.outTradeNo}-${r.kind}`}
          size="small"
          pagination={false}
          dataSource={result.diffs}
          columns={[
            { title: '商户订单号', dataIndex: 'outTradeNo' },
            { title: '差异', render: (_, r) => KIND[r.kind] },
            { title: '我方(分)', dataIndex: 'oursFen' },
            { title: '账单(分)', dataIndex: 'billFen' },
          ]}
        />
      )}
    </Space>
  );
}
