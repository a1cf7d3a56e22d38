/**
 * More of api.weixin.qq.com for the mini-program server APIs that need an access_token:
 *   POST /cgi-bin/stable_token, GET /cgi-bin/token        (7200 s tokens; stable_token keeps the
 *                                                           current one unless force_refresh)
 *   POST /wxa/getwxacodeunlimit                            (a real small PNG, or JSON errcode)
 *   POST /cgi-bin/message/subscribe/send                   (43101 unless the member accepted)
 *   POST /wxa/business/getuserphonenumber {code, openid?}  the phone number behind a getPhoneNumber
 *                                                          code: {errcode 0, errmsg, phone_info {phoneNumber,
 *                                                          purePhoneNumber, countryCode, watermark}}; a code
 *                                                          is good once, for 5 minutes (40029 otherwise)
 * Control (under /__sim/wechat):
 *   POST /subscribe-accepts { openid, templateId, times? }  what a tap on wx.requestSubscribeMessage grants
 *   POST /phone-codes { openid, phoneNumber? }             what a tap on <button open-type="getPhoneNumber">
 *                                                          hands the mini-program (the user's WeChat number:
 *                                                          the one given before for this openid, else a fixed
 *                                                          one derived from it)
 *   GET  /subscribe-messages                               messages delivered (bodies as sent)
 *   POST /expire-token                                     make the current token invalid (42001)
 * Every API call (with its JSON body) is also in the simulator's call record.
 */
import { createHash } from 'crypto';
import { deflateSync } from 'zlib';
import { SimRequest, SimResult, SimRoute, badRequest, field, json } from './router';
import { SimState, randomId } from './state';

export const WECHAT_TOKEN_TTL_SEC = 7200;
/** getPhoneNumber codes, like wx.login codes, are good for 5 minutes and once. */
const PHONE_CODE_TTL_MS = 5 * 60_000;

type ErrorFn = (errcode: number, msg?: string) => unknown;

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/**
 * A valid greyscale PNG, `size` px square, with a 21×21 module pattern derived from the scene
 * (so different scenes give different images) and solid finder squares in three corners.
 */
