/**
 * E2E harness: a real server process and a real Chromium.
 *
 *   const server = await startServer();          // node cloud/bootstrap.js on spare ports
 *   const browser = await launchBrowser();       // headless /usr/bin/chromium via playwright-core
 *   const page = await browser.newPage();        // fresh context (own cookies/storage) per page
 *   ...
 *   expectNoPageIssues(page);                    // no console errors, page errors, failed requests
 *   await browser.close(); await server.stop();
 *
 * The server needs `npm run build` (cloud + h5 + web). With E2E_DATABASE_URL=mysql://…/<db> it
 * runs on that MySQL-protocol database (dropped and recreated at each start), otherwise on SQLite
 * in a temp folder. When a test fails, tests/e2e/environment.js screenshots every open page into
 * .tmp/e2e-shots/.
 */
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';

export const ROOT = path.resolve(__dirname, '..', '..');
/** Every-minute jobs run this often in browser tests (JOBS_MINUTE_SECONDS). */
export const JOB_TICK_SECONDS = 5;
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Server

export interface StartServerOptions {
  /** Extra or overriding environment for the server (e.g. { MEMBER_SESSION_DAYS: '1' }). */
  env?: Record<string, string | undefined>;
  /** Seed the demo data (default true: the e2e journeys start from the demo chain). */
  seedDemo?: boolean;
  /** Health wait limit; migrations on a fresh MariaDB take a few seconds. */
  startTimeoutMs?: number;
}

export interface TestServer {
  baseUrl: string;
  simulatorUrl: string;
  port: number;
  simulatorPort: number;
  dbKind: 'sqlite' | 'mysql';
  /** The server's database: a mysql:// URL, or the SQLite file (for fixtures no UI can make). */
  databaseUrl: string | null;
  sqliteFile: string;
  /** Everything the server printed so far (also printed when it fails to start). */
  output(): string;
  stop(): Promise<void>;
}

const liveChildren = new Set<ChildProcess>();
// A test that forgets stop() must not leave a server running after jest exits.
process.on('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

let databaseCounter = 0;
function uniqueDatabaseUrl(base: string): string {
  const url = new URL(base);
  const name = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'hub_e2e';
  url.pathname = `/${name}_${process.pid}_${++databaseCounter}`;
  return url.toString();
}

/** Drop and recreate the database named in a mysql:// URL, so every start is from empty. */
async function recreateMysqlDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(database)) throw new Error(`E2E_DATABASE_URL must name a database (got "${database}")`);
  const mysql = require('mysql2/promise') as typeof import('mysql2/promise');
  const conn = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await conn.query(`CREATE DATABASE \`${database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await conn.end();
  }
}

async function waitForHealth(baseUrl: string, timeoutMs: number, exitInfo: () => string | null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    const exited = exitInfo();
    if (exited) throw new Error(`server exited before it was healthy (${exited})`);
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5000) });
      if (res.status === 200) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      last = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server not healthy after ${timeoutMs / 1000} s (${last})`);
}

export async function startServer(options: StartServerOptions = {}): Promise<TestServer> {
  const entry = path.join(ROOT, 'cloud', 'bootstrap.js');
  if (!fs.existsSync(path.join(ROOT, 'cloud', 'dist'))) {
    throw new Error('cloud/dist is missing: run `npm run build` before the e2e tests');
  }
  const port = await freePort();
  const simulatorPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-e2e-data-'));
  const baseUrl = `http://127.0.0.1:${port}`;
  // each server start gets its own database (base name + worker pid + counter), so test files may
  // run in parallel jest workers without dropping each other's tables
  const databaseUrl = process.env.E2E_DATABASE_URL ? uniqueDatabaseUrl(process.env.E2E_DATABASE_URL) : undefined;
  if (databaseUrl) await recreateMysqlDatabase(databaseUrl);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // development = the same mode as `npm start` (simulator on, dev conveniences); jest sets test.
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_BASE_URL: baseUrl,
    DATA_DIR: dataDir,
    SIMULATOR: '1',
    SIMULATOR_PORT: String(simulatorPort),
    SEED_DEMO: options.seedDemo === false ? '0' : '1',
    SEED_SHOWCASE: '0', // the journeys assert on the plain demo seed's counts
    LOG_LEVEL: process.env.E2E_LOG_LEVEL || 'warn',
    // the real scheduler, at a test's pace: every-minute jobs tick every JOB_TICK_SECONDS
    JOBS_MINUTE_SECONDS: String(JOB_TICK_SECONDS),
    // a year of demo receipts costs every start seconds of outbox work; the crawl opts in
    SEED_DEMO_RECEIPTS: '0',
    ...options.env,
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;

  const child = spawn(process.execPath, [entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  liveChildren.add(child);
  const chunks: string[] = [];
  const collect = (chunk: Buffer) => {
    chunks.push(chunk.toString());
    if (process.env.E2E_VERBOSE) process.stderr.write(chunk);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let exitInfo: string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exitInfo = signal ?? `exit ${code}`;
      liveChildren.delete(child);
      resolve();
    });
  });
  const output = () => chunks.join('');

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (exitInfo === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dataDir, { recursive: true, force: true });
  };

  try {
    // 120 s: on a box at load ~25 (six engineers on 2 cores) a demo-seeded start took over 60 s
    await waitForHealth(baseUrl, options.startTimeoutMs ?? 120_000, () => exitInfo);
  } catch (err) {
    await stop();
    const tail = output().split('\n').slice(-40).join('\n');
    throw new Error(`${(err as Error).message}\n--- server output (last 40 lines) ---\n${tail}`);
  }
  return {
    baseUrl,
    simulatorUrl: `http://127.0.0.1:${simulatorPort}`,
    port,
    simulatorPort,
    dbKind: databaseUrl ? 'mysql' : 'sqlite',
    databaseUrl: databaseUrl ?? null,
    sqliteFile: path.join(dataDir, 'hub.sqlite'),
    output,
    stop,
  };
}

