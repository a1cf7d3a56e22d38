/**
 * Paths and the TypeORM data source options derived from the environment (shared by the Midway
 * config, the seed and the tests).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { DataSourceOptions } from 'typeorm';
import type { AppEnv } from './env';
import type { WebApp } from '../core/web.middleware';

/** cloud/src (when run from TypeScript) or cloud/dist/cloud/src (compiled). */
export const SRC_DIR = path.resolve(__dirname, '..');

/** The repository root: the first folder above src that holds package.json and contracts/. */
export function repoRoot(from = SRC_DIR): string {
  let dir = from;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'contracts'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(SRC_DIR, '..', '..');
    dir = up;
  }
}

export function dataSourceOptions(env: AppEnv): DataSourceOptions {
  const common = {
    synchronize: false,
    migrationsRun: true,
    // each migration in its own transaction: a failure leaves the earlier ones applied and recorded
    migrationsTransactionMode: 'each' as const,
    entities: ['**/*.entity.ts', '**/*.entity.js'] as unknown as DataSourceOptions['entities'],
    migrations: [path.join(SRC_DIR, '**', 'migrations', '*.{ts,js}')],
  };
  if (env.dbKind === 'mysql') {
    return {
      ...common,
      type: 'mysql',
      url: env.DATABASE_URL,
      timezone: 'Z',
      charset: 'utf8mb4',
      extra: { connectionLimit: 10 },
    };
  }
  fs.mkdirSync(env.dataDir, { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: path.join(env.dataDir, 'hub.sqlite'),
    enableWAL: true,
    // wait this long for a lock held by another process instead of failing with SQLITE_BUSY
    timeout: 5000,
  };
}

export function webApps(root = repoRoot()): WebApp[] {
  return [
    { name: 'h5', prefix: '/h5', dir: path.join(root, 'dist', 'h5') },
    { name: 'admin', prefix: '/admin', dir: path.join(root, 'web', 'dist', 'admin') },
    { name: 'sidebar', prefix: '/sidebar', dir: path.join(root, 'web', 'dist', 'sidebar') },
  ];
}