export function fakeWxacodePng(scene: string, size: number): Buffer {
  const modules = 21;
  const hash = createHash('sha256').update(scene).digest();
  const bit = (x: number, y: number) => {
    const finder = (fx: number, fy: number) => x >= fx && x < fx + 7 && y >= fy && y < fy + 7;
    if (finder(0, 0) || finder(modules - 7, 0) || finder(0, modules - 7)) {
      const lx = x < 7 ? x : x - (modules - 7);
      const ly = y < 7 ? y : y - (modules - 7);
      return lx === 0 || ly === 0 || lx === 6 || ly === 6 || (lx >= 2 && lx <= 4 && ly >= 2 && ly <= 4);
    }
    const i = y * modules + x;
    return ((hash[i % 32] >> (i % 8)) & 1) === 1;
  };
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(size + 1); // filter byte 0 + one byte per pixel
    const my = Math.floor((y * modules) / size);
    for (let x = 0; x < size; x++) row[x + 1] = bit(Math.floor((x * modules) / size), my) ? 0 : 255;
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** What wxacode scenes may contain (WeChat: digits, letters and !#$&'()*+,/:;=?@-._~). */
const SCENE_RE = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/;

export interface SentSubscribeMessage {
  touser: string;
  templateId: string;
  page: string | null;
  data: unknown;
  miniprogramState: string | null;
  at: string;
}

export function wechatMpRoutes(state: SimState, opts: { appId: string; appSecret: string }, error: ErrorFn) {
  let token: { value: string; expiresAt: number } | null = null;
  let retired = new Set<string>();
  let accepts = new Map<string, number>();
  let sent: SentSubscribeMessage[] = [];
  /** openid -> the phone number bound to that WeChat account. */
  let phones = new Map<string, string>();
  let phoneCodes = new Map<string, { openid: string; phone: string; createdAt: number; used: boolean }>();

  function issue(force: boolean) {
    const now = state.now();
    if (!token || force || token.expiresAt <= now) {
      if (token) retired.add(token.value);
      token = { value: `wx_at_${randomId(40)}`, expiresAt: now + WECHAT_TOKEN_TTL_SEC * 1000 };
    }
    return { access_token: token.value, expires_in: Math.max(1, Math.round((token.expiresAt - state.now()) / 1000)) };
  }

  function creds(appid: unknown, secret: unknown, grant: unknown): SimResult | null {
    if (grant !== 'client_credential') return json(error(40002));
    if (!appid) return json(error(41002));
    if (appid !== opts.appId) return json(error(40013));
    if (!secret) return json(error(41004));
    if (secret !== opts.appSecret) return json(error(40125));
    return null;
  }

  /** null when the token is good, else the error answer (41001 missing, 42001 expired/retired, 40001 unknown). */
  function auth(req: SimRequest): SimResult | null {
    const t = req.query.get('access_token');
    if (!t) return json(error(41001));
    if (token && t === token.value) return token.expiresAt > state.now() ? null : json(error(42001));
    if (retired.has(t)) return json(error(42001));
    return json(error(40001));
  }

  const routes: SimRoute[] = [
    {
      method: 'POST',
      path: '/cgi-bin/stable_token',
      handle: (req) =>
        creds(field(req.body, 'appid'), field(req.body, 'secret'), field(req.body, 'grant_type')) ?? json(issue(field(req.body, 'force_refresh') === true)),
    },
    {
      method: 'GET',
      path: '/cgi-bin/token',
      // the classic endpoint always replaces the current token (that is why stable_token exists)
      handle: (req) => creds(req.query.get('appid'), req.query.get('secret'), req.query.get('grant_type')) ?? json(issue(true)),
    },
    {
      method: 'POST',
      path: '/wxa/getwxacodeunlimit',
      handle: (req) => {
        const denied = auth(req);
        if (denied) return denied;
        if (!req.body || typeof req.body !== 'object') return json(error(47001, 'data format error'));
        const scene = field(req.body, 'scene');
        if (typeof scene !== 'string' || !SCENE_RE.test(scene)) return json(error(40169, 'invalid length for scene, or the data is not json string'));
        const page = field(req.body, 'page');
        if (page !== undefined && (typeof page !== 'string' || page.startsWith('/') || page.includes('?') || !page)) return json(error(41030, 'invalid page'));
        const width = field(req.body, 'width') ?? 430;
        if (typeof width !== 'number' || width < 280 || width > 1280) return json(error(40159, 'invalid width'));
        const env = field(req.body, 'env_version');
        if (env !== undefined && !['release', 'trial', 'develop'].includes(env as string)) return json(error(40097, 'invalid args'));
        // kept small: the simulator only has to prove bytes flow; the real code is width px
        return { status: 200, raw: fakeWxacodePng(`${page ?? ''}|${scene}`, Math.min(width, 280)), headers: { 'content-type': 'image/jpeg' } };
      },
    },
    {
      method: 'POST',
      path: '/cgi-bin/message/subscribe/send',
      handle: (req) => {
        const denied = auth(req);
        if (denied) return denied;
        const touser = field(req.body, 'touser');
        const templateId = field(req.body, 'template_id');
        const data = field(req.body, 'data');
        if (typeof touser !== 'string' || !touser) return json(error(40003, 'invalid openid'));
        if (typeof templateId !== 'string' || !templateId) return json(error(40037, 'invalid template_id'));
        if (!data || typeof data !== 'object' || Array.isArray(data) || !Object.keys(data).length) return json(error(47003, 'argument invalid! data is empty'));
        for (const v of Object.values(data as Record<string, unknown>)) {
          if (!v || typeof v !== 'object' || typeof (v as { value?: unknown }).value !== 'string')
            return json(error(47003, 'argument invalid! data.value invalid'));
        }
        const key = `${touser}|${templateId}`;
        const left = accepts.get(key) ?? 0;
        if (left <= 0) return json(error(43101, 'user refuse to accept the msg'));
        accepts.set(key, left - 1);
        const page = field(req.body, 'page');
        const mpState = field(req.body, 'miniprogram_state');
        sent.push({
          touser,
          templateId,
          page: typeof page === 'string' ? page : null,
          data,
          miniprogramState: typeof mpState === 'string' ? mpState : null,
          at: new Date(state.now()).toISOString(),
        });
        return json({ errcode: 0, errmsg: 'ok' });
      },
    },
  ];

  routes.push({
    method: 'POST',
    path: '/wxa/business/getuserphonenumber',
    handle: (req) => {
      const denied = auth(req);
      if (denied) return denied;
      if (!req.body || typeof req.body !== 'object') return json(error(47001, 'data format error'));
      const code = field(req.body, 'code');
      if (typeof code !== 'string' || !code) return json(error(47001, 'data format error'));
      const entry = phoneCodes.get(code);
      if (!entry || entry.used || state.now() - entry.createdAt > PHONE_CODE_TTL_MS) return json(error(40029, 'invalid code'));
      const openid = field(req.body, 'openid');
      if (openid !== undefined && openid !== entry.openid) return json(error(40003, 'invalid openid'));
      entry.used = true;
      return json({
        errcode: 0,
        errmsg: 'ok',
        phone_info: {
          phoneNumber: entry.phone,
          purePhoneNumber: entry.phone,
          countryCode: '86',
          watermark: { timestamp: Math.floor(state.now() / 1000), appid: opts.appId },
        },
      });
    },
  });

  const control: SimRoute[] = [
    {
      method: 'POST',
      path: '/phone-codes',
      handle: (req) => {
        const openid = field(req.body, 'openid');
        const given = field(req.body, 'phoneNumber');
        if (typeof openid !== 'string' || !openid) return badRequest('openid must be a non-empty string');
        if (given !== undefined && (typeof given !== 'string' || !/^1\d{10}$/.test(given)))
          return badRequest('phoneNumber must be a mainland mobile number (11 digits)');
        const phone =
          (given as string | undefined) ??
          phones.get(openid) ??
          `139${(parseInt(createHash('sha256').update(openid).digest('hex').slice(0, 8), 16) % 100_000_000).toString().padStart(8, '0')}`;
        phones.set(openid, phone);
        const code = randomId(32);
        phoneCodes.set(code, { openid, phone, createdAt: state.now(), used: false });
        return json({ code, openid, phoneNumber: phone });
      },
    },
    {
      method: 'POST',
      path: '/subscribe-accepts',
      handle: (req) => {
        const openid = field(req.body, 'openid');
        const templateId = field(req.body, 'templateId');
        const times = field(req.body, 'times') ?? 1;
        if (typeof openid !== 'string' || !openid) return badRequest('openid must be a non-empty string');
        if (typeof templateId !== 'string' || !templateId) return badRequest('templateId must be a non-empty string');
        if (!(Number.isInteger(times) && (times as number) >= 1 && (times as number) <= 1000)) return badRequest('times must be 1..1000');
        const key = `${openid}|${templateId}`;
        accepts.set(key, (accepts.get(key) ?? 0) + (times as number));
        return json({ openid, templateId, remaining: accepts.get(key) });
      },
    },
    { method: 'GET', path: '/subscribe-messages', handle: () => json({ messages: sent }) },
    {
      method: 'POST',
      path: '/expire-token',
      handle: () => {
        if (token) token.expiresAt = state.now() - 1;
        return json({ ok: true });
      },
    },
  ];

  return {
    routes,
    control,
    reset() {
      token = null;
      retired = new Set();
      accepts = new Map();
      sent = [];
      phones = new Map();
      phoneCodes = new Map();
    },
  };
}
