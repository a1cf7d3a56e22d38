/**
 * qyapi.weixin.qq.com stand-in, customer contact (客户联系) APIs: external contacts, contact ways
 * (渠道活码), welcome messages, corp tags and mark_tag, mass messages (add_msg_template and its
 * results) and customer group chats. Same paths, bodies and errcodes as the real host; every
 * effect we cause is kept so tests can check what was sent.
 *
 * Control routes (under /__sim/wecom): seed contacts / corp tags / group chats, confirm a mass
 * message as the staff member would, read welcomes, messages and tag marks.
 */
import { liveMedia } from './wecom-media';
import qrcode from 'qrcode-generator';
import { SimRequest, SimResult, SimRoute, badRequest, field, json } from './router';
import { randomHex, randomId } from './state';
import { WecomRoutes, WecomSim, wecomError } from './wecom';
import { monthOf } from '../../contracts/calendar';

/** A WelcomeCode is valid for 20 s after the add event, once. */
export const WELCOME_CODE_TTL_MS = 20_000;

const MORE_ERRMSG: Record<number, string> = {
  40058: 'invalid parameter',
  40068: 'invalid tagid',
  40071: 'tag name exists',
  40096: 'invalid external userid',
  41051: 'welcome code used or expired',
  41096: 'another app is sending the welcome message',
  60111: 'userid not found',
  84061: 'not external contact',
  41063: 'msg template not found',
};

export const err = (code: number, msg?: string) => json(wecomError(code, msg ?? MORE_ERRMSG[code]));

export interface SimFollow {
  userid: string;
  remark: string;
  createtime: number;
  state?: string;
  addWay: number;
  tags: Set<string>;
}
export interface SimContact {
  externalUserId: string;
  name: string;
  avatar: string;
  unionid?: string;
  gender: number;
  follows: Map<string, SimFollow>;
}
export interface SimContactWay {
  configId: string;
  type: 1 | 2;
  scene: 1 | 2;
  state?: string;
  user: string[];
  skipVerify: boolean;
  remark?: string;
  qrCode: string;
  deleted: boolean;
}
interface SimTag {
  id: string;
  name: string;
  createTime: number;
  order: number;
  deleted: boolean;
  /** 'api' = created through add_corp_tag (ours); 'admin' = created in the console. */
  by: 'api' | 'admin';
}
interface SimTagGroup {
  groupId: string;
  groupName: string;
  createTime: number;
  order: number;
  deleted: boolean;
  by: 'api' | 'admin';
  tags: SimTag[];
}
export interface SimWelcomeCode {
  code: string;
  userid: string;
  externalUserId: string;
  /** Sim clock ms when the add event was fired. */
  firedAt: number;
  used: boolean;
  /** Set to make send_welcome_msg answer 41096 (another app is sending). */
  otherApp?: boolean;
}
export interface SimWelcomeSent {
  userid: string;
  externalUserId: string;
  text: string | null;
  attachments: unknown[];
  firedAt: number;
  sentAt: number;
  delayMs: number;
}
interface SimGroupMsg {
  msgid: string;
  creator: string;
  createTime: number;
  chatType: 'single' | 'group';
  text: string | null;
  attachments: unknown[];
  targets: Array<{ externalUserId: string; status: 0 | 1 | 2 | 3; sendTime?: number }>;
  /** chat_type group: the groups it goes to once the owner confirms. */
  chatIds?: string[];
  confirmed: boolean;
}
interface SimGroupWelcome {
  templateId: string;
  text: string;
  attachment: unknown;
  createdAt: number;
  editedAt?: number;
}
interface SimGroupChat {
  chatId: string;
  name: string;
  owner: string;
  createTime: number;
  status: number;
  members: Array<{ userid: string; type: 1 | 2; joinTime: number; unionid?: string }>;
}

/** A small SVG avatar (the name's first character on a colour from the name), as a data URL. */
export function simAvatar(name: string): string {
  const ch = Array.from(name.trim())[0] ?? '客';
  const hue = [...name].reduce((h, c) => (h * 31 + c.codePointAt(0)!) % 360, 7);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" fill="hsl(${hue},55%,55%)"/><text x="20" y="27" font-size="20" text-anchor="middle" fill="#fff">${ch.replace(/[<>&"]/g, '')}</text></svg>`;
  return `data:image/svg+xml,${encodeURIComponent(svg)}`;
}

const isStr = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const strArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);
const USERID_RE = /^[A-Za-z0-9_.@-]{1,64}$/;

/** Days in the (Asia/Shanghai) month of `ms`: WeCom's per-customer monthly mass-message limit. */
export function daysInMonthShanghai(ms: number): number {
  return monthOf(ms).days;
}
function monthKeyShanghai(ms: number): string {
  return monthOf(ms).key;
}

