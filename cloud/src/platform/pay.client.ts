/* eslint-disable @typescript-eslint/no-explicit-any -- wechatpay-axios-plugin's chain client and answers are untyped */
/**
 * WeChat Pay API v3 (JSAPI) behind a small interface, implemented with `wechatpay-axios-plugin`:
 * it signs every request with the merchant key, verifies every answer with the WeChat Pay public
 * key, and gives us the RSA / AES-256-GCM / bill-CSV helpers the notifications and bills need.
 * Dev and tests point it at the simulator's /pay face (same paths, same signatures).
 */
import { createHash } from 'crypto';
import { Aes, Formatter, Rsa, Wechatpay } from 'wechatpay-axios-plugin';
import { PlatformError } from './types';
import { formatRfc3339Shanghai } from '../../../contracts/calendar';

export interface PayGatewayConfig {
  baseUrl: string;
  appid: string;
  mchid: string;
  merchantSerial: string;
  merchantPrivateKey: string;
  platformPublicKeyId: string;
  platformPublicKey: string;
  apiV3Key: string;
}

export interface PrepayInput {
  outTradeNo: string;
  description: string;
  amountFen: number;
  openid: string;
  notifyUrl: string;
  expiresAt: Date;
}

/** What wx.requestPayment takes (signType RSA, paySign over appId, timeStamp, nonceStr, package). */
export interface RequestPaymentParams {
  appId: string;
  timeStamp: string;
  nonceStr: string;
  package: string;
  signType: 'RSA';
  paySign: string;
}

export interface TradeState {
  outTradeNo: string;
  transactionId: string | null;
  /** SUCCESS, REFUND, NOTPAY, CLOSED, REVOKED, USERPAYING, PAYERROR */
  tradeState: string;
  amountFen: number;
  successTime: string | null;
}

export interface RefundState {
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  /** SUCCESS, CLOSED, PROCESSING, ABNORMAL */
  status: string;
  refundFen: number;
}

export interface BillRow {
  outTradeNo: string;
  transactionId: string;
  /** SUCCESS or REFUND */
  state: string;
  amountFen: number;
  refundFen: number;
  outRefundNo: string | null;
}

export interface VerifiedNotification {
  id: string;
  eventType: string;
  resource: Record<string, any>;
}

export class NotificationRejected extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotificationRejected';
  }
}

export interface PayGateway {
  prepay(input: PrepayInput): Promise<{ prepayId: string }>;
  requestPaymentParams(prepayId: string): RequestPaymentParams;
  query(outTradeNo: string): Promise<TradeState | null>;
  close(outTradeNo: string): Promise<void>;
  refund(input: { outTradeNo: string; outRefundNo: string; refundFen: number; totalFen: number; reason: string; notifyUrl: string }): Promise<RefundState>;
  queryRefund(outRefundNo: string): Promise<RefundState | null>;
  tradeBill(date: string): Promise<BillRow[]>;
  /** Check the platform signature over the raw bytes (and the timestamp), then decrypt the resource. */
  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string, nowMs?: number): VerifiedNotification;
}

/** '12.34' → 1234, without floating point. */
export function yuanToFen(text: string): number {
  const m = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(String(text).trim());
  if (!m) throw new Error(`not an amount: ${text}`);
  const fen = Number(m[2]) * 100 + Number((m[3] ?? '0').padEnd(2, '0'));
  return m[1] ? -fen : fen;
}

/** RFC 3339 in Beijing time (time_expire). */
function rfc3339(d: Date): string {
  return formatRfc3339Shanghai(d);
}

function header(h: Record<string, string | string[] | undefined>, name: string): string {
  const v = h[name.toLowerCase()] ?? h[name];
  return Array.isArray(v) ? v[0] : (v ?? '');
}

export class WechatPayGateway implements PayGateway {
  private readonly client: any;

  constructor(private readonly cfg: PayGatewayConfig) {
    this.client = new Wechatpay({
      mchid: cfg.mchid,
      serial: cfg.merchantSerial,
      privateKey: cfg.merchantPrivateKey,
      certs: { [cfg.platformPublicKeyId]: cfg.platformPublicKey },
      baseURL: cfg.baseUrl,
      timeout: 10_000,
    } as any);
  }

  private async call<T>(api: string, run: () => Promise<{ data: T }>): Promise<T> {
    try {
      return (await run()).data;
    } catch (err) {
      const e = err as { response?: { status?: number; data?: { code?: string; message?: string } }; message?: string };
      const status = e.response?.status ?? 0;
      throw new PlatformError('pay', api, status, `${e.response?.data?.code ?? 'NETWORK'} ${e.response?.data?.message ?? e.message ?? ''}`.trim());
    }
  }

  async prepay(input: PrepayInput): Promise<{ prepayId: string }> {
    const data = await this.call<{ prepay_id: string }>('jsapi', () =>
      this.client.chain('v3/pay/transactions/jsapi').post({
        appid: this.cfg.appid,
        mchid: this.cfg.mchid,
        description: input.description.slice(0, 127),
        out_trade_no: input.outTradeNo,
        time_expire: rfc3339(input.expiresAt),
        notify_url: input.notifyUrl,
        amount: { total: input.amountFen, currency: 'CNY' },
        payer: { openid: input.openid },
      }),
    );
    return { prepayId: data.prepay_id };
  }

  requestPaymentParams(prepayId: string): RequestPaymentParams {
    const timeStamp = String(Formatter.timestamp());
    const nonceStr = Formatter.nonce();
    const pkg = `prepay_id=${prepayId}`;
    const paySign = Rsa.sign(Formatter.joinedByLineFeed(this.cfg.appid, timeStamp, nonceStr, pkg), this.cfg.merchantPrivateKey);
    return { appId: this.cfg.appid, timeStamp, nonceStr, package: pkg, signType: 'RSA', paySign };
  }

