/**
 * The real WeChat Pay library (wechatpay-axios-plugin, behind PayGateway) against the simulator's
 * /pay face: signed requests, verified answers, notifications verified and decrypted, forged ones
 * refused, refunds once per out_refund_no, and the trade bill parsed.
 */
import { startSimulator, type SimulatorHandle } from '../../simulator';
import { devPayKeys } from '../../src/config/pay-dev-keys';
import { NotificationRejected, WechatPayGateway, yuanToFen } from '../../src/platform/pay.client';

let sim: SimulatorHandle;
let gw: WechatPayGateway;

async function control<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(`${sim.url}/__sim/pay${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  sim = await startSimulator({
    port: 0,
    wechat: { appId: 'wxapp', appSecret: 's' },
    wecom: { corpId: 'c', contactSecret: 's', agentId: '1', agentSecret: 's' },
    pay: { appid: 'wxapp' },
  });
  const k = devPayKeys();
  gw = new WechatPayGateway({
    baseUrl: `${sim.url}/pay/`,
    appid: 'wxapp',
    mchid: k.mchid,
    merchantSerial: k.merchantSerial,
    merchantPrivateKey: k.merchantPrivateKey,
    platformPublicKeyId: k.platformPublicKeyId,
    platformPublicKey: k.platformPublicKey,
    apiV3Key: k.apiV3Key,
  });
});
afterAll(() => sim.close());

test('yuan to fen without floating point', () => {
  expect(yuanToFen('12.34')).toBe(1234);
  expect(yuanToFen('0.1')).toBe(10);
  expect(yuanToFen('-3.05')).toBe(-305);
});

test('prepay, pay, verified notification, query, refund once, bill', async () => {
  const expiresAt = new Date(Date.now() + 15 * 60_000);
  const { prepayId } = await gw.prepay({
    outTradeNo: 'GWTEST0001',
    description: '年夜饭',
    amountFen: 12800,
    openid: 'o_1',
    notifyUrl: 'http://127.0.0.1:1/api/pay/notify',
    expiresAt,
  });
  expect(prepayId).toMatch(/^wx/);
  // the same out_trade_no and amount answers the same prepay id
  expect(
    (
      await gw.prepay({
        outTradeNo: 'GWTEST0001',
        description: '年夜饭',
        amountFen: 12800,
        openid: 'o_1',
        notifyUrl: 'http://127.0.0.1:1/api/pay/notify',
        expiresAt,
      })
    ).prepayId,
  ).toBe(prepayId);
  const params = gw.requestPaymentParams(prepayId);
  expect(params.package).toBe(`prepay_id=${prepayId}`);
  expect(params.signType).toBe('RSA');

  expect((await gw.query('GWTEST0001'))!.tradeState).toBe('NOTPAY');
  const paid = await control<{ notifications: Array<{ headers: Record<string, string>; body: string }> }>('/confirm', {
    prepay_id: prepayId,
    deliver: false,
    duplicates: 1,
  });
  expect(paid.notifications).toHaveLength(2);
  const n = gw.verifyNotification(paid.notifications[0].headers, paid.notifications[0].body);
  expect(n.eventType).toBe('TRANSACTION.SUCCESS');
  expect(n.resource.out_trade_no).toBe('GWTEST0001');
  expect(n.resource.amount.total).toBe(12800);
  // a duplicate carries a different notification id (WeChat's retries keep theirs; ours dedupe on trade state too)
  expect(gw.verifyNotification(paid.notifications[1].headers, paid.notifications[1].body).resource.out_trade_no).toBe('GWTEST0001');
  // one byte changed, an old timestamp, a forged signature: all refused
  expect(() => gw.verifyNotification(paid.notifications[0].headers, paid.notifications[0].body.replace('"id":"', '"id":"x'))).toThrow(NotificationRejected);
  expect(() => gw.verifyNotification(paid.notifications[0].headers, paid.notifications[0].body, Date.now() + 10 * 60_000)).toThrow(/stale/);
  const forged = await control<{ notification: { headers: Record<string, string>; body: string } }>('/forge', { out_trade_no: 'GWTEST0001', deliver: false });
  expect(() => gw.verifyNotification(forged.notification.headers, forged.notification.body)).toThrow(/signature/);

  const q = await gw.query('GWTEST0001');
  expect(q).toMatchObject({ tradeState: 'SUCCESS', amountFen: 12800 });
  expect(await gw.query('NOSUCHTRADE1')).toBeNull();

  const r1 = await gw.refund({
    outTradeNo: 'GWTEST0001',
    outRefundNo: 'GWTEST0001R1',
    refundFen: 12800,
    totalFen: 12800,
    reason: '取消订单',
    notifyUrl: 'http://127.0.0.1:1/api/pay/notify',
  });
  const r2 = await gw.refund({
    outTradeNo: 'GWTEST0001',
    outRefundNo: 'GWTEST0001R1',
    refundFen: 12800,
    totalFen: 12800,
    reason: '取消订单',
    notifyUrl: 'http://127.0.0.1:1/api/pay/notify',
  });
  expect(r2.refundId).toBe(r1.refundId);
  await new Promise((r) => setTimeout(r, 80));
  expect((await gw.queryRefund('GWTEST0001R1'))!.status).toBe('SUCCESS');

  const day = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
  const rows = await gw.tradeBill(day);
  expect(rows.find((r) => r.outTradeNo === 'GWTEST0001' && r.state === 'SUCCESS')).toMatchObject({ amountFen: 12800 });
  expect(rows.find((r) => r.outTradeNo === 'GWTEST0001' && r.state === 'REFUND')).toMatchObject({ refundFen: 12800, outRefundNo: 'GWTEST0001R1' });
});

test('close, and a request signed with another key is refused', async () => {
  const expiresAt = new Date(Date.now() + 60_000);
  await gw.prepay({ outTradeNo: 'GWTEST0002', description: 'x', amountFen: 100, openid: 'o_1', notifyUrl: 'http://127.0.0.1:1/n', expiresAt });
  await gw.close('GWTEST0002');
  expect((await gw.query('GWTEST0002'))!.tradeState).toBe('CLOSED');
  const { generateKeyPairSync } = await import('crypto');
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const k = devPayKeys();
  const bad = new WechatPayGateway({
    baseUrl: `${sim.url}/pay/`,
    appid: 'wxapp',
    mchid: k.mchid,
    merchantSerial: k.merchantSerial,
    merchantPrivateKey: other,
    platformPublicKeyId: k.platformPublicKeyId,
    platformPublicKey: k.platformPublicKey,
    apiV3Key: k.apiV3Key,
  });
  await expect(bad.query('GWTEST0002')).rejects.toThrow(/SIGN_ERROR/);
});
