/**
 * Runs Taro's compiled weapp output (dist/weapp) inside miniprogram-simulate.
 *
 * miniprogram-simulate only knows custom components, so we provide what the WeChat client
 * would: App/getApp, getCurrentPages, a Page() that registers the page as a component and
 * drives onLoad/onShow/onReady, and the wx APIs our code touches (storage, login, request,
 * navigation, toast) backed by recorders and a scripted fake cloud.
 */
import fs from 'fs';
import os from 'os';
import path from 'path';

/** What `npm run build:weapp` produced. */
export const BUILT = path.resolve(__dirname, '../../dist/weapp');
/**
 * The copy the tests load. miniprogram-compiler's wcc (older than the WeChat client's) insists on
 * a closing tag for <input>, which Taro's base.wxml leaves open as the real client allows; the
 * copy closes those void tags and changes nothing else, so the build itself stays untouched.
 */
export const DIST = path.join(os.tmpdir(), `weapp-simulate-${process.pid}`);

export function closeVoidInputs(wxml: string): string {
  return wxml.replace(/<input\b([^>]*?)\s*>(?!\s*<\/input>)/g, (whole, attrs: string) => (whole.endsWith('/>') ? whole : `<input${attrs}/>`));
}

let prepared = false;
export function assertBuilt(): void {
  if (!fs.existsSync(path.join(BUILT, 'app.json')) || !fs.existsSync(path.join(BUILT, 'app.js'))) {
    throw new Error(`dist/weapp is missing (looked in ${BUILT}). Build the mini-program first: npm run build:weapp`);
  }
  if (prepared) return;
  fs.rmSync(DIST, { recursive: true, force: true });
  fs.cpSync(BUILT, DIST, { recursive: true });
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.wxml')) fs.writeFileSync(file, closeVoidInputs(fs.readFileSync(file, 'utf8')));
    }
  };
  walk(DIST);
  prepared = true;
  process.once('exit', () => fs.rmSync(DIST, { recursive: true, force: true }));
}

type Reply = [number, unknown];
export interface RequestRecord {
  method: string;
  url: string;
  path: string;
  header: Record<string, string>;
  body: unknown;
}

export interface Harness {
  storage: Map<string, unknown>;
  requests: RequestRecord[];
  calls: Record<string, unknown[]>;
  routes: Record<string, Reply | ((r: RequestRecord) => Reply)>;
  loadPage(route: string, query?: Record<string, string>): Promise<PageHandle>;
}

export interface PageHandle {
  comp: any; // j-component wrapper
  root: HTMLElement;
  text(): string;
  /** Tap the first rendered element (view/button/text) whose own text is `label`. */
  tap(label: string): Promise<void>;
  /** The Taro node tree the page rendered (what setData sent to the view layer). */
  data(): any;
}

const g = global as any;

export async function waitFor(cond: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * A fresh mini-program: call after jest.resetModules() so the Taro runtime, the webpack chunk
 * registry and miniprogram-simulate's component registry all start empty (a page module only
 * calls Page() the first time it is evaluated).
 */
