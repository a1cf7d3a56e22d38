/**
 * Paths and the TypeORM data source options derived from the environment (shared by the Midway
 * config, the seed and the tests).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { DataSourceOptions, Logger as TypeormLogger } from 'typeorm';
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

/**
 * TypeORM's logger. Without one, @midwayjs/typeorm installs a logger built with logging on for
 * everything, so every query is formatted (SQL and its parameters stringified) and then dropped
 * at the warn level: CPU spent per query for nothing. This one does no work for queries, query
 * errors (they reach the caller, which decides), schema builds and migrations, and prints
 * TypeORM's own warnings.
 */
class QuietTypeormLogger implements TypeormLogger {
  logQuery(): void {}
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') console.warn(`[typeorm] ${String(message)}`);
  }
}

export function dataSourceOptions(env: AppEnv): DataSourceOptions {
  const common = {
    // both set: @midwayjs/typeorm replaces the logger whenever `logging` is left undefined
    logging: false,
    logger: new QuietTypeormLogger(),
    synchronize: false,
    // production migrates once per deploy (`npm run migrate`), never at every instance's start
    migrationsRun: env.migrateOnStart,
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
