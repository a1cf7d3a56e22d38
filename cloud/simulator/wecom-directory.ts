/**
 * The WeCom address book (通讯录) and 离职继承, as far as the hub uses them:
 *   GET  /cgi-bin/department/list            departments (self-built app token: its visible range)
 *   GET  /cgi-bin/user/simplelist            members of a department (fetch_child=1: and below)
 *   POST /cgi-bin/externalcontact/get_unassigned_list            customers of departed members
 *   POST /cgi-bin/externalcontact/resigned/transfer_customer     hand them to a colleague
 *   POST /cgi-bin/externalcontact/resigned/transfer_result       where each transfer stands
 * Transfers wait 24 h (the customer may refuse) before they complete, as in WeCom; tests move the
 * simulator clock. Control: POST /__sim/wecom/directory (replace it), /directory/users (upsert one),
 * /directory/depart (a member leaves), /directory/refuse-transfer.
 */
import { field, json, type SimRequest, type SimResult, type SimRoute } from './router';
import { err, type ExternalContactSim } from './wecom-contacts';
import type { WecomRoutes, WecomSim } from './wecom';

export interface SimDepartment {
  id: number;
  name: string;
  parentid: number;
  order?: number;
}
export interface SimDirectoryUser {
  userid: string;
  name: string;
  department: number[];
}
interface SimTransfer {
  handover: string;
  takeover: string;
  externalUserId: string;
  requestedAt: number;
  /** 1 done, 2 waiting, 3 refused, 4 takeover over its limit */
  status: 1 | 2 | 3 | 4;
}

const TRANSFER_WAIT_MS = 24 * 3600_000;
const X = '/cgi-bin/externalcontact';

export class DirectorySim {
  departments = new Map<number, SimDepartment>([[1, { id: 1, name: '企业', parentid: 0, order: 0 }]]);
  users = new Map<string, SimDirectoryUser>();
  /** userid -> when they left (their customers wait in the unassigned list). */
  departed = new Map<string, number>();
  transfers: SimTransfer[] = [];

  constructor(
    readonly sim: WecomSim,
    readonly contacts: ExternalContactSim,
  ) {}

  reset(): void {
    this.departments = new Map([[1, { id: 1, name: '企业', parentid: 0, order: 0 }]]);
    this.users = new Map();
    this.departed = new Map();
    this.transfers = [];
  }

  private auth(req: SimRequest, apps: Array<'contact' | 'agent'>): SimResult | null {
    const a = this.sim.auth(req, apps);
    return 'error' in a ? a.error : null;
  }

  private below(id: number): Set<number> {
    const out = new Set([id]);
    for (let grew = true; grew;) {
      grew = false;
      for (const d of this.departments.values()) {
        if (out.has(d.parentid) && !out.has(d.id)) {
          out.add(d.id);
          grew = true;
        }
      }
    }
    return out;
  }

  private departmentList(req: SimRequest): SimResult {
    const e = this.auth(req, ['agent']);
    if (e) return e;
    const id = req.query.get('id');
    const root = id ? Number(id) : 1;
    if (!this.departments.has(root)) return err(60123, 'invalid party id');
    const ids = this.below(root);
    return json({
      errcode: 0,
      errmsg: 'ok',
      department: [...this.departments.values()].filter((d) => ids.has(d.id)).map((d) => ({ ...d, order: d.order ?? 0 })),
    });
  }

  private userSimpleList(req: SimRequest): SimResult {
    const e = this.auth(req, ['agent']);
    if (e) return e;
    const dept = Number(req.query.get('department_id'));
    if (!this.departments.has(dept)) return err(60123, 'invalid party id');
    const ids = req.query.get('fetch_child') === '1' ? this.below(dept) : new Set([dept]);
    const userlist = [...this.users.values()]
      .filter((u) => u.department.some((d) => ids.has(d)))
      .map((u) => ({ userid: u.userid, name: u.name, department: u.department }));
    return json({ errcode: 0, errmsg: 'ok', userlist });
  }

  private settle(): void {
    const now = this.sim.state.now();
    for (const t of this.transfers) {
      if (t.status !== 2 || now - t.requestedAt < TRANSFER_WAIT_MS) continue;
      t.status = 1;
      const c = this.contacts.contacts.get(t.externalUserId);
      const f = c?.follows.get(t.handover);
      if (c && f) {
        c.follows.delete(t.handover);
        c.follows.set(t.takeover, { ...f, userid: t.takeover, createtime: Math.floor(now / 1000) });
      }
    }
  }

  private unassignedList(req: SimRequest): SimResult {
    const e = this.auth(req, ['contact']);
    if (e) return e;
    this.settle();
    const pageSize = Math.min(Number(field(req.body, 'page_size') ?? 1000) || 1000, 1000);
    const cursor = Number(field(req.body, 'cursor') || 0) || 0;
    const pending = new Set(this.transfers.filter((t) => t.status === 1 || t.status === 2).map((t) => `${t.handover}:${t.externalUserId}`));
    const rows: Array<{ handover_userid: string; external_userid: string; dimission_time: number }> = [];
    for (const [userid, at] of this.departed) {
      for (const c of this.contacts.contacts.values()) {
        if (c.follows.has(userid) && !pending.has(`${userid}:${c.externalUserId}`))
          rows.push({ handover_userid: userid, external_userid: c.externalUserId, dimission_time: Math.floor(at / 1000) });
      }
    }
    const page = rows.slice(cursor, cursor + pageSize);
    const next = cursor + page.length;
    return json({ errcode: 0, errmsg: 'ok', info: page, is_last: next >= rows.length, next_cursor: next >= rows.length ? '' : String(next) });
  }