export class ExternalContactSim {
  contacts = new Map<string, SimContact>();
  ways = new Map<string, SimContactWay>();
  groups: SimTagGroup[] = [];
  welcomeCodes = new Map<string, SimWelcomeCode>();
  welcomes: SimWelcomeSent[] = [];
  groupMsgs: SimGroupMsg[] = [];
  chats = new Map<string, SimGroupChat>();
  groupWelcomes = new Map<string, SimGroupWelcome>();
  marks: Array<{ userid: string; externalUserId: string; add: string[]; remove: string[]; at: number }> = [];
  /** What the sidebar sent into chats through the WeCom client stand-in (sendChatMessage in dev). */
  chatMessages: Array<{ userid: string | null; externalUserId: string | null; message: unknown; at: number }> = [];
  /** userid -> known staff; empty = any well-formed userid is a corp member. */
  users = new Set<string>();
  /** How many mass messages each customer received this month (monthKey:external_userid). */
  private monthly = new Map<string, number>();

  constructor(readonly sim: WecomSim) {}

  private get now(): number {
    return this.sim.state.now();
  }

  reset(): void {
    this.contacts = new Map();
    this.ways = new Map();
    this.groups = [];
    this.welcomeCodes = new Map();
    this.welcomes = [];
    this.groupMsgs = [];
    this.chats = new Map();
    this.groupWelcomes = new Map();
    this.marks = [];
    this.chatMessages = [];
    this.users = new Set();
    this.monthly = new Map();
  }

  knownUser(userid: string): boolean {
    return USERID_RE.test(userid) && (this.users.size === 0 || this.users.has(userid));
  }

  private contactAuth(req: SimRequest): SimResult | null {
    const a = this.sim.auth(req, ['contact']);
    return 'error' in a ? a.error : null;
  }

  // ---- contacts ----

  /** The customer adds `userid` (what happens in the WeCom client before the callback). */
  addFollow(o: { externalUserId?: string; userid: string; name?: string; unionid?: string; state?: string; avatar?: string }): SimContact {
    const id = o.externalUserId ?? `wm${randomId(30)}`;
    let c = this.contacts.get(id);
    if (!c) {
      c = {
        externalUserId: id,
        name: o.name ?? `客户${randomHex(4)}`,
        // a real image that loads anywhere (WeCom's are wework.qpic.cn URLs, unreachable from dev)
        avatar: o.avatar ?? simAvatar(o.name ?? '客'),
        unionid: o.unionid,
        gender: 0,
        follows: new Map(),
      };
      this.contacts.set(id, c);
    } else {
      if (o.name) c.name = o.name;
      if (o.unionid) c.unionid = o.unionid;
    }
    c.follows.set(o.userid, {
      userid: o.userid,
      remark: '',
      createtime: Math.floor(this.now / 1000),
      state: o.state,
      addWay: o.state ? 1 : 0,
      tags: new Set(),
    });
    return c;
  }

  issueWelcomeCode(userid: string, externalUserId: string, firedAt: number): SimWelcomeCode {
    const w: SimWelcomeCode = { code: randomId(43), userid, externalUserId, firedAt, used: false };
    this.welcomeCodes.set(w.code, w);
    return w;
  }

  private tagView(t: SimTag) {
    const g = this.groups.find((x) => x.tags.includes(t))!;
    return { group_name: g.groupName, tag_name: t.name, tag_id: t.id, type: 1 };
  }

  private findTag(id: string): SimTag | undefined {
    for (const g of this.groups) {
      if (g.deleted) continue;
      const t = g.tags.find((x) => x.id === id && !x.deleted);
      if (t) return t;
    }
    return undefined;
  }

  private followView(f: SimFollow) {
    return {
      userid: f.userid,
      remark: f.remark,
      description: '',
      createtime: f.createtime,
      tags: [...f.tags]
        .map((id) => this.findTag(id))
        .filter((t): t is SimTag => !!t)
        .map((t) => this.tagView(t)),
      ...(f.state ? { state: f.state } : {}),
      add_way: f.addWay,
      oper_userid: f.userid,
    };
  }

  private contactView(c: SimContact) {
    return {
      external_userid: c.externalUserId,
      name: c.name,
      avatar: c.avatar,
      type: 1,
      gender: c.gender,
      ...(c.unionid ? { unionid: c.unionid } : {}),
    };
  }

  private get(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const id = req.query.get('external_userid');
    if (!id) return err(40058, 'external_userid missing');
    const c = this.contacts.get(id);
    if (!c || c.follows.size === 0) return err(84061);
    return json({
      errcode: 0,
      errmsg: 'ok',
      external_contact: this.contactView(c),
      follow_user: [...c.follows.values()].map((f) => this.followView(f)),
      next_cursor: '',
    });
  }

  private list(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const userid = req.query.get('userid');
    if (!userid || !this.knownUser(userid)) return err(60111);
    const ids = [...this.contacts.values()].filter((c) => c.follows.has(userid)).map((c) => c.externalUserId);
    return json({ errcode: 0, errmsg: 'ok', external_userid: ids });
  }

