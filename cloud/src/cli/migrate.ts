/**
 * `npm run migrate`: apply pending migrations once per deploy, under a lock, so instances starting
 * together never race on the schema (production servers do not migrate at start; they refuse to
 * start while a migration is pending).
 *
 * MySQL/MariaDB: GET_LOCK('hub_migrate') held on its own connection for the whole run. SQLite: an
 * exclusive lock file next to the database (one machine).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { DataSource } from 'typeorm';
import { loadEnv } from '../config/env';
import { openDataSource, pendingMigrations } from './datasource';

const LOCK_NAME = 'hub_migrate';

export async function withMigrationLock<T>(ds: DataSource, dataDir: string, waitSeconds: number, work: () => Promise<T>): Promise<T> {
  if (ds.options.type === 'mysql') {
    const runner = ds.createQueryRunner();
    await runner.connect();
    try {
      const [row] = (await runner.query('SELECT GET_LOCK(?, ?) AS got', [LOCK_NAME, waitSeconds])) as Array<{ got: number | string | null }>;
      if (Number(row?.got) !== 1) throw new Error(`another migration holds the lock ${LOCK_NAME} (waited ${waitSeconds} s)`);
      try {
        return await work();
      } finally {
        await runner.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
      }
    } finally {
      await runner.release();
    }
  }
  const lockFile = path.join(dataDir, 'migrate.lock');
  const deadline = Date.now() + waitSeconds * 1000;
  let fd: number | null = null;
  while (fd === null) {
    try {
      fd = fs.openSync(lockFile, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || Date.now() > deadline) throw new Error(`another migration holds ${lockFile}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await work();
  } finally {
    fs.closeSync(fd);
    fs.rmSync(lockFile, { force: true });
  }
}

export async function migrate(log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<string[]> {
  const env = loadEnv();
  const ds = await openDataSource(env);
  try {
    return await withMigrationLock(ds, env.dataDir, 600, async () => {
      const pending = await pendingMigrations(ds);
      if (!pending.length) {
        log(`[migrate] ${env.dbKind}: schema up to date (${ds.migrations.length} migrations applied)`);
        return [];
      }
      log(`[migrate] ${env.dbKind}: applying ${pending.length}: ${pending.join(', ')}`);
      const done = await ds.runMigrations({ transaction: 'each' });
      log(`[migrate] done: ${done.length} applied`);
      return done.map((m) => m.name);
    });
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  migrate().then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(`[migrate] failed: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
