/**
 * App messages (应用消息) to staff: POST /cgi-bin/message/send with the self-built app's token.
 * Validates like the real host (agent token, agentid, touser, text), honours the duplicate check
 * (same text to the same users within the interval is accepted but not delivered again) and keeps
 * what was delivered for tests: GET /__sim/wecom/app-messages.
 */
import { SimRequest, SimResult, field, json } from './router';
import { randomId } from './state';
import { WecomRoutes, WecomSim, wecomError } from './wecom';

export interface SimAppMessage {
  msgid: string;
  toUsers: string[];
  agentId: number;
  text: string;
  at: number;
}

export class AppMessageSim {
  messages: SimAppMessage[] = [];

  constructor(private readonly sim: WecomSim) {}

  private send(req: SimRequest): SimResult {
    const a = this.sim.auth(req, ['agent']);
    if ('error' in a) return a.error;
    const touser = field(req.body, 'touser');
    const agentid = field(req.body, 'agentid');
    const msgtype = field(req.body, 'msgtype');
    const content = field(field(req.body, 'text'), 'content');
    if (typeof touser !== 'string' || !touser) return json(wecomError(40058, 'touser required'));
    if (Number(agentid) !== Number(this.sim.opts.agentId)) return json(wecomError(40056, 'invalid agentid'));
    if (msgtype !== 'text' || typeof content !== 'string' || !content) return json(wecomError(40058, 'text.content required'));
    if (Buffer.byteLength(content) > 2048) return json(wecomError(45002, 'content size out of limit'));
    const toUsers = touser.split('|').filter(Boolean);
    const now = this.sim.state.now();
    const interval = Number(field(req.body, 'duplicate_check_interval') ?? 1800) * 1000;
    const dup =
      field(req.body, 'enable_duplicate_check') === 1 &&
      this.messages.some((m) => m.text === content && m.toUsers.join('|') === toUsers.join('|') && now - m.at < interval);
    const msgid = randomId(24);
    if (!dup) this.messages.push({ msgid, toUsers, agentId: Number(agentid), text: content, at: now });
    return json({ errcode: 0, errmsg: 'ok', invaliduser: '', msgid });
  }

  routes(): WecomRoutes {
    return {
      routes: [{ method: 'POST', path: '/cgi-bin/message/send', handle: (r) => this.send(r) }],
      control: [
        {
          method: 'GET',
          path: '/app-messages',
          handle: (r) => {
            const to = r.query.get('touser');
            return json({ messages: to ? this.messages.filter((m) => m.toUsers.includes(to)) : this.messages });
          },
        },
      ],
      reset: () => {
        this.messages = [];
      },
    };
  }
}

export const appMessageModule = (sim: WecomSim): WecomRoutes => new AppMessageSim(sim).routes();
