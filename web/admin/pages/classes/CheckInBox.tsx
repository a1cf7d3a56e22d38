import { useRef, useState } from 'react';
import { Alert, Button, Input, Space, type InputRef } from 'antd';
import { opsCheckIn, type CheckInResult } from '../../../../contracts/classes';
import { useAuth } from '../../auth';
import { errorMessage } from '../../../shared/api';
import { formatDateTime } from '../../../shared/time';

/**
 * Check a member in at one session: a barcode scanner types the member's QR text (hubclass:r:…)
 * and Enter into the field, or staff type the 6-character short code the member shows.
 */
export function CheckInBox({ sessionId, onCheckedIn }: { sessionId: number; onCheckedIn?(r: CheckInResult): void }) {
  const { api } = useAuth();
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: true; r: CheckInResult } | { ok: false; message: string } | null>(null);
  const input = useRef<InputRef>(null);

  async function submit() {
    const text = code.trim();
    if (!text) return;
    setBusy(true);
    try {
      // Short codes are typed in any case; a scanned QR text is sent as it is.
      const r = await api.call(opsCheckIn, { body: { code: /^hubclass:/i.test(text) ? text : text.toUpperCase(), sessionId } });
      setOutcome({ ok: true, r });
      setCode('');
      onCheckedIn?.(r);
    } catch (err) {
      setOutcome({ ok: false, message: errorMessage(err) });
    } finally {
      setBusy(false);
      input.current?.focus();
    }
  }

  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Space.Compact style={{ maxWidth: 520, width: '100%' }}>
        <Input
          ref={input}
          data-testid="checkin-code"
          placeholder="输入会员的6位签到码，或用扫码枪扫描会员二维码"
          value={code}
          maxLength={128}
          onChange={(e) => setCode(e.target.value)}
          onPressEnter={() => void submit()}
          allowClear
        />
        <Button type="primary" loading={busy} data-testid="checkin-submit" onClick={() => void submit()}>
          签到
        </Button>
      </Space.Compact>
      {outcome &&
        (outcome.ok ? (
          <Alert
            data-testid="checkin-result"
            type={outcome.r.result === 'checked_in' ? 'success' : 'info'}
            showIcon
            message={`${outcome.r.result === 'checked_in' ? '签到成功' : '此前已签到'}：${outcome.r.memberNickname ?? '会员'}（${outcome.r.adults}位成人${
              outcome.r.children ? ` · ${outcome.r.children}位儿童` : ''
            }）`}
            description={`${outcome.r.title} · 签到时间 ${formatDateTime(outcome.r.checkedInAt)}${outcome.r.checkedInBy ? ` · 经办 ${outcome.r.checkedInBy}` : ''}`}
          />
        ) : (
          <Alert data-testid="checkin-error" type="error" showIcon message={outcome.message} />
        ))}
    </Space>
  );
}
