/**
 * Orphaned uploads are swept: after the grace period an image no domain points at (asked through
 * the upload reference registry) is deleted with its thumbnail and row, and so is a stored file no
 * row names; referenced and recent ones stay. Every column that looks like it holds an image is
 * covered by some domain's answer, so a new one cannot be swept from under its records unnoticed.
 */
import * as fs from 'fs';
import * as path from 'path';
import { identity } from '../../../contracts';
import { JobRunner } from '../../src/core/jobs';
import { declaredUploadColumns, uploadNamesIn, UploadReferenceRegistry } from '../../src/core/upload-refs';
import { ConfiguredFileStorage, FILE_STORAGE, type FileStorage } from '../../src/modules/uploads/storage';
import { Upload } from '../../src/modules/uploads/entities/upload.entity';
import { jpeg, memberToken, upload } from '../contest/kit';
import { startTestApp, type TestApp } from '../helpers/app';
import { db } from '../helpers/fixtures';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
}, 180_000);
afterAll(() => t?.close());

const DAY = 86_400_000;

test('unreferenced uploads and unrecorded files older than the grace period go; referenced and recent ones stay', async () => {
  const m = await memberToken(t);
  const ids: number[] = [];
  for (const color of ['#a11', '#1a1', '#11a']) {
    const res = await upload(t, m.token, await jpeg(40, 30, color));
    expect(res.status).toBe(200);
    ids.push(res.body.id);
  }
  const [avatar, abandoned, recent] = ids;
  await t.client(m.token).call(identity.updateMe, { body: { avatarUploadId: avatar } });
  const d = await db(t);
  const rows = new Map((await d.manager.findBy(Upload, {})).filter((u) => ids.includes(u.id)).map((u) => [u.id, u]));
  // two of them are three days old; the third was uploaded just now (the member may still submit it)
  for (const id of [avatar, abandoned]) await d.manager.update(Upload, { id }, { createdAt: new Date(Date.now() - 3 * DAY) });

  // a file written without its row (a crash between the two), old; and a fresh one
  const storage = await t.container.getAsync<FileStorage>(FILE_STORAGE);
  const configured = await t.container.getAsync(ConfiguredFileStorage);
  expect(configured.kind).toBe('local');
  const root = path.join(configured.env.dataDir, 'uploads');
  const stray = 'ab' + '0'.repeat(22) + '.jpg';
  const freshStray = 'ab' + '1'.repeat(22) + '.jpg';
  await storage.put(stray, await jpeg(10, 10));
  await storage.put(freshStray, await jpeg(10, 10));
  const old = new Date(Date.now() - 3 * DAY);
  await fs.promises.utimes(path.join(root, 'ab', stray), old, old);

  const run = await (await t.container.getAsync(JobRunner)).runNow('uploads.orphan-sweep');
  expect(run.ran).toBe(true);

  const status = async (name: string) => (await t.http().get(`/api/files/${name}`)).status;
  const a = rows.get(abandoned)!;
  expect(await status(a.name)).toBe(404);
  expect(await status(a.thumbName!)).toBe(404);
  expect(await d.manager.findOneBy(Upload, { id: abandoned })).toBeNull();
  for (const id of [avatar, recent]) {
    const u = rows.get(id)!;
    expect(await status(u.name)).toBe(200);
    expect(await status(u.thumbName!)).toBe(200);
    expect(await d.manager.findOneBy(Upload, { id })).not.toBeNull();
  }
  expect(await storage.exists(stray)).toBe(false);
  expect(await storage.exists(freshStray)).toBe(true);

  // the avatar is kept because identity said so: once it is replaced, the next sweep takes it
  await t.client(m.token).call(identity.updateMe, { body: { avatarUploadId: recent } });
  await (await t.container.getAsync(JobRunner)).runNow('uploads.orphan-sweep');
  expect(await status(rows.get(avatar)!.name)).toBe(404);
  expect(await status(rows.get(recent)!.name)).toBe(200);
}, 120_000);

test('a domain that cannot answer stops the sweep (nothing is deleted on a partial view)', async () => {
  const registry = await t.container.getAsync(UploadReferenceRegistry);
  registry.register('broken-for-test', async () => {
    throw new Error('db down');
  });
  try {
    const m = await memberToken(t);
    const res = await upload(t, m.token, await jpeg(20, 20, '#333'));
    const d = await db(t);
    await d.manager.update(Upload, { id: res.body.id }, { createdAt: new Date(Date.now() - 3 * DAY) });
    await expect((await t.container.getAsync(JobRunner)).runNow('uploads.orphan-sweep')).rejects.toThrow('db down');
    expect(await d.manager.findOneBy(Upload, { id: res.body.id })).not.toBeNull();
  } finally {
    registry.register('broken-for-test', async () => ({}));
  }
}, 60_000);

/** Columns whose names look like images but hold none (say why). */
const NOT_UPLOADS: Record<string, string> = {
  'purchase_import.file_name': 'the name of the imported POS file, not an upload',
  'wecom_channel.qr_code': 'the QR URL WeCom hosts for a contact way',
  'wecom_contact.avatar': 'the avatar URL WeCom reports for a customer',
  'upload.name': 'the uploads table itself',
  'upload.thumb_name': 'the uploads table itself',
};

test('every column that looks like it holds an image is answered for by its domain', async () => {
  const d = await db(t);
  const covered = new Set(declaredUploadColumns().map((c) => c.column));
  const looksLikeImage = /(^|_)(url|urls|file|files|photo|photos|image|images|pic|pics|poster|cover|avatar|thumb)(_|$)/i;
  const missing: string[] = [];
  for (const meta of d.manager.connection.entityMetadatas) {
    for (const col of meta.columns) {
      const key = `${meta.tableName}.${col.databaseName}`;
      if (looksLikeImage.test(col.databaseName) && !covered.has(key) && !NOT_UPLOADS[key]) missing.push(key);
    }
  }
  expect(missing).toEqual([]);
  expect(uploadNamesIn(`{"picUrl":"https://x.example/api/files/${'c'.repeat(24)}_t.jpg"}`)).toEqual([`${'c'.repeat(24)}_t.jpg`]);
});