  private transferCustomer(req: SimRequest): SimResult {
    const e = this.auth(req, ['contact']);
    if (e) return e;
    const handover = field(req.body, 'handover_userid');
    const takeover = field(req.body, 'takeover_userid');
    const ids = field(req.body, 'external_userid');
    if (typeof handover !== 'string' || typeof takeover !== 'string') return err(40058, 'handover_userid and takeover_userid required');
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) return err(40058, 'external_userid must have 1..100 ids');
    if (!this.departed.has(handover)) return err(40097, 'handover user is not resigned');
    if (!this.users.has(takeover)) return err(60111, 'invalid takeover userid');
    const now = this.sim.state.now();
    const customer = ids.map((id) => {
      const c = typeof id === 'string' ? this.contacts.contacts.get(id) : undefined;
      if (!c || !c.follows.has(handover)) return { external_userid: id, errcode: 84061 };
      if (this.transfers.some((t) => t.handover === handover && t.externalUserId === id && (t.status === 1 || t.status === 2)))
        return { external_userid: id, errcode: 40129 };
      this.transfers.push({ handover, takeover, externalUserId: id as string, requestedAt: now, status: 2 });
      return { external_userid: id, errcode: 0 };
    });
    return json({ errcode: 0, errmsg: 'ok', customer });
  }

  private transferResult(req: SimRequest): SimResult {
    const e = this.auth(req, ['contact']);
    if (e) return e;
    this.settle();
    const handover = field(req.body, 'handover_userid');
    const takeover = field(req.body, 'takeover_userid');
    const rows = this.transfers.filter((t) => t.handover === handover && t.takeover === takeover);
    return json({
      errcode: 0,
      errmsg: 'ok',
      customer: rows.map((t) => ({
        external_userid: t.externalUserId,
        status: t.status,
        takeover_time: t.status === 1 ? Math.floor((t.requestedAt + TRANSFER_WAIT_MS) / 1000) : 0,
      })),
      next_cursor: '',
    });
  }

  private setDirectory(req: SimRequest): SimResult {
    const depts = field(req.body, 'departments');
    const users = field(req.body, 'users');
    if (!Array.isArray(depts) || !Array.isArray(users)) return { status: 400, json: { error: 'departments and users arrays required' } };
    this.departments = new Map([[1, { id: 1, name: '企业', parentid: 0, order: 0 }]]);
    for (const d of depts as SimDepartment[]) this.departments.set(d.id, { id: d.id, name: d.name, parentid: d.parentid ?? 1, order: d.order ?? 0 });
    this.users = new Map();
    for (const u of users as SimDirectoryUser[])
      this.users.set(u.userid, { userid: u.userid, name: u.name, department: u.department?.length ? u.department : [1] });
    return json({ departments: this.departments.size, users: this.users.size });
  }

  private upsertUser(req: SimRequest): SimResult {
    const u = req.body as SimDirectoryUser;
    if (!u || typeof u.userid !== 'string' || typeof u.name !== 'string') return { status: 400, json: { error: 'userid and name required' } };
    this.users.set(u.userid, { userid: u.userid, name: u.name, department: u.department?.length ? u.department : [1] });
    this.departed.delete(u.userid);
    return json({ users: this.users.size });
  }

  private depart(req: SimRequest): SimResult {
    const userid = field(req.body, 'userid');
    if (typeof userid !== 'string' || !this.users.has(userid)) return { status: 404, json: { error: 'no such directory user' } };
    this.users.delete(userid);
    this.departed.set(userid, this.sim.state.now());
    return json({ departed: userid });
  }

  private refuse(req: SimRequest): SimResult {
    const id = field(req.body, 'external_userid');
    const t = this.transfers.find((x) => x.externalUserId === id && x.status === 2);
    if (!t) return { status: 404, json: { error: 'no waiting transfer for this customer' } };
    t.status = 3;
    return json({ refused: id });
  }

  routes(): WecomRoutes {
    const r = (method: SimRoute['method'], path: string, handle: SimRoute['handle']): SimRoute => ({ method, path, handle });
    return {
      routes: [
        r('GET', '/cgi-bin/department/list', (q) => this.departmentList(q)),
        r('GET', '/cgi-bin/user/simplelist', (q) => this.userSimpleList(q)),
        r('POST', `${X}/get_unassigned_list`, (q) => this.unassignedList(q)),
        r('POST', `${X}/resigned/transfer_customer`, (q) => this.transferCustomer(q)),
        r('POST', `${X}/resigned/transfer_result`, (q) => this.transferResult(q)),
      ],
      control: [
        r('POST', '/directory', (q) => this.setDirectory(q)),
        r('GET', '/directory', () =>
          json({
            departments: [...this.departments.values()],
            users: [...this.users.values()],
            departed: [...this.departed.keys()],
            transfers: this.transfers,
          }),
        ),
        r('POST', '/directory/users', (q) => this.upsertUser(q)),
        r('POST', '/directory/depart', (q) => this.depart(q)),
        r('POST', '/directory/refuse-transfer', (q) => this.refuse(q)),
      ],
      reset: () => this.reset(),
    };
  }
}
