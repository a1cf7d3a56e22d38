/**
 * The door QR members scan to check themselves in. The server signs a new code every period
 * (about 30 s) and says when: this screen fetches the next one at that moment, so it can stay on
 * a screen at the door while a photo of it stops working within a minute.
 */
import { useEffect, useState } from 'react';
import { Alert, Popover, Space, Typography } from 'antd';
import { opsSessionCode } from '../../../../contracts/classes';
import type { RouteResponse } from '../../../../contracts/route';
import type { ApiClient } from '../../../shared/api';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';
import { QrImage } from './QrImage';

type SessionCode = RouteResponse<typeof opsSessionCode>;

export function DoorCode({ api, sessionId }: { api: ApiClient; sessionId: number }) {
  const [code, setCode] = useState<SessionCode | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [left, setLeft] = useState<number | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fetchNext = async () => {
      let waitMs = 5000;
      try {
        const next = await api.call(opsSessionCode, { params: { sessionId } });
        if (stopped) return;
        setCode(next);
        setError(null);
        // a moment after the server's turn, so the next call lands in the new period
        waitMs = next.refreshInSeconds * 1000 + 250;
      } catch (err) {
        if (stopped) return;
        setError(errorMessage(err));
      }
      timer = setTimeout(() => void fetchNext(), waitMs);
    };
    void fetchNext();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [api, sessionId]);

  // seconds until the code turns, for the person at the door
  useEffect(() => {
    if (!code) return;
    const tick = () => setLeft(Math.max(0, Math.ceil((Date.parse(code.refreshAt) - Date.now()) / 1000)));
    tick();
    const id = setInterval(tick, 1000);
    return () => clearInterval(id);
  }, [code]);

  if (!code) return error ? <Alert type="error" showIcon message={error} /> : <Typography.Text type="secondary">正在生成签到码…</Typography.Text>;
  return (
    <Space direction="vertical" style={{ width: '100%', textAlign: 'center' }}>
      <Typography.Text>
        {code.title} · {formatDateTime(code.startsAt)}
      </Typography.Text>
      <QrImage text={code.qrPayload} testId="session-qr" />
      <Typography.Text type="secondary" data-testid="session-qr-turns">
        二维码每隔一小段时间自动更新{left !== null ? `（${left} 秒后更新）` : ''}，请投屏或用平板放在门口，不要打印或转发截图。
      </Typography.Text>
      <Typography.Text type="secondary">会员用小程序「我的活动 → 扫码签到」扫描即可签到。</Typography.Text>
      {error && <Alert type="warning" showIcon message={`更新失败：${error}（稍后自动重试）`} />}
      <Popover content={<Typography.Text copyable>{code.qrPayload}</Typography.Text>}>
        <Typography.Link data-testid="session-qr-text">显示二维码内容</Typography.Link>
      </Popover>
    </Space>
  );
}
