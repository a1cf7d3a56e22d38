import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Cached platform credentials (access_token, jsapi tickets) shared by every server instance.
 * `key` names the credential, e.g. `wecom:<corpid>:agent:<agentid>`. Column names are spelled
 * out so the migration and any naming strategy agree; `cache_key` avoids MySQL's reserved KEY.
 */
@Entity({ name: 'platform_token' })
@Index('uq_platform_token_key', ['key'], { unique: true })
export class PlatformToken {
  @PrimaryGeneratedColumn({ type: 'integer', name: 'id' })
  id!: number;

  @Column({ type: 'varchar', length: 191, name: 'cache_key' })
  key!: string;

  @Column({ type: 'text', name: 'value' })
  value!: string;

  /** When the platform stops accepting the value (UTC). */
  @Column({ type: 'datetime', name: 'expires_at' })
  expiresAt!: Date;

  /** Written by our code, not a generated column (TypeORM's MySQL upsert trips over those). */
  @Column({ type: 'datetime', name: 'updated_at' })
  updatedAt!: Date;
}
