/** Health (database kind and migration state) and the public client configuration. */
import { App, Config, type IMidwayApplication, Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { CURRENT_PRIVACY_VERSION } from '../../../../contracts/identity';
import type { RouteResponse } from '../../../../contracts/route';
import type * as systemApi from '../../../../contracts/system';
import type { AppEnv } from '../../config/env';
import { Db } from '../../core/db';

type Health = RouteResponse<typeof systemApi.health>;
type PublicConfig = RouteResponse<typeof systemApi.publicConfig>;

/** 'IdentityTables1763800000100' -> '1763800000100'. */
function schemaVersion(migrationName: string): string | null {
  return /(\d{13})$/.exec(migrationName)?.[1] ?? null;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class SystemService {
  @Inject()
  db!: Db;

  @Config('hub')
  env!: AppEnv;

  @App()
  app!: IMidwayApplication;

  /** Names of the migrations this build ships (what the data source loaded). */
  loadedMigrations(): string[] {
    return this.db.dataSource.migrations.map((m) => m.name ?? m.constructor.name);
  }

  async health(): Promise<Health> {
    const loaded = this.loadedMigrations();
    const table = this.db.dataSource.options.migrationsTableName ?? 'migrations';
    let applied: string[] = [];
    let reachable = true;
    try {
      const rows: Array<{ name: string }> = await this.db.dataSource.query(`SELECT name FROM ${table} ORDER BY timestamp ASC, id ASC`);
      applied = rows.map((r) => r.name);
    } catch {
      reachable = false;
    }
    const appliedSet = new Set(applied);
    const pending = loaded.filter((n) => !appliedSet.has(n)).length;
    return {
      status: reachable && pending === 0 ? 'ok' : 'degraded',
      time: new Date().toISOString(),
      db: {
        kind: this.db.kind,
        // public: the schema version (the last migration's timestamp), never the migration names
        migrations: { applied: applied.length, pending, last: applied.length ? schemaVersion(applied[applied.length - 1]) : null },
      },
    };
  }

  publicConfig(): PublicConfig {
    const env = this.env;
    return {
      env: env.NODE_ENV,
      privacyVersion: CURRENT_PRIVACY_VERSION,
      wecom: { corpId: env.WECOM_CORP_ID, agentId: env.WECOM_AGENT_ID },
      // the address the in-process simulator really bound (set at start), else the configured one
      simulator: env.simulatorEnabled
        ? { baseUrl: (this.app.getAttr<string>('simulatorUrl') ?? `http://127.0.0.1:${env.SIMULATOR_PORT}`).replace(/\/$/, '') }
        : null,
    };
  }
}
