// First screens in headless Chromium with 4× CPU throttling (CDP Emulation.setCPUThrottlingRate):
//  - member H5 home, logged in: from navigation start to the member card (「会员信息」) on screen;
//  - ops page, signed in: from navigation start to the landing screen's first card (概览: the
//    first card of figures, drawn from the overview API's answer), and how much JavaScript the
//    page loaded to show it.
// "JavaScript loaded to show it" (admin_initial_js_kb): every .js response whose request the
// browser STARTED before the first content appeared (Resource Timing startTime < the moment the
// card was inserted), whatever asked for it (script tag, modulepreload, dynamic import) and
// whether or not it was needed — summed as gzip -9 of the bodies (as they would travel). What the
// page fetches after its content shows (charts, pickers, tables below or around the figures) is
// reported apart as admin_total_js_kb (every script by network idle) and is not part of the target.
// Each is measured --runs times (3) in a fresh browser context (cold HTTP cache); the median counts.
// Targets (issue 21): h5 ≤ 1,500 ms, ops page ≤ 300 KB gzipped JS before first content. `ok` is the
// benchmark's own check that both screens showed the right content and that the ops landing then
// completed (its trend chart drew); `targets_met` says whether the figures hold.
// Flags: --runs <n> (3), --cpu-throttle <rate> (4), --h5-target-ms (1500), --admin-js-target-kb (300)
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { ROOT, numberArg, provisionHq } from './lib.mjs';

const require = createRequire(path.join(ROOT, 'package.json'));

export const description = 'H5 home and ops page first screens in Chromium with 4× CPU throttling; ops page initial JS (gzipped)';
// the pages are served by the server from their builds: build them before it starts
export const builds = ['cloud', 'h5', 'web'];

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const MOBILE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 1 };
const DESKTOP = { viewport: { width: 1366, height: 860 } };

/** In the page before any script: note when `selector` first shows (performance.now(), i.e. ms since navigation start). */
function watchFirst(selector) {
  const check = () => {
    if (window.__firstContentMs === undefined && document.querySelector(selector)) window.__firstContentMs = performance.now();
  };
  new MutationObserver(check).observe(document, { childList: true, subtree: true });
}

async function timedLoad({ browser, contextOptions, url, selector, init, rate, log, label, then }) {
  const context = await browser.newContext(contextOptions);
  try {
    for (const script of init) await context.addInitScript(script.fn, script.arg);
    await context.addInitScript(watchFirst, selector);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    const bodies = [];
    page.on('response', async (res) => {
      if (!new URL(res.url()).pathname.endsWith('.js')) return;
      try {
        const body = await res.body();
        bodies.push({ url: res.url(), bytes: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length });
      } catch {
        // a navigation away may drop a body; the page does not navigate here
      }
    });
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForSelector(selector, { timeout: 60_000 });
    const ms = await page.evaluate(() => window.__firstContentMs);
    const text = await page.locator(selector).first().innerText();
    // what the screen does after its content shows (e.g. the charts), then every script's arrival
    const completed = then ? await then(page) : null;
    await page.waitForLoadState('networkidle', { timeout: 30_000 }).catch(() => undefined);
    // when each script's request started (same clock as __firstContentMs: ms since navigation start)
    const started = new Map(await page.evaluate(() => performance.getEntriesByType('resource').map((e) => [e.name, e.startTime])));
    const unseen = bodies.filter((b) => !started.has(b.url));
    if (unseen.length) throw new Error(`${label}: no resource timing for ${unseen.map((b) => b.url).join(', ')}`);
    const before = bodies.filter((b) => started.get(b.url) < ms);
    const kb = (list) => Math.round(list.reduce((a, j) => a + j.gzip, 0) / 102.4) / 10;
    const gzipKb = kb(before);
    const totalKb = kb(bodies);
    log(
      `${label}: first content ${Math.round(ms)} ms; ${before.length} scripts, ${gzipKb} KB gzipped requested before it` +
        ` (${bodies.length} scripts, ${totalKb} KB by network idle)${completed === false ? ' — did NOT complete' : ''}`,
    );
    if (label.endsWith('#1')) {
      const biggest = [...before].sort((a, b) => b.gzip - a.gzip).slice(0, 8);
      log(`  largest before first content: ${biggest.map((j) => `${path.basename(new URL(j.url).pathname)} ${Math.round(j.gzip / 1024)} KB`).join(', ')}`);
    }
    return { ms: Math.round(ms), gzipKb, totalKb, scripts: before.length, text, completed };
  } finally {
    await context.close();
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor((s.length - 1) / 2)] : null;
};