export function createHarness(): Harness {
  assertBuilt();
  delete g.wx; // webpackJsonp of a previous app lives on wx
  const simulate = require('miniprogram-simulate');

  const storage = new Map<string, unknown>();
  const requests: RequestRecord[] = [];
  const calls: Record<string, unknown[]> = {};
  const routes: Harness['routes'] = {};
  const record = (name: string, arg: unknown) => (calls[name] ??= []).push(arg);

  // Async wx APIs take success/fail/complete callbacks; Taro promisifies them.
  const asyncOk =
    (name: string, result: Record<string, unknown> = {}) =>
    (opts: any = {}) => {
      record(name, opts);
      setTimeout(() => {
        const res = { errMsg: `${name}:ok`, ...result };
        opts.success?.(res);
        opts.complete?.(res);
      }, 0);
    };

  Object.assign(g.wx, {
    getStorageSync: (k: string) => (storage.has(k) ? storage.get(k) : ''),
    setStorageSync: (k: string, v: unknown) => void storage.set(k, v),
    removeStorageSync: (k: string) => void storage.delete(k),
    login: asyncOk('login', { code: 'sim-wx-code' }),
    showToast: asyncOk('showToast'),
    navigateTo: asyncOk('navigateTo'),
    switchTab: asyncOk('switchTab'),
    reLaunch: asyncOk('reLaunch'),
    onNeedPrivacyAuthorization: (fn: unknown) => record('onNeedPrivacyAuthorization', fn),
    request: (opts: any) => {
      const url = new URL(opts.url);
      const rec: RequestRecord = {
        method: opts.method,
        url: opts.url,
        path: url.pathname,
        header: opts.header,
        body: typeof opts.data === 'string' && opts.data ? JSON.parse(opts.data) : opts.data,
      };
      requests.push(rec);
      const handler = routes[`${rec.method} ${rec.path}`];
      const [status, body] = !handler ? [404, { code: 'NOT_FOUND', message: '内容不存在或已删除' }] : typeof handler === 'function' ? handler(rec) : handler;
      setTimeout(() => {
        // responseType 'text': wx.request hands back the raw body.
        const res = { statusCode: status, data: typeof body === 'string' ? body : JSON.stringify(body), header: {}, errMsg: 'request:ok' };
        opts.success?.(res);
        opts.complete?.(res);
      }, 0);
      return { abort() {}, onHeadersReceived() {}, offHeadersReceived() {} };
    },
  });

  let app: any = null;
  g.App = (options: any) => {
    app = options;
  };
  g.getApp = () => app;
  const stack: any[] = [];
  g.getCurrentPages = () => stack.slice();

  let loadingRoute = '';
  let loadingQuery: Record<string, string> = {};
  g.Page = (options: any) => {
    const route = loadingRoute;
    const query = loadingQuery;
    const methods: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(options)) if (typeof v === 'function') methods[k] = v;
    g.Component({
      data: options.data ?? {},
      methods,
      lifetimes: {
        attached(this: any) {
          this.route = route;
          stack.push(this);
          this.onLoad(query);
          this.onShow();
        },
        ready(this: any) {
          this.onReady();
        },
        detached(this: any) {
          this.onUnload();
          stack.splice(stack.indexOf(this), 1);
        },
      },
    });
  };

  // app.js pulls in runtime, taro, vendors and common, then calls App().
  require(path.join(DIST, 'app.js'));
  if (!app) throw new Error('dist/weapp/app.js did not call App()');
  app.onLaunch({ path: 'pages/home/index', query: {}, scene: 1001 });
  app.onShow({ path: 'pages/home/index', query: {}, scene: 1001 });

  async function loadPage(route: string, query: Record<string, string> = {}): Promise<PageHandle> {
    loadingRoute = route;
    loadingQuery = query;
    const id = simulate.load(path.join(DIST, route), {
      rootPath: DIST,
      // wcc compiles every template of the app at once; the output is bigger than the 1 MB default.
      compilerOptions: { maxBuffer: 64 * 1024 * 1024 },
    });
    const comp = simulate.render(id);
    const root = document.createElement('div');
    document.body.appendChild(root);
    comp.attach(root);
    await waitFor(() => (root.textContent ?? '').trim().length > 0, `${route} to render`);

    const handle: PageHandle = {
      comp,
      root,
      text: () => root.textContent ?? '',
      data: () => comp.instance.data,
      async tap(label: string) {
        // Taro's templates put the node's sid in data-sid; find the one whose text matches.
        const el = Array.from(root.querySelectorAll<HTMLElement>('[data-sid]')).find((e) => e.textContent?.trim() === label);
        if (!el) throw new Error(`nothing labelled "${label}" on ${route}`);
        // The template's id is uid (an explicit id prop) or else the sid.
        const sid = el.getAttribute('data-sid');
        const node = findNode(comp.instance.data.root, (n) => n.sid === sid);
        const selector = `#${node?.uid || sid}`;
        const target = comp.querySelector(selector);
        if (!target) throw new Error(`cannot select ${selector} on ${route}`);
        target.dispatchEvent('tap');
        await new Promise((r) => setTimeout(r, 0));
      },
    };
    return handle;
  }

  return { storage, requests, calls, routes, loadPage };
}

/** The data key Taro's compiled button template uses for open-type (e.g. "p11"). */
export function buttonAttrKey(attr: string): string {
  const base = fs.readFileSync(path.join(DIST, 'base.wxml'), 'utf8');
  const button = base.match(/<template name="tmpl_0_\d+"><button [^>]*>/);
  const m = button?.[0].match(new RegExp(`${attr}="\\{\\{i\\.(p\\d+)`));
  if (!m) throw new Error(`cannot find ${attr} in the compiled button template`);
  return m[1];
}

/** Depth-first search of Taro's rendered node tree. */
export function findNode(node: any, pred: (n: any) => boolean): any {
  if (!node || typeof node !== 'object') return null;
  if (pred(node)) return node;
  for (const child of node.cn ?? []) {
    const hit = findNode(child, pred);
    if (hit) return hit;
  }
  return null;
}
export function nodeText(node: any): string {
  if (!node) return '';
  if (typeof node.v === 'string') return node.v;
  return (node.cn ?? []).map(nodeText).join('');
}
