/**
 * A TypeORM data source for the command-line tools (`npm run migrate`, `npm run admin`): the same
 * entities, migrations and settings as the server, without booting the web app.
 */
import * as path from 'path';
import { DataSource } from 'typeorm';
import { type AppEnv, loadEnv } from '../config/env';
import { dataSourceOptions, SRC_DIR } from '../config/runtime';

export async function openDataSource(env: AppEnv = loadEnv()): Promise<DataSource> {
  const ds = new DataSource({
    ...dataSourceOptions(env),
    // globs anchored at the sources (the server's are resolved by Midway against its baseDir)
    entities: [path.join(SRC_DIR, '**', '*.entity.{ts,js}')],
    migrationsRun: false,
  } as ConstructorParameters<typeof DataSource>[0]);
  await ds.initialize();
  return ds;
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  const applied = new Set<string>();
  const table = ds.options.migrationsTableName ?? 'migrations';
  const runner = ds.createQueryRunner();
  try {
    if (await runner.hasTable(table)) {
      for (const row of (await runner.query(`SELECT name FROM ${table}`)) as Array<{ name: string }>) applied.add(row.name);
    }
  } finally {
    await runner.release();
  }
  return ds.migrations.map((m) => m.name ?? m.constructor.name).filter((n) => !applied.has(n));
}