  private batchGetByUser(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const users = field(req.body, 'userid_list');
    const limit = Number(field(req.body, 'limit') ?? 50);
    const cursor = Number(field(req.body, 'cursor') || 0);
    if (!strArray(users) || users.length === 0 || users.length > 100) return err(40058, 'userid_list must have 1..100 userids');
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return err(40058, 'limit must be 1..100');
    const rows: Array<{ c: SimContact; f: SimFollow }> = [];
    for (const c of this.contacts.values())
      for (const u of users) {
        const f = c.follows.get(u);
        if (f) rows.push({ c, f });
      }
    const page = rows.slice(cursor, cursor + limit);
    const next = cursor + limit < rows.length ? String(cursor + limit) : '';
    return json({
      errcode: 0,
      errmsg: 'ok',
      external_contact_list: page.map(({ c, f }) => ({
        external_contact: this.contactView(c),
        follow_info: {
          userid: f.userid,
          remark: f.remark,
          createtime: f.createtime,
          tag_id: [...f.tags],
          ...(f.state ? { state: f.state } : {}),
          add_way: f.addWay,
        },
      })),
      next_cursor: next,
    });
  }

  private followUserList(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const set = new Set<string>();
    for (const c of this.contacts.values()) for (const u of c.follows.keys()) set.add(u);
    for (const w of this.ways.values()) if (!w.deleted) w.user.forEach((u) => set.add(u));
    return json({ errcode: 0, errmsg: 'ok', follow_user: [...set].sort() });
  }

  // ---- contact ways ----

  private wayInput(body: unknown, partial: boolean): { error: SimResult } | { user?: string[]; state?: string; skipVerify?: boolean; remark?: string } {
    const user = field(body, 'user');
    const state = field(body, 'state');
    const skip = field(body, 'skip_verify');
    const remark = field(body, 'remark');
    if (user !== undefined || !partial) {
      if (!strArray(user) || user.length === 0 || user.length > 100) return { error: err(40058, 'user must list 1..100 userids') };
      const bad = user.find((u) => !this.knownUser(u));
      if (bad) return { error: err(60111, `userid not found: ${bad}`) };
    }
    if (state !== undefined && (typeof state !== 'string' || state.length > 30)) return { error: err(40058, 'state longer than 30 characters') };
    return {
      user: user as string[] | undefined,
      state: state as string | undefined,
      skipVerify: skip === undefined ? undefined : !!skip,
      remark: remark as string | undefined,
    };
  }

  private addContactWay(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const type = field(req.body, 'type');
    const scene = field(req.body, 'scene');
    if (type !== 1 && type !== 2) return err(40058, 'type must be 1 (single) or 2 (multi)');
    if (scene !== 1 && scene !== 2) return err(40058, 'scene must be 1 (mini-program) or 2 (QR code)');
    const input = this.wayInput(req.body, false);
    if ('error' in input) return input.error;
    if (type === 1 && input.user!.length !== 1) return err(40058, 'single type takes exactly one user');
    const configId = randomHex(32);
    const way: SimContactWay = {
      configId,
      type,
      scene,
      state: input.state,
      user: input.user!,
      skipVerify: input.skipVerify ?? true,
      remark: input.remark,
      // a real, scannable image served by this simulator (WeCom's own is a wework.qpic.cn URL)
      qrCode: scene === 2 ? `http://${req.headers.host ?? '127.0.0.1'}/__sim/wecom/qr?config_id=${configId}` : '',
      deleted: false,
    };
    this.ways.set(configId, way);
    return json({ errcode: 0, errmsg: 'ok', config_id: configId, ...(way.qrCode ? { qr_code: way.qrCode } : {}) });
  }

  private updateContactWay(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const id = field(req.body, 'config_id');
    const way = isStr(id) ? this.ways.get(id) : undefined;
    if (!way || way.deleted) return err(40058, 'invalid config_id');
    const input = this.wayInput(req.body, true);
    if ('error' in input) return input.error;
    if (input.user) way.user = input.user;
    if (input.state !== undefined) way.state = input.state;
    if (input.skipVerify !== undefined) way.skipVerify = input.skipVerify;
    if (input.remark !== undefined) way.remark = input.remark;
    return json({ errcode: 0, errmsg: 'ok' });
  }

  private getContactWay(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const id = field(req.body, 'config_id');
    const way = isStr(id) ? this.ways.get(id) : undefined;
    if (!way || way.deleted) return err(40058, 'invalid config_id');
    return json({
      errcode: 0,
      errmsg: 'ok',
      contact_way: {
        config_id: way.configId,
        type: way.type,
        scene: way.scene,
        skip_verify: way.skipVerify,
        state: way.state ?? '',
        user: way.user,
        qr_code: way.qrCode,
        remark: way.remark ?? '',
      },
    });
  }

  private delContactWay(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const id = field(req.body, 'config_id');
    const way = isStr(id) ? this.ways.get(id) : undefined;
    if (!way || way.deleted) return err(40058, 'invalid config_id');
    way.deleted = true;
    return json({ errcode: 0, errmsg: 'ok' });
  }

  // ---- welcome ----

