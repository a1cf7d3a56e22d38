/** The simulator speaks the real wire formats: paths, params, errcodes, single-use codes. */
import { SimulatorHandle } from '../../simulator';
import { CREDS, simGet, simPost, startTestSimulator } from './sim-fixtures';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const w = CREDS.wechat;
const c = CREDS.wecom;
const session = (q: Record<string, string>) => simGet(sim, `/wechat/sns/jscode2session?${new URLSearchParams(q)}`);
const login = (code: string) => session({ appid: w.appId, secret: w.appSecret, js_code: code, grant_type: 'authorization_code' });
const gettoken = (secret: string, corpid = c.corpId) => simGet(sim, `/wecom/cgi-bin/gettoken?corpid=${corpid}&corpsecret=${secret}`);

describe('wechat face: jscode2session', () => {
  it('exchanges a fresh code for openid, unionid and session_key without errcode', async () => {
    const { body: issued } = await simPost(sim, '/__sim/wechat/codes', {});
    expect(issued.openid).toMatch(/^o[\w-]{27}$/);
    const { status, body } = await login(issued.code);
    expect(status).toBe(200);
    expect(body).toEqual({ openid: issued.openid, unionid: issued.unionid, session_key: expect.any(String) });
  });

  it('same openid => same unionid; unionid null => none returned', async () => {
    const a = (await simPost(sim, '/__sim/wechat/codes', { openid: 'oSameMember' })).body;
    const b = (await simPost(sim, '/__sim/wechat/codes', { openid: 'oSameMember' })).body;
    expect(b.unionid).toBe(a.unionid);
    const n = (await simPost(sim, '/__sim/wechat/codes', { unionid: null })).body;
    expect((await login(n.code)).body.unionid).toBeUndefined();
  });

  it('rejects wrong appid (40013) and wrong secret (40125) without consuming the code', async () => {
    const { code } = (await simPost(sim, '/__sim/wechat/codes')).body;
    const badApp = await session({ appid: 'wx_other', secret: w.appSecret, js_code: code, grant_type: 'authorization_code' });
    expect(badApp.body.errcode).toBe(40013);
    expect(badApp.body.errmsg).toMatch(/^invalid appid, rid: /);
    const badSecret = await session({ appid: w.appId, secret: 'nope', js_code: code, grant_type: 'authorization_code' });
    expect(badSecret.body.errcode).toBe(40125);
    expect((await login(code)).body.openid).toBeDefined();
  });

  it('unknown code 40029, reused code 40163, code older than 5 min 40029', async () => {
    expect((await login('not-a-code')).body.errcode).toBe(40029);
    const { code } = (await simPost(sim, '/__sim/wechat/codes')).body;
    await login(code);
    expect((await login(code)).body).toMatchObject({ errcode: 40163 });
    const old = (await simPost(sim, '/__sim/wechat/codes')).body.code;
    await simPost(sim, '/__sim/clock', { advanceMs: 5 * 60_000 + 1000 });
    expect((await login(old)).body.errcode).toBe(40029);
  });

  it('records calls without the secret', async () => {
    await login('x');
    const { body } = await simGet(sim, '/__sim/calls?path=/wechat/sns/jscode2session');
    expect(body.calls).toHaveLength(1);
    expect(body.calls[0]).toMatchObject({ method: 'GET', path: '/wechat/sns/jscode2session', status: 200, errcode: 40029 });
    expect(body.calls[0].query).toEqual({ appid: w.appId, js_code: 'x', grant_type: 'authorization_code' });
  });

  it('control API rejects bad input with 400 and answers CORS preflight', async () => {
    expect((await simPost(sim, '/__sim/wechat/codes', { openid: 5 })).status).toBe(400);
    const pre = await fetch(sim.url + '/__sim/faults', { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    const r = await simPost(sim, '/__sim/faults', { path: 'nope', errcode: 1 });
    expect(r.status).toBe(400);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
  });
});

describe('wecom face', () => {
  it('gettoken: bad corpid 40013, bad secret 40001, ok returns access_token + expires_in 7200 (same token while valid)', async () => {
    expect((await gettoken(c.agentSecret, 'ww_other')).body.errcode).toBe(40013);
    expect((await gettoken('wrong')).body.errcode).toBe(40001);
    const ok = (await gettoken(c.agentSecret)).body;
    expect(ok).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200, access_token: expect.any(String) });
    expect((await gettoken(c.agentSecret)).body.access_token).toBe(ok.access_token);
    expect((await gettoken(c.contactSecret)).body.access_token).not.toBe(ok.access_token);
    const calls = (await simGet(sim, '/__sim/calls?path=/wecom/cgi-bin/gettoken')).body.calls;
    expect(calls.every((x: any) => x.query.corpsecret === undefined)).toBe(true);
  });

  it('getuserinfo: 41001 missing, 40014 invalid, 42001 expired token; 40029 bad code; code single-use', async () => {
    const token = (await gettoken(c.agentSecret)).body.access_token;
    const { code } = (await simPost(sim, '/__sim/wecom/oauth-codes', { userid: 'zhangsan' })).body;
    expect((await simGet(sim, `/wecom/cgi-bin/auth/getuserinfo?code=${code}`)).body.errcode).toBe(41001);
    expect((await simGet(sim, `/wecom/cgi-bin/auth/getuserinfo?access_token=bogus&code=${code}`)).body.errcode).toBe(40014);
    expect((await simGet(sim, `/wecom/cgi-bin/auth/getuserinfo?access_token=${token}&code=nope`)).body.errcode).toBe(40029);
    const ok = (await simGet(sim, `/wecom/cgi-bin/auth/getuserinfo?access_token=${token}&code=${code}`)).body;
    expect(ok).toEqual({ errcode: 0, errmsg: 'ok', userid: 'zhangsan' });
    expect((await simGet(sim, `/wecom/cgi-bin/auth/getuserinfo?access_token=${token}&code=${code}`)).body.errcode).toBe(40029);

    const expired = await simPost(sim, '/__sim/wecom/expire-tokens');
    expect(expired.body.expired).toBe(1);
    const { code: code2 } = (await simPost(sim, '/__sim/wecom/oauth-codes', { userid: 'lisi' })).body;
    const e = (await simGet(sim, `/wecom/cgi-bin/auth/getuserinfo?access_token=${token}&code=${code2}`)).body;
    expect(e.errcode).toBe(42001);
    expect(e.errmsg).toMatch(/^access_token expired, hint: \[/);
    const fresh = (await gettoken(c.agentSecret)).body.access_token;
    expect(fresh).not.toBe(token);
    expect((await simGet(sim, `/wecom/cgi-bin/auth/getuserinfo?access_token=${fresh}&code=${code2}`)).body.userid).toBe('lisi');
  });

  it('getuserinfo answers openid/external_userid for non-members; contact-app token is forbidden (48002)', async () => {
    const agent = (await gettoken(c.agentSecret)).body.access_token;
    const contact = (await gettoken(c.contactSecret)).body.access_token;
    const { code } = (await simPost(sim, '/__sim/wecom/oauth-codes', { openid: 'oOutsider', external_userid: 'wmEXT' })).body;
    expect((await simGet(sim, `/wecom/cgi-bin/auth/getuserinfo?access_token=${contact}&code=${code}`)).body.errcode).toBe(48002);
    const r = (await simGet(sim, `/wecom/cgi-bin/auth/getuserinfo?access_token=${agent}&code=${code}`)).body;
    expect(r).toEqual({ errcode: 0, errmsg: 'ok', openid: 'oOutsider', external_userid: 'wmEXT' });
  });

  it('oauth code older than 5 minutes is 40029', async () => {
    const token = (await gettoken(c.agentSecret)).body.access_token;
    const { code } = (await simPost(sim, '/__sim/wecom/oauth-codes', { userid: 'u1' })).body;
    sim.advanceClock(5 * 60_000 + 1);
    expect((await simGet(sim, `/wecom/cgi-bin/auth/getuserinfo?access_token=${token}&code=${code}`)).body.errcode).toBe(40029);
  });

  it('tickets: get_jsapi_ticket and ticket/get?type=agent_config return ticket + expires_in and validate the token', async () => {
    const token = (await gettoken(c.agentSecret)).body.access_token;
    expect((await simGet(sim, '/wecom/cgi-bin/get_jsapi_ticket?access_token=bad')).body.errcode).toBe(40014);
    const corp = (await simGet(sim, `/wecom/cgi-bin/get_jsapi_ticket?access_token=${token}`)).body;
    expect(corp).toMatchObject({ errcode: 0, errmsg: 'ok', ticket: expect.any(String), expires_in: 7200 });
    const agent = (await simGet(sim, `/wecom/cgi-bin/ticket/get?access_token=${token}&type=agent_config`)).body;
    expect(agent).toMatchObject({ errcode: 0, ticket: expect.any(String), expires_in: 7200 });
    expect(agent.ticket).not.toBe(corp.ticket);
    expect((await simGet(sim, `/wecom/cgi-bin/ticket/get?access_token=${token}`)).body.errcode).toBe(40058);
    expect((await simGet(sim, '/__sim/wecom/tickets')).body).toEqual({ jsapi: corp.ticket, agentConfig: agent.ticket });
  });

  it('injected faults answer the errcode for the next N calls, then normal service resumes', async () => {
    await simPost(sim, '/__sim/faults', { path: '/wecom/cgi-bin/gettoken', errcode: 45009, times: 2 });
    expect((await gettoken(c.agentSecret)).body.errcode).toBe(45009);
    expect((await gettoken(c.agentSecret)).body.errmsg).toMatch(/^api freq out of limit/);
    expect((await gettoken(c.agentSecret)).body.errcode).toBe(0);
    const calls = sim.calls.filter((x) => x.path === '/wecom/cgi-bin/gettoken');
    expect(calls.map((x) => [x.errcode, !!x.injected])).toEqual([
      [45009, true],
      [45009, true],
      [0, false],
    ]);
  });

  it('unknown API paths are 404, not silently OK', async () => {
    const r = await fetch(sim.url + '/wecom/cgi-bin/nope');
    expect(r.status).toBe(404);
  });

  it('reset forgets codes, tokens and calls', async () => {
    const token = (await gettoken(c.agentSecret)).body.access_token;
    await simPost(sim, '/__sim/reset');
    expect(sim.calls).toHaveLength(0);
    expect((await simGet(sim, `/wecom/cgi-bin/get_jsapi_ticket?access_token=${token}`)).body.errcode).toBe(40014);
  });
});
