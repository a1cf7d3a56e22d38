/** Static delivery: brotli/gzip, immutable caching of hashed build files only, the favicon. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { HASHED_ASSET } from '../src/core/delivery.middleware';
import { startTestApp, type TestApp } from './helpers/app';

let t: TestApp;
const built = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-delivery-'));

beforeAll(async () => {
  fs.mkdirSync(path.join(built, 'assets'));
  fs.writeFileSync(path.join(built, 'index.html'), `<!doctype html><title>sidebar</title>${'<p>x</p>'.repeat(300)}`);
  fs.writeFileSync(path.join(built, 'assets', 'index-8OPljJmb.js'), `console.log(${JSON.stringify('社区私域中枢'.repeat(400))})`);
  fs.writeFileSync(path.join(built, 'assets', 'plain.js'), `console.log(${JSON.stringify('x'.repeat(4000))})`);
  t = await startTestApp(
    {},
    {
      globalConfig: {
        webApps: [{ name: 'sidebar', prefix: '/sidebar', dir: built }],
        staticFile: { dirs: { default: { prefix: '/sidebar', dir: built }, admin: null, sidebar: null, h5: null } },
      },
    },
  );
});
afterAll(async () => {
  await t?.close();
  fs.rmSync(built, { recursive: true, force: true });
});

test('hashed assets: brotli when accepted, else gzip; cached for a year as immutable', async () => {
  const br = await t.http().get('/sidebar/assets/index-8OPljJmb.js').set('accept-encoding', 'br, gzip');
  expect(br.status).toBe(200);
  expect(br.headers['content-encoding']).toBe('br');
  expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  const gz = await t.http().get('/sidebar/assets/index-8OPljJmb.js').set('accept-encoding', 'gzip');
  expect(gz.headers['content-encoding']).toBe('gzip');
  expect(gz.text).toContain('社区私域中枢');
  // an unhashed file and the page itself are not immutable
  const plain = await t.http().get('/sidebar/assets/plain.js').set('accept-encoding', 'gzip');
  expect(plain.headers['cache-control'] ?? '').not.toContain('immutable');
  const page = await t.http().get('/sidebar/').set('accept-encoding', 'gzip');
  expect(page.headers['cache-control']).toBe('no-cache');
  expect(page.headers['content-encoding']).toBe('gzip');
});

test('the favicon is served for every page', async () => {
  const res = await t.http().get('/favicon.ico');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toContain('image/svg+xml');
});

test('which names count as hashed', () => {
  expect(HASHED_ASSET.test('/admin/assets/index-8OPljJmb.js')).toBe(true);
  expect(HASHED_ASSET.test('/h5/js/171.9b197d56.js')).toBe(true);
  expect(HASHED_ASSET.test('/h5/css/app.3e1f0a2b.css')).toBe(true);
  expect(HASHED_ASSET.test('/sidebar/index.html')).toBe(false);
  expect(HASHED_ASSET.test('/sidebar/assets/plain.js')).toBe(false);
  expect(HASHED_ASSET.test('/api/admin/members-12345678.js')).toBe(false);
});