export async function run({ baseUrl, args, log, server }) {
  const runs = Math.max(1, numberArg(args, 'runs', 3));
  const rate = numberArg(args, 'cpu-throttle', 4);
  const h5TargetMs = numberArg(args, 'h5-target-ms', 1500);
  const jsTargetKb = numberArg(args, 'admin-js-target-kb', 300);
  for (const dir of [path.join(ROOT, 'dist', 'h5', 'index.html'), path.join(ROOT, 'web', 'dist', 'admin', 'index.html')]) {
    if (!fs.existsSync(dir)) throw new Error(`${path.relative(ROOT, dir)} is missing (the builds failed?)`);
  }
  const { chromium } = require('playwright-core');
  // playwright gives the browser a fresh temporary profile of its own (it refuses --user-data-dir in args)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const problems = [];
  try {
    // ---- a member who signed in before (the simulator's wx.login stand-in, privacy guide agreed)
    const openid = `o_bench_first_${Date.now().toString(36)}`;
    const setup = await browser.newContext(MOBILE);
    await setup.addInitScript((id) => window.localStorage.setItem('sim_dev_openid', id), openid);
    const first = await setup.newPage();
    await first.goto(`${baseUrl}/h5/`);
    await first.locator('[data-testid="consent-agree"]').click({ timeout: 60_000 });
    await first.locator('[data-testid="home-member"]').waitFor({ timeout: 60_000 });
    const storage = await first.evaluate(() => ({ ...window.localStorage }));
    await setup.close();
    if (!storage.member_token) throw new Error('the H5 page kept no member token after signing in');

    const h5 = [];
    for (let i = 0; i < runs; i++) {
      const r = await timedLoad({
        browser,
        contextOptions: MOBILE,
        url: `${baseUrl}/h5/`,
        selector: '[data-testid="home-member"]',
        init: [{ fn: (items) => Object.entries(items).forEach(([k, v]) => window.localStorage.setItem(k, v)), arg: storage }],
        rate,
        log,
        label: `h5 home #${i + 1}`,
      });
      if (!r.text.includes('会员信息')) problems.push(`h5 run ${i + 1}: the member card shows ${JSON.stringify(r.text.slice(0, 80))}`);
      h5.push(r.ms);
    }

    // ---- an HQ admin signed in on the ops page (token in sessionStorage, as after the sign-in form)
    const hq = await provisionHq(server, { log });
    const admin = [];
    for (let i = 0; i < runs; i++) {
      const r = await timedLoad({
        browser,
        contextOptions: DESKTOP,
        url: `${baseUrl}/admin/#/`,
        selector: '.admin-content .ant-card',
        init: [{ fn: (token) => window.sessionStorage.setItem('hub.admin.token', token), arg: hq.token }],
        rate,
        log,
        label: `admin landing #${i + 1}`,
        // the rest of the landing (loaded after the figures) still arrives: the trend chart draws
        then: (page) =>
          page
            .locator('[data-testid="chart-trend"] canvas')
            .first()
            .waitFor({ timeout: 60_000 })
            .then(
              () => true,
              () => false,
            ),
      });
      if (!r.text.trim()) problems.push(`admin run ${i + 1}: the landing card is empty`);
      if (!r.completed) problems.push(`admin run ${i + 1}: the landing's trend chart never drew`);
      admin.push(r);
    }

    const h5Ms = median(h5);
    const adminMs = median(admin.map((r) => r.ms));
    const adminKb = median(admin.map((r) => r.gzipKb));
    const targetsMet = h5Ms <= h5TargetMs && adminKb <= jsTargetKb;
    for (const p of problems) log(`NOT OK: ${p}`);
    if (!targetsMet) log(`targets: h5 ${h5Ms} ms (≤ ${h5TargetMs}), admin JS ${adminKb} KB (≤ ${jsTargetKb})`);
    return {
      ok: problems.length === 0,
      h5_first_content_ms: h5Ms,
      admin_first_content_ms: adminMs,
      admin_initial_js_kb: adminKb,
      admin_scripts: median(admin.map((r) => r.scripts)),
      admin_total_js_kb: median(admin.map((r) => r.totalKb)),
      cpu_throttle: rate,
      runs,
      targets_met: targetsMet,
      h5_runs_ms: h5,
      admin_runs_ms: admin.map((r) => r.ms),
      db: server.dbKind,
      ...(problems.length ? { problems } : {}),
    };
  } finally {
    await browser.close();
  }
}