  private sendWelcome(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const code = field(req.body, 'welcome_code');
    if (!isStr(code)) return err(40058, 'welcome_code missing');
    const w = this.welcomeCodes.get(code);
    if (!w) return err(41051, 'invalid welcome_code');
    if (w.otherApp) return err(41096);
    if (w.used) return err(41051);
    if (this.now - w.firedAt > WELCOME_CODE_TTL_MS) return err(41051, 'welcome_code expired');
    const text = field(field(req.body, 'text'), 'content');
    const attachments = field(req.body, 'attachments') ?? [];
    if (text === undefined && (!Array.isArray(attachments) || attachments.length === 0)) return err(40058, 'text or attachments required');
    if (!Array.isArray(attachments) || attachments.length > 9) return err(40058, 'at most 9 attachments');
    for (const a of attachments) {
      const t = field(a, 'msgtype');
      if (!['image', 'link', 'miniprogram', 'video', 'file'].includes(String(t)) || field(a, String(t)) === undefined) return err(40058, 'invalid attachment');
    }
    w.used = true;
    const sentAt = this.now;
    this.welcomes.push({
      userid: w.userid,
      externalUserId: w.externalUserId,
      text: typeof text === 'string' ? text : null,
      attachments,
      firedAt: w.firedAt,
      sentAt,
      delayMs: sentAt - w.firedAt,
    });
    if (this.welcomes.length > 20_000) this.welcomes.splice(0, this.welcomes.length - 20_000);
    return json({ errcode: 0, errmsg: 'ok' });
  }

  // ---- corp tags ----

  private tagGroupView(g: SimTagGroup, only?: Set<string>) {
    return {
      group_id: g.groupId,
      group_name: g.groupName,
      create_time: g.createTime,
      order: g.order,
      deleted: false,
      tag: g.tags
        .filter((t) => !t.deleted && (!only || only.has(t.id)))
        .map((t) => ({ id: t.id, name: t.name, create_time: t.createTime, order: t.order, deleted: false })),
    };
  }

  private getCorpTagList(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const tagIds = field(req.body, 'tag_id');
    const groupIds = field(req.body, 'group_id');
    let groups = this.groups.filter((g) => !g.deleted);
    if (strArray(groupIds) && groupIds.length) groups = groups.filter((g) => groupIds.includes(g.groupId));
    const only = strArray(tagIds) && tagIds.length ? new Set(tagIds) : undefined;
    const view = groups.map((g) => this.tagGroupView(g, only)).filter((g) => !only || g.tag.length);
    return json({ errcode: 0, errmsg: 'ok', tag_group: view });
  }

  createTags(groupName: string, names: string[], by: 'api' | 'admin', groupId?: string): SimTagGroup | SimResult {
    let g = groupId ? this.groups.find((x) => x.groupId === groupId && !x.deleted) : this.groups.find((x) => x.groupName === groupName && !x.deleted);
    if (groupId && !g) return err(40068, 'invalid group_id');
    if (names.some((n) => n.length > 30)) return err(40058, 'tag name longer than 30 characters');
    const total = this.groups.reduce((n, x) => n + x.tags.filter((t) => !t.deleted).length, 0);
    if (total + names.length > 3000) return err(40058, 'more than 3000 corp tags');
    if (g && names.some((n) => g!.tags.some((t) => t.name === n && !t.deleted))) return err(40071);
    const t = Math.floor(this.now / 1000);
    if (!g) {
      g = { groupId: `et${randomHex(20)}`, groupName, createTime: t, order: 0, deleted: false, by, tags: [] };
      this.groups.push(g);
    }
    for (const n of names) g.tags.push({ id: `et${randomHex(20)}`, name: n, createTime: t, order: 0, deleted: false, by });
    return g;
  }

  private addCorpTag(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const groupId = field(req.body, 'group_id');
    const groupName = field(req.body, 'group_name');
    const tags = field(req.body, 'tag');
    if (!Array.isArray(tags) || tags.length === 0 || !tags.every((t) => isStr(field(t, 'name')))) return err(40058, 'tag must list names');
    if (!isStr(groupId) && !isStr(groupName)) return err(40058, 'group_id or group_name required');
    const names = tags.map((t) => String(field(t, 'name')));
    const before = new Set(this.groups.flatMap((g) => g.tags.map((t) => t.id)));
    const g = this.createTags(isStr(groupName) ? groupName : '', names, 'api', isStr(groupId) ? groupId : undefined);
    if (!('groupId' in g)) return g;
    const view = this.tagGroupView(g);
    view.tag = view.tag.filter((t) => !before.has(t.id));
    return json({ errcode: 0, errmsg: 'ok', tag_group: view });
  }

  private markTag(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const userid = field(req.body, 'userid');
    const ext = field(req.body, 'external_userid');
    const add = field(req.body, 'add_tag') ?? [];
    const remove = field(req.body, 'remove_tag') ?? [];
    if (!isStr(userid) || !isStr(ext)) return err(40058, 'userid and external_userid required');
    if (!strArray(add) || !strArray(remove) || add.length + remove.length === 0) return err(40058, 'add_tag or remove_tag required');
    const f = this.contacts.get(ext)?.follows.get(userid);
    if (!f) return err(84061);
    if ([...add, ...remove].some((id) => !this.findTag(id))) return err(40068);
    add.forEach((id) => f.tags.add(id));
    remove.forEach((id) => f.tags.delete(id));
    this.marks.push({ userid, externalUserId: ext, add, remove, at: this.now });
    return json({ errcode: 0, errmsg: 'ok' });
  }

