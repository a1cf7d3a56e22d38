/**
 * api.mch.weixin.qq.com stand-in (WeChat Pay API v3, JSAPI): prepay, query, close, refund (+
 * query), trade bill and its download. Requests must carry a valid merchant signature
 * (WECHATPAY2-SHA256-RSA2048); every answer and every notification is signed with the platform
 * key (public-key mode, serial PUB_KEY_ID_…), and notification resources are AES-256-GCM encrypted
 * with the APIv3 key, exactly as the real host does — so the server's real library runs against it.
 *
 * Control (/__sim/pay): `confirm` is the member paying (what the WeChat cashier does), with
 * duplicate / delayed deliveries; `forge` makes a notification with a wrong signature; `redeliver`
 * sends a stored one again (late); `bill-plant` adds a row to a day's bill that we never sold.
 */
import { createCipheriv, createHash, createPrivateKey, createSign, createVerify, generateKeyPairSync, randomUUID } from 'crypto';
import { devPayKeys } from '../src/config/pay-dev-keys';
import { SimFace, SimRequest, SimResult, badRequest, field, json } from './router';
import { SimState, randomHex } from './state';
import { atLocalTime, dayKey, formatDateTimeSeconds, formatRfc3339Shanghai } from '../../contracts/calendar';

export interface PayFaceOptions {
  mchid?: string;
  appid?: string;
  merchantPublicKey?: string;
  platformPrivateKey?: string;
  platformPublicKeyId?: string;
  apiV3Key?: string;
  /** Delay before a requested refund succeeds and its notification goes out. */
  refundDelayMs?: number;
}

interface Trade {
  appid: string;
  mchid: string;
  description: string;
  outTradeNo: string;
  notifyUrl: string;
  total: number;
  openid: string;
  prepayId: string;
  state: 'NOTPAY' | 'SUCCESS' | 'CLOSED' | 'REFUND';
  transactionId: string | null;
  successTime: number | null;
  timeExpire: number | null;
}

interface Refund {
  refundId: string;
  outRefundNo: string;
  outTradeNo: string;
  refund: number;
  total: number;
  notifyUrl: string | null;
  status: 'PROCESSING' | 'SUCCESS';
  createdAt: number;
  successTime: number | null;
}

export interface SimPayNotification {
  id: string;
  kind: 'transaction' | 'refund';
  outTradeNo: string;
  outRefundNo?: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  forged?: boolean;
  deliveries: Array<{ at: string; status: number | null }>;
}

interface BillRow {
  time: number;
  transactionId: string;
  outTradeNo: string;
  openid: string;
  state: 'SUCCESS' | 'REFUND';
  total: number;
  refundId?: string;
  outRefundNo?: string;
  refund?: number;
}

const BILL_HEAD =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const BILL_CAPTION = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';

function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const a = Math.abs(fen);
  return `${sign}${Math.floor(a / 100)}.${String(a % 100).padStart(2, '0')}`;
}

/** RFC 3339 in Beijing time, as WeChat Pay writes times. */
const rfc3339 = formatRfc3339Shanghai;
const shanghaiDay = dayKey;

function v3Error(status: number, code: string, message: string): SimResult {
  return { status, json: { code, message } };
}