  async query(outTradeNo: string): Promise<TradeState | null> {
    try {
      const d = await this.call<any>('query', () =>
        this.client.chain('v3/pay/transactions/out-trade-no/{out_trade_no}').get({ params: { mchid: this.cfg.mchid }, out_trade_no: outTradeNo }),
      );
      return {
        outTradeNo: d.out_trade_no,
        transactionId: d.transaction_id ?? null,
        tradeState: d.trade_state,
        amountFen: d.amount?.total ?? 0,
        successTime: d.success_time ?? null,
      };
    } catch (err) {
      if (err instanceof PlatformError && err.errcode === 404) return null;
      throw err;
    }
  }

  async close(outTradeNo: string): Promise<void> {
    await this.call('close', () =>
      this.client.chain('v3/pay/transactions/out-trade-no/{out_trade_no}/close').post({ mchid: this.cfg.mchid }, { out_trade_no: outTradeNo }),
    );
  }

  async refund(input: {
    outTradeNo: string;
    outRefundNo: string;
    refundFen: number;
    totalFen: number;
    reason: string;
    notifyUrl: string;
  }): Promise<RefundState> {
    const d = await this.call<any>('refund', () =>
      this.client.chain('v3/refund/domestic/refunds').post({
        out_trade_no: input.outTradeNo,
        out_refund_no: input.outRefundNo,
        reason: input.reason.slice(0, 80),
        notify_url: input.notifyUrl,
        amount: { refund: input.refundFen, total: input.totalFen, currency: 'CNY' },
      }),
    );
    return {
      outRefundNo: d.out_refund_no,
      refundId: d.refund_id,
      outTradeNo: d.out_trade_no,
      status: d.status,
      refundFen: d.amount?.refund ?? input.refundFen,
    };
  }

  async queryRefund(outRefundNo: string): Promise<RefundState | null> {
    try {
      const d = await this.call<any>('refund-query', () => this.client.chain('v3/refund/domestic/refunds/{out_refund_no}').get({ out_refund_no: outRefundNo }));
      return { outRefundNo: d.out_refund_no, refundId: d.refund_id, outTradeNo: d.out_trade_no, status: d.status, refundFen: d.amount?.refund ?? 0 };
    } catch (err) {
      if (err instanceof PlatformError && err.errcode === 404) return null;
      throw err;
    }
  }

  async tradeBill(date: string): Promise<BillRow[]> {
    const meta = await this.call<{ download_url: string; hash_type: string; hash_value: string }>('tradebill', () =>
      this.client.chain('v3/bill/tradebill').get({ params: { bill_date: date, bill_type: 'ALL' } }),
    );
    const url = new URL(meta.download_url);
    const file = await this.call<Buffer>('billdownload', () =>
      this.client.chain('v3/billdownload/file').get({ params: Object.fromEntries(url.searchParams), responseType: 'arraybuffer' }),
    );
    const buf = Buffer.from(file);
    if (meta.hash_type === 'SHA1' && createHash('sha1').update(buf).digest('hex') !== meta.hash_value.toLowerCase()) {
      throw new PlatformError('pay', 'billdownload', 0, 'bill hash mismatch');
    }
    const { rows } = Formatter.castCsvBill(buf) as { rows: Array<Record<string, string>> };
    return rows
      .filter((r) => r['商户订单号'])
      .map((r) => ({
        outTradeNo: r['商户订单号'],
        transactionId: r['微信订单号'],
        state: r['交易状态'],
        amountFen: yuanToFen(r['订单金额'] || '0'),
        refundFen: yuanToFen(r['退款金额'] || '0'),
        outRefundNo: r['商户退款单号'] && r['商户退款单号'] !== '0' ? r['商户退款单号'] : null,
      }));
  }

  verifyNotification(headers: Record<string, string | string[] | undefined>, rawBody: string, nowMs = Date.now()): VerifiedNotification {
    const ts = header(headers, 'Wechatpay-Timestamp');
    const nonce = header(headers, 'Wechatpay-Nonce');
    const serial = header(headers, 'Wechatpay-Serial');
    const signature = header(headers, 'Wechatpay-Signature');
    if (!ts || !nonce || !serial || !signature) throw new NotificationRejected('missing Wechatpay-* headers');
    if (!/^\d{1,12}$/.test(ts) || Math.abs(nowMs / 1000 - Number(ts)) > 300) throw new NotificationRejected('stale or bad timestamp');
    if (serial !== this.cfg.platformPublicKeyId) throw new NotificationRejected(`unknown serial ${serial.slice(0, 64)}`);
    let ok = false;
    try {
      ok = Rsa.verify(Formatter.response(ts, nonce, rawBody), signature, this.cfg.platformPublicKey);
    } catch {
      ok = false;
    }
    if (!ok) throw new NotificationRejected('bad signature');
    let body: any;
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw new NotificationRejected('body is not JSON');
    }
    const r = body?.resource;
    if (!body?.id || !body?.event_type || r?.algorithm !== 'AEAD_AES_256_GCM') throw new NotificationRejected('unexpected envelope');
    let plain: string;
    try {
      plain = Aes.AesGcm.decrypt(r.ciphertext, this.cfg.apiV3Key, r.nonce, r.associated_data ?? '');
    } catch {
      throw new NotificationRejected('cannot decrypt resource');
    }
    return { id: String(body.id), eventType: String(body.event_type), resource: JSON.parse(plain) };
  }
}
