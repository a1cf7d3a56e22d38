/**
 * Child process of stall.test.ts: sends the worst bodies we could think of to every target it is
 * given, `concurrency` at a time, until `untilMs`; prints one JSON line of status counts. A child of
 * its own so building and sending megabytes does not load the server's event loop being measured.
 */
const [, , base, targetsJson, untilText, concurrencyText] = process.argv;
const targets = JSON.parse(targetsJson);
const until = Number(untilText);
const concurrency = Number(concurrencyText);

const MB = 1024 * 1024;
const nested = (depth) => '['.repeat(depth) + ']'.repeat(depth);
const xmlBombish =
  '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><xml><Encrypt>&c;</Encrypt></xml>';
// the shapes that made the old regular expression backtrack: many unclosed tags, unterminated CDATA
const jsonBodies = [
  nested(400_000),
  JSON.stringify({ username: 'a'.repeat(MB - 100), password: 'x' }),
  JSON.stringify(Object.fromEntries(Array.from({ length: 40_000 }, (_, i) => [`k${i}`, i]))),
  JSON.stringify({ code: '<xml>' + '<a>'.repeat(300_000) }),
  '{"a":' + '"\\u0000'.repeat(100_000) + '"}',
];
const xmlBodies = [
  '<xml>' + '<a>'.repeat(21_000) + '</xml>',
  '<xml><Encrypt><![CDATA[' + 'A'.repeat(64 * 1024 - 40),
  '<xml>' + '<ToUserName><![CDATA['.repeat(2_900),
  '<xml>' + '<x></y>'.repeat(9_000) + '</xml>',
  xmlBombish,
  '<xml><Encrypt>' + 'A'.repeat(2 * MB) + '</Encrypt></xml>',
];
const longQuery = '?' + Array.from({ length: 2000 }, (_, i) => `q${i}=${'%'.repeat(3)}${'a'.repeat(50)}`).join('&');
const junkParam = 'a'.repeat(4000);

function requests(t) {
  const path = t.path.replace(/:([A-Za-z0-9_]+)/g, junkParam);
  const url = `${base}${path}`;
  if (t.method === 'GET')
    return [
      { url: url + longQuery, init: { method: 'GET' } },
      { url: `${base}${t.path.replace(/:([A-Za-z0-9_]+)/g, '1')}${longQuery}`, init: { method: 'GET' } },
    ];
  const out = [];
  if (t.xml)
    for (const b of xmlBodies)
      out.push({
        url: url + '?msg_signature=aa&timestamp=' + Math.floor(Date.now() / 1000) + '&nonce=n',
        init: { method: 'POST', headers: { 'content-type': 'text/xml' }, body: b },
      });
  for (const b of jsonBodies) out.push({ url, init: { method: t.method, headers: { 'content-type': 'application/json' }, body: b } });
  out.push({
    url,
    init: {
      method: t.method,
      headers: { 'content-type': 'multipart/form-data; boundary=' + 'b'.repeat(70) },
      body: ('--' + 'b'.repeat(70) + '\r\n').repeat(8000),
    },
  });
  return out;
}

const only = process.env.ATTACK_ONLY;
// ATTACK_BENIGN: the same number of ordinary requests, for the baseline
const all = process.env.ATTACK_BENIGN
  ? [{ url: base + '/api/contests', init: { method: 'GET' } }]
  : targets.flatMap(requests).filter((r) => !only || (r.init.body ? String(r.init.body).slice(0, 12) : 'GET').startsWith(only));
const counts = {};
let next = 0;
async function worker() {
  while (Date.now() < until) {
    const r = all[next++ % all.length];
    try {
      const res = await fetch(r.url, { ...r.init, signal: AbortSignal.timeout(10_000) });
      await res.arrayBuffer();
      counts[res.status] = (counts[res.status] ?? 0) + 1;
    } catch (e) {
      counts.error = (counts.error ?? 0) + 1;
    }
  }
}
Promise.all(Array.from({ length: concurrency }, worker)).then(() => {
  process.stdout.write(JSON.stringify({ sent: next, counts }) + '\n');
});