export function payFace(state: SimState, opts: PayFaceOptions): SimFace {
  // the dev keys are generated lazily: only a process that uses the pay face pays for RSA keygen
  let keys: Required<Omit<PayFaceOptions, 'refundDelayMs'>> | null = null;
  const k = () => {
    if (!keys) {
      const dev = opts.merchantPublicKey && opts.platformPrivateKey && opts.apiV3Key ? null : devPayKeys();
      keys = {
        mchid: opts.mchid ?? dev?.mchid ?? '1900000109',
        appid: opts.appid ?? '',
        merchantPublicKey: opts.merchantPublicKey ?? dev!.merchantPublicKey,
        platformPrivateKey: opts.platformPrivateKey ?? dev!.platformPrivateKey,
        platformPublicKeyId: opts.platformPublicKeyId ?? dev!.platformPublicKeyId,
        apiV3Key: opts.apiV3Key ?? dev!.apiV3Key,
      };
    }
    return keys;
  };
  const refundDelayMs = opts.refundDelayMs ?? 30;
  const trades = new Map<string, Trade>();
  const byPrepay = new Map<string, string>();
  const refunds = new Map<string, Refund>();
  const notifications: SimPayNotification[] = [];
  const planted = new Map<string, BillRow[]>();
  const billFiles = new Map<string, Buffer>();
  const timers = new Set<NodeJS.Timeout>();

  function sign(message: string, key: string): string {
    return createSign('RSA-SHA256').update(message).sign(createPrivateKey(key), 'base64');
  }

  /** Every 2xx answer of the real host carries the platform signature over timestamp, nonce and body. */
  function signed(status: number, body: unknown): SimResult {
    const text = body === undefined ? '' : JSON.stringify(body);
    const ts = String(Math.floor(state.now() / 1000));
    const nonce = randomHex(32);
    const headers = {
      'Wechatpay-Timestamp': ts,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': k().platformPublicKeyId,
      'Wechatpay-Signature': sign(`${ts}\n${nonce}\n${text}\n`, k().platformPrivateKey),
      'Request-ID': randomUUID(),
    };
    if (body === undefined) return { status, headers, text: '' };
    return { status, headers: { ...headers, 'content-type': 'application/json' }, text };
  }

  /** The merchant's Authorization header, checked like the real host (401 SIGN_ERROR otherwise). */
  function authorized(req: SimRequest): boolean {
    const header = String(req.headers.authorization ?? '');
    const m = /^WECHATPAY2-SHA256-RSA2048\s+(.*)$/.exec(header);
    if (!m) return false;
    const parts = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (parts.mchid !== k().mchid || !parts.signature || !parts.timestamp || !parts.nonce_str) return false;
    if (Math.abs(state.now() / 1000 - Number(parts.timestamp)) > 300) return false;
    const qs = [...req.query].length ? `?${req.query.toString()}` : '';
    const message = `${req.method}\n/pay${req.path}${qs}\n${parts.timestamp}\n${parts.nonce_str}\n${req.rawBody.toString('utf8')}\n`;
    try {
      return createVerify('RSA-SHA256').update(message).verify(k().merchantPublicKey, parts.signature, 'base64');
    } catch {
      return false;
    }
  }

  function guard(req: SimRequest, handler: () => SimResult): SimResult {
    if (!authorized(req)) return v3Error(401, 'SIGN_ERROR', '签名错误');
    return handler();
  }

  function tradeView(t: Trade) {
    return {
      appid: t.appid,
      mchid: t.mchid,
      out_trade_no: t.outTradeNo,
      ...(t.transactionId ? { transaction_id: t.transactionId } : {}),
      trade_type: 'JSAPI',
      trade_state: t.state,
      trade_state_desc: { NOTPAY: '未支付', SUCCESS: '支付成功', CLOSED: '已关闭', REFUND: '转入退款' }[t.state],
      ...(t.successTime ? { success_time: rfc3339(t.successTime), bank_type: 'OTHERS' } : {}),
      payer: { openid: t.openid },
      amount: { total: t.total, currency: 'CNY', ...(t.successTime ? { payer_total: t.total, payer_currency: 'CNY' } : {}) },
    };
  }

  function refundView(r: Refund) {
    return {
      refund_id: r.refundId,
      out_refund_no: r.outRefundNo,
      transaction_id: trades.get(r.outTradeNo)?.transactionId ?? '',
      out_trade_no: r.outTradeNo,
      channel: 'ORIGINAL',
      user_received_account: '支付用户零钱',
      status: r.status,
      create_time: rfc3339(r.createdAt),
      ...(r.successTime ? { success_time: rfc3339(r.successTime) } : {}),
      amount: { total: r.total, refund: r.refund, payer_total: r.total, payer_refund: r.refund, currency: 'CNY' },
    };
  }

  function encrypt(plaintext: string, aad: string) {
    const nonce = randomHex(12);
    const cipher = createCipheriv('aes-256-gcm', Buffer.from(k().apiV3Key), Buffer.from(nonce));
    cipher.setAAD(Buffer.from(aad));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
    return { algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: aad, nonce };
  }

  function buildNotification(
    kind: 'transaction' | 'refund',
    resource: object,
    meta: { outTradeNo: string; outRefundNo?: string; url: string; eventType: string; summary: string; forged?: boolean },
  ): SimPayNotification {
    const body = JSON.stringify({
      id: randomUUID(),
      create_time: rfc3339(state.now()),
      resource_type: 'encrypt-resource',
      event_type: meta.eventType,
      summary: meta.summary,
      resource: { original_type: kind, ...encrypt(JSON.stringify(resource), kind) },
    });
    const ts = String(Math.floor(state.now() / 1000));
    const nonce = randomHex(32);
    // a forger has no platform private key: sign with some other key
    const signer = meta.forged
      ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
      : k().platformPrivateKey;
    const n: SimPayNotification = {
      id: JSON.parse(body).id,
      kind,
      outTradeNo: meta.outTradeNo,
      ...(meta.outRefundNo ? { outRefundNo: meta.outRefundNo } : {}),
      url: meta.url,
      headers: {
        'content-type': 'application/json',
        'Wechatpay-Timestamp': ts,
        'Wechatpay-Nonce': nonce,
        'Wechatpay-Serial': k().platformPublicKeyId,
        'Wechatpay-Signature': sign(`${ts}\n${nonce}\n${body}\n`, signer),
        'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
      },
      body,
      ...(meta.forged ? { forged: true } : {}),
      deliveries: [],
    };
    notifications.push(n);
    if (notifications.length > 5000) notifications.splice(0, notifications.length - 5000);
    return n;
  }

  async function deliver(n: SimPayNotification): Promise<number | null> {
    let status: number | null = null;
    try {
      const res = await fetch(n.url, { method: 'POST', headers: n.headers, body: n.body, signal: AbortSignal.timeout(5000) });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch {
      status = null;
    }
    n.deliveries.push({ at: new Date(state.now()).toISOString(), status });
    return status;
  }

  /** Like WeChat Pay: a failed delivery is retried (here after 1 s, 3 s, 10 s). */
  function deliverWithRetries(n: SimPayNotification, delayMs = 0, attempt = 0): void {
    const t = setTimeout(async () => {
      timers.delete(t);
      const status = await deliver(n);
      const ok = status !== null && status >= 200 && status < 300;
      if (!ok && !n.forged && attempt < 3) deliverWithRetries(n, [1000, 3000, 10_000][attempt], attempt + 1);
    }, delayMs);
    t.unref?.();
    timers.add(t);
  }

  function transactionNotification(t: Trade, forged = false): SimPayNotification {
    const { payer, amount, ...rest } = tradeView(t);
    return buildNotification(
      'transaction',
      { ...rest, attach: '', payer, amount },
      { outTradeNo: t.outTradeNo, url: t.notifyUrl, eventType: 'TRANSACTION.SUCCESS', summary: '支付成功', forged },
    );
  }

  function refundNotification(r: Refund): SimPayNotification | null {
    if (!r.notifyUrl) return null;
    const v = refundView(r);
    return buildNotification(
      'refund',
      {
        mchid: k().mchid,
        out_trade_no: v.out_trade_no,
        transaction_id: v.transaction_id,
        out_refund_no: v.out_refund_no,
        refund_id: v.refund_id,
        refund_status: 'SUCCESS',
        success_time: v.success_time,
        user_received_account: v.user_received_account,
        amount: { total: r.total, refund: r.refund, payer_total: r.total, payer_refund: r.refund },
      },
      { outTradeNo: r.outTradeNo, outRefundNo: r.outRefundNo, url: r.notifyUrl, eventType: 'REFUND.SUCCESS', summary: '退款成功' },
    );
  }

  function billFor(date: string): Buffer {
    const rows: BillRow[] = [];
    for (const t of trades.values()) {
      if (t.successTime && t.transactionId && shanghaiDay(t.successTime) === date)
        rows.push({ time: t.successTime, transactionId: t.transactionId, outTradeNo: t.outTradeNo, openid: t.openid, state: 'SUCCESS', total: t.total });
    }
    for (const r of refunds.values()) {
      const t = trades.get(r.outTradeNo);
      if (r.successTime && t?.transactionId && shanghaiDay(r.successTime) === date) {
        rows.push({
          time: r.successTime,
          transactionId: t.transactionId,
          outTradeNo: t.outTradeNo,
          openid: t.openid,
          state: 'REFUND',
          total: t.total,
          refundId: r.refundId,
          outRefundNo: r.outRefundNo,
          refund: r.refund,
        });
      }
    }
    rows.push(...(planted.get(date) ?? []));
    rows.sort((a, b) => a.time - b.time);
    const kk = k();
    const cell = (v: string) => `\`${v}`;
    const lines = rows.map((r) =>
      [
        formatDateTimeSeconds(r.time),
        kk.appid,
        kk.mchid,
        '0',
        '',
        r.transactionId,
        r.outTradeNo,
        r.openid,
        'JSAPI',
        r.state,
        'OTHERS',
        'CNY',
        yuan(r.state === 'SUCCESS' ? r.total : 0),
        '0.00',
        r.refundId ?? '0',
        r.outRefundNo ?? '0',
        yuan(r.refund ?? 0),
        '0.00',
        r.state === 'REFUND' ? 'ORIGINAL' : '',
        r.state === 'REFUND' ? 'SUCCESS' : '',
        '年夜饭预订',
        '',
        '0.00',
        '0.60%',
        yuan(r.total),
        yuan(r.refund ?? 0),
        '',
      ]
        .map(cell)
        .join(','),
    );
    const paid = rows.filter((r) => r.state === 'SUCCESS').reduce((s, r) => s + r.total, 0);
    const refunded = rows.filter((r) => r.state === 'REFUND').reduce((s, r) => s + (r.refund ?? 0), 0);
    const summary = [String(rows.length), yuan(paid), yuan(refunded), '0.00', '0.00', yuan(paid), yuan(refunded)].map(cell).join(',');
    return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([BILL_HEAD, ...lines, BILL_CAPTION, summary, ''].join('\r\n'), 'utf8')]);
  }

  function pay(t: Trade): void {
    t.state = 'SUCCESS';
    t.transactionId = `4200${randomHex(6)}${Date.now().toString().slice(-10)}${Math.floor(Math.random() * 1e8)
      .toString()
      .padStart(8, '0')}`.slice(0, 28);
    t.successTime = state.now();
  }

  const routes: SimFace['routes'] = [
    {
      method: 'POST',
      path: '/v3/pay/transactions/jsapi',
      handle: (req) =>
        guard(req, () => {
          // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the Pay API's JSON body, checked field by field below
          const b = (req.body ?? {}) as Record<string, any>;
          const total = b.amount?.total;
          if (b.mchid !== k().mchid) return v3Error(400, 'MCH_NOT_EXISTS', '商户号不存在');
          if (typeof b.out_trade_no !== 'string' || !/^[0-9A-Za-z_\-*|]{6,32}$/.test(b.out_trade_no))
            return v3Error(400, 'PARAM_ERROR', 'out_trade_no 格式错误');
          if (!Number.isInteger(total) || total < 1) return v3Error(400, 'PARAM_ERROR', 'amount.total 必须为正整数（分）');
          if (typeof b.payer?.openid !== 'string' || !b.payer.openid) return v3Error(400, 'PARAM_ERROR', '缺少 payer.openid');
          if (typeof b.notify_url !== 'string' || !/^https?:\/\//.test(b.notify_url)) return v3Error(400, 'PARAM_ERROR', 'notify_url 格式错误');
          const existing = trades.get(b.out_trade_no);
          if (existing) {
            if (existing.state === 'SUCCESS') return v3Error(400, 'ORDERPAID', '该订单已支付');
            if (existing.state === 'CLOSED') return v3Error(400, 'ORDERCLOSED', '订单已关闭');
            if (existing.total !== total) return v3Error(400, 'INVALID_REQUEST', '参数与首次请求时不一致');
            return signed(200, { prepay_id: existing.prepayId });
          }
          const prepayId = `wx${randomHex(30)}`;
          const t: Trade = {
            appid: String(b.appid ?? ''),
            mchid: b.mchid,
            description: String(b.description ?? ''),
            outTradeNo: b.out_trade_no,
            notifyUrl: b.notify_url,
            total,
            openid: b.payer.openid,
            prepayId,
            state: 'NOTPAY',
            transactionId: null,
            successTime: null,
            timeExpire: b.time_expire ? Date.parse(b.time_expire) : null,
          };
          trades.set(t.outTradeNo, t);
          byPrepay.set(prepayId, t.outTradeNo);
          return signed(200, { prepay_id: prepayId });
        }),
    },
    {
      method: 'GET',
      path: '/v3/pay/transactions/out-trade-no/:out_trade_no',
      handle: (req) =>
        guard(req, () => {
          const t = trades.get(req.params!.out_trade_no);
          if (!t) return v3Error(404, 'ORDER_NOT_EXIST', '订单不存在');
          return signed(200, tradeView(t));
        }),
    },
    {
      method: 'POST',
      path: '/v3/pay/transactions/out-trade-no/:out_trade_no/close',
      handle: (req) =>
        guard(req, () => {
          const t = trades.get(req.params!.out_trade_no);
          if (!t) return v3Error(404, 'ORDER_NOT_EXIST', '订单不存在');
          if (t.state === 'SUCCESS' || t.state === 'REFUND') return v3Error(400, 'ORDERPAID', '订单已支付，不能关闭');
          t.state = 'CLOSED';
          return signed(204, undefined);
        }),
    },
    {
      method: 'POST',
      path: '/v3/refund/domestic/refunds',
      handle: (req) =>
        guard(req, () => {
          // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the Pay API's JSON body, checked field by field below
          const b = (req.body ?? {}) as Record<string, any>;
          const t = trades.get(String(b.out_trade_no ?? ''));
          if (!t) return v3Error(404, 'RESOURCE_NOT_EXISTS', '订单不存在');
          if (t.state !== 'SUCCESS' && t.state !== 'REFUND') return v3Error(403, 'NOT_ENOUGH', '订单未支付');
          const out = String(b.out_refund_no ?? '');
          if (!/^[0-9A-Za-z_\-*|@]{1,64}$/.test(out)) return v3Error(400, 'PARAM_ERROR', 'out_refund_no 格式错误');
          const existing = refunds.get(out);
          if (existing) return signed(200, refundView(existing)); // the same out_refund_no refunds once
          const refund = b.amount?.refund;
          if (!Number.isInteger(refund) || refund < 1 || b.amount?.total !== t.total) return v3Error(400, 'PARAM_ERROR', '退款金额参数错误');
          const already = [...refunds.values()].filter((r) => r.outTradeNo === t.outTradeNo).reduce((s, r) => s + r.refund, 0);
          if (already + refund > t.total) return v3Error(403, 'NOT_ENOUGH', '退款金额超过订单可退金额');
          const r: Refund = {
            refundId: `50${randomHex(8)}${Date.now()}`.slice(0, 29),
            outRefundNo: out,
            outTradeNo: t.outTradeNo,
            refund,
            total: t.total,
            notifyUrl: typeof b.notify_url === 'string' ? b.notify_url : null,
            status: 'PROCESSING',
            createdAt: state.now(),
            successTime: null,
          };
          refunds.set(out, r);
          t.state = 'REFUND';
          const timer = setTimeout(() => {
            timers.delete(timer);
            r.status = 'SUCCESS';
            r.successTime = state.now();
            const n = refundNotification(r);
            if (n) deliverWithRetries(n);
          }, refundDelayMs);
          timer.unref?.();
          timers.add(timer);
          return signed(200, refundView(r));
        }),
    },
    {
      method: 'GET',
      path: '/v3/refund/domestic/refunds/:out_refund_no',
      handle: (req) =>
        guard(req, () => {
          const r = refunds.get(req.params!.out_refund_no);
          if (!r) return v3Error(404, 'RESOURCE_NOT_EXISTS', '退款单不存在');
          return signed(200, refundView(r));
        }),
    },
    {
      method: 'GET',
      path: '/v3/bill/tradebill',
      handle: (req) =>
        guard(req, () => {
          const date = req.query.get('bill_date') ?? '';
          if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return v3Error(400, 'PARAM_ERROR', 'bill_date 格式错误');
          const file = billFor(date);
          const token = randomHex(24);
          billFiles.set(token, file);
          const host = String(req.headers.host ?? '127.0.0.1');
          return signed(200, {
            hash_type: 'SHA1',
            hash_value: createHash('sha1').update(file).digest('hex'),
            download_url: `http://${host}/pay/v3/billdownload/file?token=${token}`,
          });
        }),
    },
    {
      method: 'GET',
      path: '/v3/billdownload/file',
      handle: (req) =>
        guard(req, () => {
          const file = billFiles.get(req.query.get('token') ?? '');
          if (!file) return v3Error(404, 'RESOURCE_NOT_EXISTS', '账单不存在或已过期');
          return { status: 200, raw: file, headers: { 'content-type': 'application/octet-stream' } };
        }),
    },
  ];

  const findTrade = (body: unknown): Trade | undefined => {
    const no = field(body, 'out_trade_no');
    const prepay = field(body, 'prepay_id');
    const key = typeof no === 'string' ? no : typeof prepay === 'string' ? byPrepay.get(prepay) : undefined;
    return key ? trades.get(key) : undefined;
  };
  const brief = (n: SimPayNotification) => ({
    id: n.id,
    kind: n.kind,
    out_trade_no: n.outTradeNo,
    out_refund_no: n.outRefundNo ?? null,
    url: n.url,
    headers: n.headers,
    body: n.body,
    forged: !!n.forged,
    deliveries: n.deliveries,
  });

  const control: SimFace['control'] = [
    {
      // the member pays in the WeChat cashier; `deliver: false` only builds the notification(s)
      method: 'POST',
      path: '/confirm',
      handle: async (req) => {
        const t = findTrade(req.body);
        if (!t) return badRequest('unknown out_trade_no / prepay_id');
        if (t.state === 'CLOSED') return json({ error: 'ORDERCLOSED', message: '订单已关闭' }, 409);
        if (t.state === 'NOTPAY' && t.timeExpire && t.timeExpire < state.now()) return json({ error: 'ORDER_EXPIRED', message: '订单已过期' }, 409);
        if (t.state === 'NOTPAY') pay(t);
        const copies = 1 + Math.min(10, Math.max(0, Number(field(req.body, 'duplicates') ?? 0) || 0));
        const delayMs = Math.max(0, Number(field(req.body, 'delayMs') ?? 0) || 0);
        const out = Array.from({ length: copies }, () => transactionNotification(t));
        if (field(req.body, 'deliver') !== false) {
          if (field(req.body, 'wait') === true) for (const n of out) await deliver(n);
          else out.forEach((n, i) => deliverWithRetries(n, delayMs + i * 20));
        }
        return json({ out_trade_no: t.outTradeNo, transaction_id: t.transactionId, notifications: out.map(brief) });
      },
    },
    {
      method: 'POST',
      path: '/forge',
      handle: async (req) => {
        const t = findTrade(req.body);
        if (!t) return badRequest('unknown out_trade_no');
        // a forged "paid" for a trade nobody paid: same shape, wrong signature
        const fake: Trade = { ...t, state: 'SUCCESS', transactionId: t.transactionId ?? `4200${randomHex(24)}`, successTime: t.successTime ?? state.now() };
        const n = transactionNotification(fake, true);
        if (field(req.body, 'deliver') !== false) await deliver(n);
        return json({ notification: brief(n) });
      },
    },
    {
      method: 'POST',
      path: '/redeliver',
      handle: async (req) => {
        const n = notifications.find((x) => x.id === field(req.body, 'id'));
        if (!n) return badRequest('unknown notification id');
        return json({ status: await deliver(n) });
      },
    },
    {
      method: 'GET',
      path: '/notifications',
      handle: (req) => {
        const no = req.query.get('out_trade_no');
        return json({ notifications: notifications.filter((n) => !no || n.outTradeNo === no).map(brief) });
      },
    },
    {
      method: 'GET',
      path: '/trades/:out_trade_no',
      handle: (req) => {
        const t = trades.get(req.params!.out_trade_no);
        return t ? json(tradeView(t)) : json({ error: 'not found' }, 404);
      },
    },
    {
      method: 'GET',
      path: '/summary',
      handle: () => {
        const paid = [...trades.values()].filter((t) => t.successTime);
        return json({
          trades: trades.size,
          paid: paid.length,
          paidFen: paid.reduce((s, t) => s + t.total, 0),
          refunds: refunds.size,
          refundedFen: [...refunds.values()].reduce((s, r) => s + r.refund, 0),
        });
      },
    },
    {
      method: 'POST',
      path: '/bill-plant',
      handle: (req) => {
        const date = String(field(req.body, 'bill_date') ?? '');
        const no = String(field(req.body, 'out_trade_no') ?? '');
        const amount = Number(field(req.body, 'amount_fen'));
        if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || !no || !Number.isInteger(amount)) return badRequest('bill_date, out_trade_no, amount_fen');
        const list = planted.get(date) ?? [];
        list.push({
          time: atLocalTime(date, '12:00').getTime(),
          transactionId: `4200${randomHex(24)}`,
          outTradeNo: no,
          openid: 'o_planted',
          state: 'SUCCESS',
          total: amount,
        });
        planted.set(date, list);
        return json({ ok: true });
      },
    },
  ];

  return {
    name: 'pay',
    prefix: '/pay',
    routes,
    control,
    faultBody: (errcode) => ({ code: 'SYSTEM_ERROR', message: `injected ${errcode}` }),
    reset: () => {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      trades.clear();
      byPrepay.clear();
      refunds.clear();
      notifications.length = 0;
      planted.clear();
      billFiles.clear();
    },
  };
}
