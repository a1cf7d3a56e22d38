/** Front doors: missing front-end builds must not stop the API; built ones are served with an SPA fallback. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { system } from '../../contracts';
import { startTestApp, type TestApp } from './helpers/app';

let t: TestApp;
const built = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-web-'));

beforeAll(async () => {
  fs.mkdirSync(path.join(built, 'assets'));
  fs.writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>sidebar</title>');
  fs.writeFileSync(path.join(built, 'assets', 'app-1234.js'), 'console.log(1)');
  const apps = [
    { name: 'admin', prefix: '/admin', dir: '/nonexistent/admin' },
    { name: 'sidebar', prefix: '/sidebar', dir: built },
  ];
  t = await startTestApp(
    {},
    {
      globalConfig: {
        webApps: apps,
        staticFile: { dirs: { default: { prefix: '/admin', dir: '/nonexistent/admin' }, h5: { prefix: '/sidebar', dir: built }, admin: null, sidebar: null } },
      },
    },
  );
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(built, { recursive: true, force: true });
});

test('a missing build is a JSON 404, the API still works', async () => {
  expect((await t.client().call(system.health)).status).toBe('ok');
  for (const p of ['/admin/', '/admin/members/1', '/admin/assets/x.js']) {
    const res = await t.http().get(p);
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  }
});

test('a built app: files, index.html for client routes (not cached), redirect without the slash', async () => {
  const asset = await t.http().get('/sidebar/assets/app-1234.js');
  expect(asset.status).toBe(200);
  expect(asset.text).toBe('console.log(1)');
  for (const p of ['/sidebar/', '/sidebar/contact/wm_1']) {
    const res = await t.http().get(p);
    expect(res.status).toBe(200);
    expect(res.text).toContain('<title>sidebar</title>');
    expect(res.headers['cache-control']).toBe('no-cache');
  }
  const bare = await t.http().get('/sidebar?x=1');
  expect(bare.status).toBe(302);
  expect(bare.headers.location).toBe('/sidebar/?x=1');
  expect((await t.http().get('/sidebar/assets/missing.js')).status).toBe(404);
  expect((await t.http().get('/sidebar/../package.json')).status).toBe(404);
});
