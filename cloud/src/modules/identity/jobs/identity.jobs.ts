/** Identity housekeeping: idle login counters, phone numbers under a retired encryption key. */
import { Inject, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { Db } from '../../../core/db';
import { Job } from '../../../core/jobs';
import { currentPiiKeyId, decryptPii } from '../../../core/pii';
import { AuthService } from '../auth.service';
import { Member } from '../entities/member.entity';

@Provide()
@Scope(ScopeEnum.Singleton)
export class IdentityJobs {
  @Inject()
  auth!: AuthService;

  @Inject()
  db!: Db;

  @Job({ name: 'identity.login-attempts-purge', cron: '25 * * * *' })
  async purgeAttempts(): Promise<number> {
    return this.auth.purgeLoginAttempts();
  }

  /** After a key rotation (a new first key in PII_ENC_KEYS): re-encrypt under it, 500 rows a run. */
  @Job({ name: 'identity.pii-rekey', cron: '*/10 * * * *', leaseSeconds: 300 })
  async rekey(): Promise<number> {
    const current = `v1.${currentPiiKeyId()}.%`;
    const rows: Array<{ id: number | string; phone_enc: string }> = await this.db.manager.query(
      'SELECT id, phone_enc FROM member WHERE phone_enc IS NOT NULL AND phone_enc NOT LIKE ? ORDER BY id LIMIT 500',
      [current],
    );
    for (const r of rows) {
      // the column transformer encrypts under the current key; guarded by the old ciphertext (no lost update)
      await this.db.manager
        .createQueryBuilder()
        .update(Member)
        .set({ phone: decryptPii(r.phone_enc) })
        .where('id = :id AND phone_enc = :old', { id: Number(r.id), old: r.phone_enc })
        .updateEntity(false)
        .execute();
    }
    return rows.length;
  }
}
