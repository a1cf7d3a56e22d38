/**
 * WeCom's side of the callback: the simulator FIRES signed, encrypted event callbacks at our
 * server, exactly like WeCom would (XML envelope with <Encrypt>, msg_signature/timestamp/nonce in
 * the query), including WeCom's retries of the same message and forged ones.
 *
 *   POST /__sim/wecom/fire-callback  { url, event? | events? | burst?, replay?, replayUrl?, forge?, concurrency? }
 *   (replayUrl: WeCom's retries reach another address, e.g. the other instance behind a balancer)
 *   POST /__sim/wecom/verify-url     { url }   (the console's "save callback URL" check)
 *
 * An add_external_contact event first makes the customer a contact of UserID in the simulator
 * (with the State of the contact way) and issues a WelcomeCode valid for 20 s, once. A
 * change_external_chat event may carry `chat: { add, remove, owner, name, dismiss }`, applied to
 * the simulated group before the callback is sent (without it only the notification is sent).
 */
import { DirectorySim } from './wecom-directory';
import { encrypt, getSignature } from '@wecom/crypto';
import { randomBytes } from 'crypto';
import { SimRequest, SimResult, badRequest, field, json } from './router';
import { randomHex, randomId } from './state';
import { ExternalContactSim } from './wecom-contacts';
import { WecomRoutes, WecomSim } from './wecom';
import { appMessageModule } from './wecom-messages';
import { mediaModule } from './wecom-media';

export interface CallbackCrypto {
  /** Token and EncodingAESKey configured for the callback URL (same as WECOM_CALLBACK_TOKEN / WECOM_ENCODING_AES_KEY). */
  token: string;
  encodingAESKey: string;
}

