// Welcome latency: the WeCom simulator fires a burst of signed, encrypted add_external_contact
// callbacks (a channel code's State) at the server; we measure, in the simulator, the time from
// each event to the send_welcome_msg call that used its WelcomeCode. Target p99 <= 1 s.
// Flags: --events <n> (1000), --concurrency <n> (50, callbacks in flight at once), --target-ms (1000)
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, freePort, getJson, numberArg } from './lib.mjs';

export const description = 'WeCom welcome: burst of add events -> p50/p99 event to send_welcome_msg (--events 1000)';

// WeCom is another host: the simulator runs as its own process (as in production, the server's
// event loop serves only its own side of the traffic). Demo accounts (admin/admin123) let the
// benchmark create the channel code through the ops API.
const SIM_PORT = await freePort();
export const serverEnv = {
  SEED_DEMO: '1',
  SIMULATOR: '0',
  WECOM_API_BASE: `http://127.0.0.1:${SIM_PORT}/wecom`,
  WECHAT_API_BASE: `http://127.0.0.1:${SIM_PORT}/wechat`,
};

async function startSimulatorProcess(log) {
  const main = path.join(ROOT, 'cloud', 'dist', 'cloud', 'simulator', 'main.js');
  const child = spawn(process.execPath, [main], { env: { ...process.env, SIMULATOR_PORT: String(SIM_PORT), NODE_ENV: 'development' }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${SIM_PORT}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  log(`simulator process on ${url}`);
  return { url, stop: () => child.kill('SIGTERM') };
}

function percentile(sorted, p) {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

async function postJson(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(300_000) });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return json;
}

export async function run({ baseUrl, args, log, server }) {
  const events = numberArg(args, 'events', 1000);
  const concurrency = numberArg(args, 'concurrency', 50);
  const targetMs = numberArg(args, 'target-ms', 1000);
  const simProc = await startSimulatorProcess(log);
  try {
    return await measure({ baseUrl, log, server, sim: simProc.url, events, concurrency, targetMs });
  } finally {
    simProc.stop();
  }
}

async function measure({ baseUrl, log, server, sim, events, concurrency, targetMs }) {
  // a channel code with its own welcome, created the way ops do it
  const login = await postJson(`${baseUrl}/api/auth/staff/login`, { username: 'admin', password: 'admin123' });
  const auth = { authorization: `Bearer ${login.token}` };
  const channel = await postJson(
    `${baseUrl}/api/admin/wecom/channels`,
    {
      name: '压测海报',
      kind: 'poster',
      type: 'multi',
      staffUserIds: ['zhaoliu'],
      tagNames: ['压测渠道'],
      welcome: {
        text: '{客户称呼}您好，欢迎来到{门店}！我是{员工姓名}，新鲜好菜和烹饪课都会在这里通知您～',
        attachments: [{ type: 'miniprogram', title: '年夜饭预订', appid: 'wx_dev_appid', page: 'pages/index/index?from=bench' }],
      },
    },
    auth,
  );
  log(`channel ${channel.id} state=${channel.state}`);

  const since = Date.now() - 1000;
  log(`firing ${events} add_external_contact callbacks, ${concurrency} in flight`);
  const t0 = Date.now();
  const fired = await postJson(`${sim}/__sim/wecom/fire-callback`, {
    url: `${baseUrl}/api/wecom/callback`,
    burst: { count: events, userid: 'zhaoliu', state: channel.state },
    concurrency,
  });
  const fireMs = Date.now() - t0;
  log(`fired ${fired.fired} in ${fireMs} ms, ${fired.ok} answered "success"`);

  // wait until every welcome went out (or 30 s)
  let welcomes = [];
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    welcomes = (await getJson(`${sim}/__sim/wecom/welcomes?since=${since}`)).body.welcomes ?? [];
    if (welcomes.length >= events) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const delays = welcomes.map((w) => w.delayMs).sort((a, b) => a - b);
  const p50 = percentile(delays, 0.5);
  const p99 = percentile(delays, 0.99);
  const max = delays.length ? delays[delays.length - 1] : null;
  log(`${welcomes.length}/${events} welcomes sent; p50 ${p50} ms, p99 ${p99} ms, max ${max} ms`);

  // the server's own record of the same welcomes
  const own = (await getJson(`${baseUrl}/api/admin/wecom/welcomes?channelId=${channel.id}&pageSize=1`, { headers: auth })).body;
  log(`server log: ${own.sent} sent, ${own.notSent} not sent, p50 ${own.p50Ms} ms, p99 ${own.p99Ms} ms (event CreateTime has whole seconds)`);

  const problems = [];
  if (fired.ok !== events) problems.push(`${events - fired.ok} callbacks not answered "success"`);
  if (welcomes.length < events) problems.push(`${events - welcomes.length} welcomes missing`);
  if (p99 === null || p99 > targetMs) problems.push(`p99 ${p99} ms > ${targetMs} ms`);
  for (const p of problems) log(`NOT OK: ${p}`);
  return {
    ok: problems.length === 0,
    events,
    p50_ms: p50,
    p99_ms: p99,
    max_ms: max,
    welcomes_sent: welcomes.length,
    fire_ms: fireMs,
    concurrency,
    simulator: 'separate process',
    db: server.dbKind,
  };
}