// ---------------------------------------------------------------------------------------------
// Browser

export interface PageIssues {
  /** console.error messages (Chromium also logs every failed resource load here). */
  consoleErrors: string[];
  /** Uncaught exceptions in the page. */
  pageErrors: string[];
  /** Requests that got no answer (network error, refused, aborted). */
  failedRequests: string[];
  /** Answers with HTTP status >= 400. */
  badResponses: string[];
}

interface OpenPage {
  page: Page;
  issues: PageIssues;
}

declare global {
  // Read by tests/e2e/environment.js to screenshot open pages when a test fails.

  var __e2eOpenPages: Set<OpenPage> | undefined;
}
const openPages: Set<OpenPage> = (globalThis.__e2eOpenPages ??= new Set<OpenPage>());
const issuesByPage = new WeakMap<Page, PageIssues>();

function track(page: Page): PageIssues {
  const issues: PageIssues = { consoleErrors: [], pageErrors: [], failedRequests: [], badResponses: [] };
  page.on('console', (msg) => {
    if (msg.type() === 'error') {
      const loc = msg.location();
      issues.consoleErrors.push(`${msg.text()}${loc?.url ? ` (${loc.url})` : ''}`);
    }
  });
  page.on('pageerror', (err) => issues.pageErrors.push(err.stack || err.message));
  page.on('requestfailed', (req) => {
    issues.failedRequests.push(`${req.method()} ${req.url()}: ${req.failure()?.errorText ?? 'failed'}`);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) issues.badResponses.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  const entry = { page, issues };
  openPages.add(entry);
  page.on('close', () => openPages.delete(entry));
  issuesByPage.set(page, issues);
  return issues;
}

/** What went wrong in the page so far (collected since newPage()). */
export function pageIssues(page: Page): PageIssues {
  const issues = issuesByPage.get(page);
  if (!issues) throw new Error('pageIssues: page was not created by launchBrowser().newPage()');
  return issues;
}

export interface IssueFilter {
  /** Issues whose text matches any of these are expected (e.g. /401 .*\/api\/me/ before login). */
  allow?: RegExp[];
}

/** Throws listing every console error, page error, failed request and >= 400 answer not allowed. */
export function expectNoPageIssues(page: Page, filter: IssueFilter = {}): void {
  // Navigating away aborts in-flight requests, and Chromium asks for /favicon.ico on its own for
  // documents that name no icon (e.g. a JSON answer): the browser's doing, not the app's.
  const allow = [/net::ERR_ABORTED/, /\/favicon\.ico\b/, ...(filter.allow ?? [])];
  const issues = pageIssues(page);
  const found: string[] = [];
  for (const [kind, list] of Object.entries(issues) as [keyof PageIssues, string[]][]) {
    for (const item of list) {
      if (!allow.some((re) => re.test(item))) found.push(`${kind}: ${item}`);
    }
  }
  if (found.length > 0) {
    throw new Error(`page ${page.url()} had ${found.length} problem(s):\n  ${found.join('\n  ')}`);
  }
}

export interface BrowserHandle {
  browser: Browser;
  /** A page in a fresh context (own cookies, storage), tracked for issues and failure screenshots. */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<BrowserHandle> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium not found at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`);
  }
  // playwright launches with a fresh temporary --user-data-dir of its own (deleted at close);
  // it refuses one passed in args, so that flag is not repeated here.
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
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
  const contexts = new Set<BrowserContext>();
  return {
    browser,
    async newPage(options: BrowserContextOptions = {}) {
      const context = await browser.newContext({ locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...options });
      contexts.add(context);
      context.on('close', () => contexts.delete(context));
      const page = await context.newPage();
      track(page);
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
    },
  };
}