export const DEFAULT_CALLBACK_CRYPTO: CallbackCrypto = {
  token: 'dev_callback_token',
  encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

export type Forge = 'signature' | 'corp' | 'key';

export interface FiredEvent {
  /** The fields as sent inside the encrypted XML. */
  fields: Record<string, string>;
  firedAt: number;
  status: number;
  body: string;
  ms: number;
  /** For add_external_contact. */
  externalUserId?: string;
  welcomeCode?: string;
}

const cdata = (v: string) => `<![CDATA[${v.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`;

export function toXml(fields: Record<string, string>): string {
  const numeric = new Set(['CreateTime', 'AgentID']);
  return `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}>${numeric.has(k) && /^\d+$/.test(v) ? v : cdata(v)}</${k}>`)
    .join('')}</xml>`;
}

export class CallbackFirer {
  fired: FiredEvent[] = [];

  constructor(
    readonly sim: WecomSim,
    readonly contacts: ExternalContactSim,
    readonly crypto: CallbackCrypto,
  ) {}

  reset(): void {
    this.fired = [];
  }

  /** Prepare the event's side effects in the simulator (contact relation, welcome code) and its XML fields. */
  prepare(input: Record<string, unknown>, firedAt: number): { fields: Record<string, string>; externalUserId?: string; welcomeCode?: string } {
    const corpId = this.sim.opts.corpId;
    const fields: Record<string, string> = {
      ToUserName: corpId,
      FromUserName: 'sys',
      CreateTime: String(Math.floor(firedAt / 1000)),
      MsgType: 'event',
      Event: 'change_external_contact',
    };
    const customer = (input.customer ?? {}) as { name?: string; unionid?: string };
    for (const [k, v] of Object.entries(input)) {
      if (k === 'customer' || k === 'welcome' || k === 'chat' || v === undefined || v === null) continue;
      fields[k] = String(v);
    }
    let externalUserId = fields.ExternalUserID;
    let welcomeCode: string | undefined;
    if (fields.Event === 'change_external_contact' && fields.UserID) {
      if (fields.ChangeType === 'add_external_contact') {
        const c = this.contacts.addFollow({ externalUserId, userid: fields.UserID, state: fields.State, name: customer.name, unionid: customer.unionid });
        externalUserId = c.externalUserId;
        fields.ExternalUserID = externalUserId;
        if (input.welcome !== false && !fields.WelcomeCode) {
          welcomeCode = this.contacts.issueWelcomeCode(fields.UserID, externalUserId, firedAt).code;
          fields.WelcomeCode = welcomeCode;
        }
      } else if ((fields.ChangeType === 'del_external_contact' || fields.ChangeType === 'del_follow_user') && externalUserId) {
        this.contacts.contacts.get(externalUserId)?.follows.delete(fields.UserID);
      }
    }
    // change_external_chat: `chat` plays the change in the WeCom client first (join, leave, new owner, dismiss)
    const chat = input.chat as { add?: string[]; remove?: string[]; owner?: string; name?: string; dismiss?: boolean } | undefined;
    if (fields.Event === 'change_external_chat' && fields.ChatId && chat && typeof chat === 'object') {
      this.contacts.changeChat({ chatId: fields.ChatId, ...chat });
    }
    return { fields, externalUserId, welcomeCode };
  }

  /** Encrypt and sign like WeCom; `forge` breaks one part on purpose. */
  envelope(fields: Record<string, string>, forge?: Forge): { query: string; body: string } {
    const corpId = forge === 'corp' ? 'ww_forged_corp' : this.sim.opts.corpId;
    const key = forge === 'key' ? 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut' : this.crypto.encodingAESKey;
    const cipher = encrypt(key, toXml(fields), corpId);
    const timestamp = String(Math.floor(this.sim.state.now() / 1000));
    const nonce = randomHex(10);
    let signature = getSignature(this.crypto.token, timestamp, nonce, cipher);
    if (forge === 'signature') signature = getSignature('not_the_token', timestamp, nonce, cipher);
    const query = new URLSearchParams({ msg_signature: signature, timestamp, nonce }).toString();
    const body = `<xml><ToUserName>${cdata(this.sim.opts.corpId)}</ToUserName><Encrypt>${cdata(cipher)}</Encrypt><AgentID>${cdata('')}</AgentID></xml>`;
    return { query, body };
  }

  async post(url: string, env: { query: string; body: string }): Promise<{ status: number; body: string; ms: number }> {
    const t0 = Date.now();
    try {
      const res = await fetch(`${url}${url.includes('?') ? '&' : '?'}${env.query}`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body: env.body,
        signal: AbortSignal.timeout(5000),
      });
      return { status: res.status, body: (await res.text()).slice(0, 200), ms: Date.now() - t0 };
    } catch (e) {
      return { status: 0, body: (e as Error).message, ms: Date.now() - t0 };
    }
  }

  async fire(
    url: string,
    inputs: Array<Record<string, unknown>>,
    opts: { replay: number; forge?: Forge; concurrency: number; replayUrl?: string },
  ): Promise<FiredEvent[]> {
    const out: FiredEvent[] = new Array(inputs.length);
    let next = 0;
    const worker = async () => {
      while (next < inputs.length) {
        const i = next++;
        const firedAt = this.sim.state.now();
        const p = this.prepare(inputs[i], firedAt);
        const env = this.envelope(p.fields, opts.forge);
        let r = await this.post(url, env);
        // WeCom retries the identical request (same signature, nonce and ciphertext)
        for (let k = 0; k < opts.replay; k++) r = await this.post(opts.replayUrl ?? url, env);
        out[i] = { fields: p.fields, firedAt, status: r.status, body: r.body, ms: r.ms, externalUserId: p.externalUserId, welcomeCode: p.welcomeCode };
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, inputs.length) }, worker));
    this.fired.push(...out);
    if (this.fired.length > 20_000) this.fired.splice(0, this.fired.length - 20_000);
    return out;
  }

  private async fireRoute(req: SimRequest): Promise<SimResult> {
    const url = field(req.body, 'url');
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return badRequest('url (http…) of our callback endpoint required');
    const replay = field(req.body, 'replay') ?? 0;
    const forge = field(req.body, 'forge');
    const concurrency = field(req.body, 'concurrency') ?? 20;
    const replayUrl = field(req.body, 'replayUrl');
    if (replayUrl !== undefined && (typeof replayUrl !== 'string' || !/^https?:\/\//.test(replayUrl))) return badRequest('replayUrl must be an http(s) URL');
    if (!Number.isInteger(replay) || (replay as number) < 0 || (replay as number) > 5) return badRequest('replay must be 0..5');
    if (forge !== undefined && !['signature', 'corp', 'key'].includes(String(forge))) return badRequest('forge must be signature | corp | key');
    if (!Number.isInteger(concurrency) || (concurrency as number) < 1 || (concurrency as number) > 500) return badRequest('concurrency must be 1..500');
    let inputs: Array<Record<string, unknown>> = [];
    const event = field(req.body, 'event');
    const events = field(req.body, 'events');
    const burst = field(req.body, 'burst') as { count?: number; userid?: string; state?: string } | undefined;
    if (event && typeof event === 'object') inputs.push(event as Record<string, unknown>);
    if (Array.isArray(events)) inputs.push(...(events as Array<Record<string, unknown>>));
    if (burst) {
      if (!Number.isInteger(burst.count) || burst.count! < 1 || burst.count! > 20_000 || typeof burst.userid !== 'string') {
        return badRequest('burst needs count 1..20000 and userid');
      }
      for (let i = 0; i < burst.count!; i++) {
        inputs.push({
          ChangeType: 'add_external_contact',
          UserID: burst.userid,
          ExternalUserID: `wmB${randomId(29)}`,
          ...(burst.state ? { State: burst.state } : {}),
        });
      }
    }
    if (!inputs.length) return badRequest('give event, events[] or burst');
    if (inputs.some((e) => !e || typeof e !== 'object')) return badRequest('events must be objects of XML fields');
    inputs = inputs.map((e) => ({ ...e }));
    const results = await this.fire(url, inputs, {
      replay: replay as number,
      forge: forge as Forge | undefined,
      concurrency: concurrency as number,
      replayUrl: replayUrl as string | undefined,
    });
    const ok = results.filter((r) => r.status === 200 && r.body === 'success').length;
    const summary = inputs.length > 50;
    return json({
      fired: results.length,
      ok,
      results: summary
        ? undefined
        : results.map((r) => ({
            status: r.status,
            body: r.body,
            ms: r.ms,
            externalUserId: r.externalUserId ?? null,
            welcomeCode: r.welcomeCode ?? null,
            createTime: Number(r.fields.CreateTime),
            firedAt: r.firedAt,
          })),
    });
  }

  private async verifyUrl(req: SimRequest): Promise<SimResult> {
    const url = field(req.body, 'url');
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return badRequest('url required');
    const plain = randomBytes(8).toString('hex');
    const cipher = encrypt(this.crypto.encodingAESKey, plain, this.sim.opts.corpId);
    const timestamp = String(Math.floor(this.sim.state.now() / 1000));
    const nonce = randomId(10);
    const forge = field(req.body, 'forge') === 'signature';
    const signature = getSignature(forge ? 'wrong' : this.crypto.token, timestamp, nonce, cipher);
    const q = new URLSearchParams({ msg_signature: signature, timestamp, nonce, echostr: cipher });
    const res = await fetch(`${url}?${q}`, { signal: AbortSignal.timeout(5000) });
    const body = await res.text();
    return json({ ok: res.status === 200 && body === plain, status: res.status, body: body.slice(0, 200), expected: plain });
  }

  routes(): WecomRoutes {
    return {
      routes: [],
      control: [
        { method: 'POST', path: '/fire-callback', handle: (r) => this.fireRoute(r) },
        { method: 'POST', path: '/verify-url', handle: (r) => this.verifyUrl(r) },
        {
          method: 'GET',
          path: '/fired',
          handle: () => json({ fired: this.fired.map((f) => ({ fields: f.fields, firedAt: f.firedAt, status: f.status, body: f.body, ms: f.ms })) }),
        },
      ],
      reset: () => this.reset(),
    };
  }
}

/** The customer-contact modules for wecomFace(): external contact APIs plus the callback firer. */
export function wecomEngineModules(crypto: CallbackCrypto = DEFAULT_CALLBACK_CRYPTO): Array<(sim: WecomSim) => WecomRoutes> {
  let contacts: ExternalContactSim | undefined;
  return [
    (sim) => {
      contacts = new ExternalContactSim(sim);
      return contacts.routes();
    },
    (sim) => new CallbackFirer(sim, contacts!, crypto).routes(),
    appMessageModule,
    mediaModule,
    (sim) => new DirectorySim(sim, contacts!).routes(),
  ];
}