  // ---- mass messages ----

  private addMsgTemplate(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const chatType = (field(req.body, 'chat_type') ?? 'single') as string;
    const ext = field(req.body, 'external_userid');
    const sender = field(req.body, 'sender');
    const text = field(field(req.body, 'text'), 'content');
    const attachments = field(req.body, 'attachments') ?? [];
    if (chatType === 'group') return this.addGroupMsgTemplate(req);
    if (chatType !== 'single') return err(40058, 'chat_type must be single or group');
    if (!isStr(sender) || !this.knownUser(sender)) return err(60111);
    if (!strArray(ext) || ext.length === 0 || ext.length > 10_000) return err(40058, 'external_userid must list 1..10000 customers');
    if (text === undefined && (!Array.isArray(attachments) || attachments.length === 0)) return err(40058, 'text or attachments required');
    const failList: string[] = [];
    const targets: SimGroupMsg['targets'] = [];
    for (const id of ext) {
      if (!this.contacts.get(id)?.follows.has(sender)) failList.push(id);
      else targets.push({ externalUserId: id, status: 0 });
    }
    const msg: SimGroupMsg = {
      msgid: `msg${randomId(24)}`,
      creator: sender,
      createTime: Math.floor(this.now / 1000),
      chatType: 'single',
      text: typeof text === 'string' ? text : null,
      attachments: Array.isArray(attachments) ? attachments : [],
      targets,
      confirmed: false,
    };
    this.groupMsgs.push(msg);
    return json({ errcode: 0, errmsg: 'ok', fail_list: failList, msgid: msg.msgid });
  }

  /** chat_type group: sender is the owner; chat_id_list (when given) must be the sender's groups. */
  private addGroupMsgTemplate(req: SimRequest): SimResult {
    const sender = field(req.body, 'sender');
    const chatIds = field(req.body, 'chat_id_list') ?? [];
    const text = field(field(req.body, 'text'), 'content');
    const attachments = field(req.body, 'attachments') ?? [];
    if (!isStr(sender) || !this.knownUser(sender)) return err(60111);
    if (!strArray(chatIds)) return err(40058, 'chat_id_list must be a list of chat ids');
    if (text === undefined && (!Array.isArray(attachments) || attachments.length === 0)) return err(40058, 'text or attachments required');
    const owned = [...this.chats.values()].filter((c) => c.owner === sender && c.status !== 3).map((c) => c.chatId);
    const wanted = chatIds.length ? chatIds : owned;
    const failList = wanted.filter((id) => !owned.includes(id));
    const msg: SimGroupMsg = {
      msgid: `msg${randomId(24)}`,
      creator: sender,
      createTime: Math.floor(this.now / 1000),
      chatType: 'group',
      text: typeof text === 'string' ? text : null,
      attachments: Array.isArray(attachments) ? attachments : [],
      targets: [],
      chatIds: wanted.filter((id) => owned.includes(id)),
      confirmed: false,
    };
    this.groupMsgs.push(msg);
    return json({ errcode: 0, errmsg: 'ok', fail_list: failList, msgid: msg.msgid });
  }

  /** The staff member confirms the mass message in the WeCom client: it goes out, within the monthly limit. */
  confirm(msgid: string): SimGroupMsg | undefined {
    const msg = this.groupMsgs.find((m) => m.msgid === msgid);
    if (!msg || msg.confirmed) return msg;
    msg.confirmed = true;
    const t = this.now;
    const limit = daysInMonthShanghai(t);
    for (const target of msg.targets) {
      const key = `${monthKeyShanghai(t)}:${target.externalUserId}`;
      const n = this.monthly.get(key) ?? 0;
      if (!this.contacts.get(target.externalUserId)?.follows.has(msg.creator)) target.status = 2;
      else if (n >= limit) target.status = 3;
      else {
        this.monthly.set(key, n + 1);
        target.status = 1;
        target.sendTime = Math.floor(t / 1000);
      }
    }
    return msg;
  }

