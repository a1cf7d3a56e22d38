/** Image uploads: type by magic bytes, size limit, re-encoding without metadata, thumbnails, serving. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { MAX_UPLOAD_BYTES } from '../../../contracts/uploads';
import { sniffImage } from '../../src/modules/uploads/image';
import { LocalDiskStorage } from '../../src/modules/uploads/storage';
import { startTestApp, type TestApp } from '../helpers/app';
import { jpeg, memberToken, staffToken, upload } from '../contest/kit';

let t: TestApp;
let member: { id: number; token: string };
beforeAll(async () => {
  t = await startTestApp();
  member = await memberToken(t);
});
afterAll(() => t?.close());

test('a JPEG is re-encoded without its EXIF, a thumbnail is made, both are served at stable URLs', async () => {
  const big = await sharp({ create: { width: 3000, height: 1000, channels: 3, background: '#2a6' } })
    .withMetadata({ exif: { IFD0: { Copyright: 'secret-gps-owner' } } })
    .jpeg()
    .toBuffer();
  expect(big.toString('latin1')).toContain('secret-gps-owner');
  const res = await upload(t, member.token, big, 'holiday.png'); // the name lies; the bytes decide
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ mime: 'image/jpeg', width: 2048, height: 683 });
  const full = await t.http().get(res.body.url);
  expect(full.status).toBe(200);
  expect(full.headers['content-type']).toBe('image/jpeg');
  expect(full.headers['cache-control']).toContain('immutable');
  expect(full.body.toString('latin1')).not.toContain('secret-gps-owner');
  const thumb = await t.http().get(res.body.thumbUrl);
  expect(thumb.status).toBe(200);
  const meta = await sharp(thumb.body).metadata();
  expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 480, 160]);
});

test('PNG and WebP are accepted; a transparent PNG gets a white JPEG thumbnail', async () => {
  const png = await sharp({ create: { width: 40, height: 30, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .png()
    .toBuffer();
  const r1 = await upload(t, member.token, png, 'a.png');
  expect(r1.body).toMatchObject({ mime: 'image/png', width: 40, height: 30 });
  const thumb = await t.http().get(r1.body.thumbUrl);
  const { data } = await sharp(thumb.body).raw().toBuffer({ resolveWithObject: true });
  expect(data[0]).toBeGreaterThan(240);
  const webp = await sharp({ create: { width: 20, height: 20, channels: 3, background: '#00f' } })
    .webp()
    .toBuffer();
  expect((await upload(t, member.token, webp, 'b.webp')).body.mime).toBe('image/webp');
});

test('bad types are refused by content: GIF, SVG, text named .jpg, a truncated JPEG', async () => {
  const gif = Buffer.from('47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b', 'hex');
  const cases: Array<[string, Buffer, string, number, string]> = [
    ['gif', gif, 'a.gif', 415, 'UPLOAD_TYPE_NOT_ALLOWED'],
    ['svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), 'x.jpg', 415, 'UPLOAD_TYPE_NOT_ALLOWED'],
    ['text', Buffer.from('hello, I am not a photo'), 'photo.jpg', 415, 'UPLOAD_TYPE_NOT_ALLOWED'],
    ['truncated jpeg', (await jpeg(200, 200)).subarray(0, 300), 'cut.jpg', 400, 'UPLOAD_INVALID'],
  ];
  for (const [name, buf, filename, status, code] of cases) {
    const res = await upload(t, member.token, buf, filename);
    expect({ name, status: res.status, code: res.body.code }).toEqual({ name, status, code });
  }
});

test('too big is refused (413) without storing anything; empty, missing field and non-multipart are 400s', async () => {
  const before = countFiles();
  const huge = Buffer.alloc(MAX_UPLOAD_BYTES + 1024, 0xff);
  huge[0] = 0xff;
  huge[1] = 0xd8;
  huge[2] = 0xff;
  const res = await upload(t, member.token, huge, 'huge.jpg');
  expect([res.status, res.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
  expect(countFiles()).toBe(before);

  const none = await t.http().post('/api/uploads/images').set('authorization', `Bearer ${member.token}`).field('other', 'x');
  expect([none.status, none.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  const json = await t.http().post('/api/uploads/images').set('authorization', `Bearer ${member.token}`).send({ file: 'x' });
  expect([json.status, json.body.code]).toEqual([400, 'UPLOAD_INVALID']);
  const broken = await t
    .http()
    .post('/api/uploads/images')
    .set('authorization', `Bearer ${member.token}`)
    .set('content-type', 'multipart/form-data; boundary=zzz')
    .send('--zzz\r\nContent-Disposition: form-data; name="file"; filename="a.jpg"\r\n\r\nabc');
  expect(broken.status).toBeGreaterThanOrEqual(400);
  expect(broken.status).toBeLessThan(500);
});

test('uploads need a session; staff upload covers through their own route; unknown or unsafe file names are 404', async () => {
  expect((await upload(t, '', await jpeg())).status).toBe(401);
  const ops = await staffToken(t);
  const res = await upload(t, ops.token, await jpeg(), 'cover.jpg', '/api/admin/uploads/images');
  expect(res.status).toBe(200);
  // a member token on the staff route is refused
  expect((await upload(t, member.token, await jpeg(), 'c.jpg', '/api/admin/uploads/images')).status).toBe(403);
  for (const p of ['/api/files/0123456789abcdef01234567.jpg', '/api/files/..%2F..%2Fhub.sqlite', '/api/files/x.exe']) {
    const r = await t.http().get(p);
    expect(r.status).toBe(404);
  }
});

test('sniffing and the storage guard', async () => {
  expect(sniffImage(await jpeg())).toBe('image/jpeg');
  expect(sniffImage(Buffer.from('RIFF0000WEBPVP8 '))).toBe('image/webp');
  expect(sniffImage(Buffer.from('RIFF0000WAVEfmt '))).toBeNull();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'store-'));
  const s = LocalDiskStorage.at(dir);
  await expect(s.put('../evil.jpg', Buffer.from('x'))).rejects.toThrow(/unsafe/);
  await s.put('abcdefabcdefabcdefabcdef.jpg', Buffer.from('x'));
  expect(await s.exists('abcdefabcdefabcdefabcdef.jpg')).toBe(true);
  expect(await s.get('../../etc/passwd')).toBeNull();
  fs.rmSync(dir, { recursive: true, force: true });
});

function countFiles(): number {
  const root = path.join(process.env.DATA_DIR ?? path.join(process.cwd(), 'data'), 'uploads');
  if (!fs.existsSync(root)) return 0;
  let n = 0;
  for (const d of fs.readdirSync(root)) n += fs.readdirSync(path.join(root, d)).length;
  return n;
}