  private groupMsgListV2(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const start = Number(field(req.body, 'start_time'));
    const end = Number(field(req.body, 'end_time'));
    const creator = field(req.body, 'creator');
    const limit = Number(field(req.body, 'limit') ?? 50);
    const cursor = Number(field(req.body, 'cursor') || 0);
    if (!Number.isInteger(start) || !Number.isInteger(end) || end < start) return err(40058, 'start_time/end_time required');
    if (end - start > 31 * 86400) return err(40058, 'time range longer than one month');
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) return err(40058, 'limit must be 1..100');
    const chatType = field(req.body, 'chat_type') === 'group' ? 'group' : 'single';
    const rows = this.groupMsgs.filter(
      (m) => m.chatType === chatType && m.createTime >= start && m.createTime <= end && (!isStr(creator) || m.creator === creator),
    );
    const page = rows.slice(cursor, cursor + limit);
    return json({
      errcode: 0,
      errmsg: 'ok',
      next_cursor: cursor + limit < rows.length ? String(cursor + limit) : '',
      group_msg_list: page.map((m) => ({
        msgid: m.msgid,
        creator: m.creator,
        create_time: String(m.createTime),
        create_type: 0,
        ...(m.text !== null ? { text: { content: m.text } } : {}),
        attachments: m.attachments,
      })),
    });
  }

  private groupMsgTask(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const msg = this.groupMsgs.find((m) => m.msgid === field(req.body, 'msgid'));
    if (!msg) return err(41063);
    return json({
      errcode: 0,
      errmsg: 'ok',
      next_cursor: '',
      task_list: [
        {
          userid: msg.creator,
          status: msg.confirmed ? 2 : 0,
          ...(msg.confirmed ? { send_time: msg.targets.find((t) => t.sendTime)?.sendTime ?? msg.createTime } : {}),
        },
      ],
    });
  }

  private groupMsgSendResult(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const msg = this.groupMsgs.find((m) => m.msgid === field(req.body, 'msgid'));
    const userid = field(req.body, 'userid');
    const limit = Number(field(req.body, 'limit') ?? 500);
    const cursor = Number(field(req.body, 'cursor') || 0);
    if (!msg) return err(41063);
    if (!isStr(userid)) return err(40058, 'userid required');
    const rows = userid === msg.creator ? msg.targets : [];
    return json({
      errcode: 0,
      errmsg: 'ok',
      next_cursor: cursor + limit < rows.length ? String(cursor + limit) : '',
      send_list: rows
        .slice(cursor, cursor + limit)
        .map((t) => ({ external_userid: t.externalUserId, userid: msg.creator, status: t.status, ...(t.sendTime ? { send_time: t.sendTime } : {}) })),
    });
  }

  // ---- group chats ----

  private groupChatList(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const limit = Number(field(req.body, 'limit') ?? 100);
    const cursor = Number(field(req.body, 'cursor') || 0);
    const owners = field(field(req.body, 'owner_filter'), 'userid_list');
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return err(40058, 'limit must be 1..1000');
    const rows = [...this.chats.values()].filter((c) => c.status !== 3 && (!strArray(owners) || owners.includes(c.owner)));
    return json({
      errcode: 0,
      errmsg: 'ok',
      group_chat_list: rows.slice(cursor, cursor + limit).map((c) => ({ chat_id: c.chatId, status: c.status })),
      next_cursor: cursor + limit < rows.length ? String(cursor + limit) : '',
    });
  }

  private groupChatGet(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const c = this.chats.get(String(field(req.body, 'chat_id')));
    if (!c || c.status === 3) return err(40058, 'invalid chat_id');
    return json({
      errcode: 0,
      errmsg: 'ok',
      group_chat: {
        chat_id: c.chatId,
        name: c.name,
        owner: c.owner,
        create_time: c.createTime,
        notice: '',
        // need_name=1: the member's name (customers: their WeCom name)
        member_list: c.members.map((m) => {
          const name = field(req.body, 'need_name') === 1 ? (m.type === 2 ? this.contacts.get(m.userid)?.name : undefined) : undefined;
          return {
            userid: m.userid,
            type: m.type,
            join_time: m.joinTime,
            join_scene: 1,
            ...(m.unionid ? { unionid: m.unionid } : {}),
            ...(name ? { name } : {}),
          };
        }),
        admin_list: [],
      },
    });
  }

  /**
   * What happens in the WeCom client before a change_external_chat callback: customers join or
   * leave, the owner changes, the group is renamed or dismissed (status 3 here: gone for the API).
   */
  changeChat(o: { chatId: string; add?: string[]; remove?: string[]; owner?: string; name?: string; dismiss?: boolean }): SimGroupChat | null {
    const c = this.chats.get(o.chatId);
    if (!c) return null;
    const t = Math.floor(this.now / 1000);
    for (const id of o.add ?? []) {
      if (c.members.some((m) => m.userid === id)) continue;
      const external = this.contacts.has(id) || /^w[mo]/.test(id);
      c.members.push({ userid: id, type: external ? 2 : 1, joinTime: t, unionid: this.contacts.get(id)?.unionid });
    }
    if (o.remove?.length) c.members = c.members.filter((m) => !o.remove!.includes(m.userid));
    if (o.owner) {
      c.owner = o.owner;
      if (!c.members.some((m) => m.userid === o.owner)) c.members.push({ userid: o.owner, type: 1, joinTime: t });
    }
    if (o.name) c.name = o.name;
    if (o.dismiss) c.status = 3;
    return c;
  }

  private changeChatRoute(req: SimRequest): SimResult {
    const chatId = field(req.body, 'chat_id');
    const add = field(req.body, 'add') ?? [];
    const remove = field(req.body, 'remove') ?? [];
    if (!isStr(chatId) || !strArray(add) || !strArray(remove)) return badRequest('chat_id, add[], remove[] required');
    const c = this.changeChat({
      chatId,
      add,
      remove,
      owner: field(req.body, 'owner') as string | undefined,
      name: field(req.body, 'name') as string | undefined,
      dismiss: field(req.body, 'dismiss') === true,
    });
    if (!c) return badRequest('unknown chat_id');
    return json({ chat_id: c.chatId, members: c.members.map((m) => m.userid), owner: c.owner, dismissed: c.status === 3 });
  }

  private groupWelcomeAdd(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const text = field(field(req.body, 'text'), 'content');
    const attachment = field(req.body, 'miniprogram') ?? field(req.body, 'link') ?? field(req.body, 'image') ?? null;
    if (!isStr(text) && !attachment) return err(40058, 'text or attachment required');
    const w: SimGroupWelcome = { templateId: `gw${randomId(24)}`, text: isStr(text) ? text : '', attachment, createdAt: this.now };
    this.groupWelcomes.set(w.templateId, w);
    return json({ errcode: 0, errmsg: 'ok', template_id: w.templateId });
  }

  private groupWelcomeEdit(req: SimRequest): SimResult {
    const e = this.contactAuth(req);
    if (e) return e;
    const w = this.groupWelcomes.get(String(field(req.body, 'template_id')));
    if (!w) return err(40058, 'invalid template_id');
    const text = field(field(req.body, 'text'), 'content');
    if (isStr(text)) w.text = text;
    w.attachment = field(req.body, 'miniprogram') ?? field(req.body, 'link') ?? field(req.body, 'image') ?? w.attachment;
    w.editedAt = this.now;
    return json({ errcode: 0, errmsg: 'ok' });
  }

  // ---- control ----

  private seedContact(req: SimRequest): SimResult {
    const userid = field(req.body, 'userid');
    if (!isStr(userid)) return badRequest('userid required');
    const c = this.addFollow({
      userid,
      externalUserId: field(req.body, 'external_userid') as string | undefined,
      name: field(req.body, 'name') as string | undefined,
      unionid: field(req.body, 'unionid') as string | undefined,
      state: field(req.body, 'state') as string | undefined,
    });
    return json({ external_userid: c.externalUserId, name: c.name, unionid: c.unionid ?? null });
  }

  private seedTags(req: SimRequest): SimResult {
    const groupName = field(req.body, 'group_name');
    const names = field(req.body, 'names');
    const by = field(req.body, 'by') === 'api' ? 'api' : 'admin';
    if (!isStr(groupName) || !strArray(names)) return badRequest('group_name and names[] required');
    const g = this.createTags(groupName, names, by);
    if (!('groupId' in g)) return g;
    return json(this.tagGroupView(g));
  }

  private seedChat(req: SimRequest): SimResult {
    const owner = field(req.body, 'owner');
    const name = field(req.body, 'name');
    const members = field(req.body, 'external_userids') ?? [];
    if (!isStr(owner) || !isStr(name) || !strArray(members)) return badRequest('owner, name, external_userids[] required');
    const t = Math.floor(this.now / 1000);
    const wantedId = field(req.body, 'chat_id');
    if (wantedId !== undefined && (!isStr(wantedId) || this.chats.has(wantedId))) return badRequest('chat_id must be new');
    const chat: SimGroupChat = {
      chatId: isStr(wantedId) ? wantedId : `wr${randomId(30)}`,
      name,
      owner,
      createTime: t,
      status: 0,
      members: [
        { userid: owner, type: 1, joinTime: t },
        ...members.map((id) => ({ userid: id, type: 2 as const, joinTime: t, unionid: this.contacts.get(id)?.unionid })),
      ],
    };
    this.chats.set(chat.chatId, chat);
    return json({ chat_id: chat.chatId });
  }

  routes(): WecomRoutes {
    const r = (method: SimRoute['method'], path: string, h: (req: SimRequest) => SimResult): SimRoute => ({ method, path, handle: h });
    const X = '/cgi-bin/externalcontact';
    return {
      routes: [
        r('GET', `${X}/get`, (q) => this.get(q)),
        r('GET', `${X}/list`, (q) => this.list(q)),
        r('POST', `${X}/batch/get_by_user`, (q) => this.batchGetByUser(q)),
        r('GET', `${X}/get_follow_user_list`, (q) => this.followUserList(q)),
        r('POST', `${X}/add_contact_way`, (q) => this.addContactWay(q)),
        r('POST', `${X}/update_contact_way`, (q) => this.updateContactWay(q)),
        r('POST', `${X}/get_contact_way`, (q) => this.getContactWay(q)),
        r('POST', `${X}/del_contact_way`, (q) => this.delContactWay(q)),
        r('POST', `${X}/send_welcome_msg`, (q) => this.sendWelcome(q)),
        r('POST', `${X}/get_corp_tag_list`, (q) => this.getCorpTagList(q)),
        r('POST', `${X}/add_corp_tag`, (q) => this.addCorpTag(q)),
        r('POST', `${X}/mark_tag`, (q) => this.markTag(q)),
        r('POST', `${X}/add_msg_template`, (q) => this.addMsgTemplate(q)),
        r('POST', `${X}/get_groupmsg_list_v2`, (q) => this.groupMsgListV2(q)),
        r('POST', `${X}/get_groupmsg_task`, (q) => this.groupMsgTask(q)),
        r('POST', `${X}/get_groupmsg_send_result`, (q) => this.groupMsgSendResult(q)),
        r('POST', `${X}/groupchat/list`, (q) => this.groupChatList(q)),
        r('POST', `${X}/groupchat/get`, (q) => this.groupChatGet(q)),
        r('POST', `${X}/group_welcome_template/add`, (q) => this.groupWelcomeAdd(q)),
        r('POST', `${X}/group_welcome_template/edit`, (q) => this.groupWelcomeEdit(q)),
      ],
      control: [
        r('POST', '/users', (q) => {
          const ids = field(q.body, 'userids');
          if (!strArray(ids)) return badRequest('userids[] required');
          ids.forEach((u) => this.users.add(u));
          return json({ users: [...this.users] });
        }),
        r('POST', '/contacts', (q) => this.seedContact(q)),
        r('GET', '/contacts', (q) => {
          const c = this.contacts.get(q.query.get('external_userid') ?? '');
          if (!c) return json({ contact: null });
          return json({
            contact: { ...this.contactView(c), follow_user: [...c.follows.values()].map((f) => ({ ...this.followView(f), tag_ids: [...f.tags] })) },
          });
        }),
        r('POST', '/corp-tags', (q) => this.seedTags(q)),
        r('GET', '/corp-tags', () => json({ groups: this.groups.map((g) => ({ ...this.tagGroupView(g), by: g.by })) })),
        r('POST', '/group-chats', (q) => this.seedChat(q)),
        r('POST', '/group-chats/change', (q) => this.changeChatRoute(q)),
        r('GET', '/group-chats', () => json({ chats: [...this.chats.values()] })),
        r('GET', '/group-welcomes', () => json({ templates: [...this.groupWelcomes.values()] })),
        r('GET', '/contact-ways', () => json({ ways: [...this.ways.values()] })),
        r('GET', '/welcomes', (q) => {
          const since = Number(q.query.get('since') ?? 0);
          return json({ welcomes: this.welcomes.filter((w) => w.sentAt >= since) });
        }),
        r('POST', '/welcome-codes/other-app', (q) => {
          const w = this.welcomeCodes.get(String(field(q.body, 'welcome_code')));
          if (!w) return badRequest('unknown welcome_code');
          w.otherApp = true;
          return json({ ok: true });
        }),
        r('GET', '/group-msgs', () => json({ msgs: this.groupMsgs })),
        r('POST', '/group-msgs/confirm', (q) => {
          const ids = field(q.body, 'msgids');
          const list = strArray(ids) ? ids : this.groupMsgs.filter((m) => !m.confirmed).map((m) => m.msgid);
          return json({ confirmed: list.map((id) => this.confirm(id)).filter(Boolean).length });
        }),
        r('GET', '/tag-marks', () => json({ marks: this.marks })),
        // the contact way's QR code as a real image (SVG) encoding the way's join link
        r('GET', '/qr', (q) => {
          const way = this.ways.get(q.query.get('config_id') ?? '');
          if (!way || way.deleted) return { status: 404, text: 'no such contact way' };
          const qr = qrcode(0, 'M');
          qr.addData(`https://work.weixin.qq.com/ca/sim_${way.configId}`);
          qr.make();
          return {
            status: 200,
            raw: Buffer.from(qr.createSvgTag({ cellSize: 6, margin: 4, scalable: true })),
            headers: { 'content-type': 'image/svg+xml', 'cache-control': 'public, max-age=86400' },
          };
        }),
        // a corp member tags a customer in the WeCom client (any corp tag, not only the app's)
        r('POST', '/contact-tags', (q) => {
          const c = this.contacts.get(String(field(q.body, 'external_userid') ?? ''));
          const f = c?.follows.get(String(field(q.body, 'userid') ?? ''));
          const ids = field(q.body, 'tag_ids');
          if (!f || !strArray(ids)) return badRequest('external_userid of a contact, its userid and tag_ids[] required');
          if (ids.some((id) => !this.findTag(id))) return badRequest('unknown tag id');
          ids.forEach((id) => f.tags.add(id));
          return json({ tag_ids: [...f.tags] });
        }),
        // the WeCom client stand-in: the sidebar's sendChatMessage in dev lands here
        r('POST', '/client/send-chat-message', (q) => {
          const message = field(q.body, 'message');
          const type = field(message, 'msgtype');
          if (!isStr(type) || !['text', 'image', 'video', 'file', 'news', 'miniprogram'].includes(type))
            return badRequest('message.msgtype must be text, image, video, file, news or miniprogram');
          if (field(message, type) === undefined) return badRequest(`message.${type} required`);
          // the client sends images and files by a live temporary media id only
          if ((type === 'image' || type === 'file') && !liveMedia(this.sim, field(field(message, type), 'mediaId'), type))
            return badRequest(`message.${type}.mediaId unknown or expired`);
          this.chatMessages.push({
            userid: (field(q.body, 'userid') as string) ?? null,
            externalUserId: (field(q.body, 'external_userid') as string) ?? null,
            message,
            at: this.now,
          });
          return json({ err_msg: 'sendChatMessage:ok' });
        }),
        r('GET', '/client/chat-messages', () => json({ messages: this.chatMessages })),
      ],
      reset: () => this.reset(),
    };
  }
}
