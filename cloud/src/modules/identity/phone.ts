/** The member's phone number as stored: ciphertext (entity transformer) plus the keyed digest. */
import type { QueryRunner } from 'typeorm';
import { encryptPii, normalizePhone, phoneDigest } from '../../core/pii';

/** Both columns for a number given by a member or an import (null clears both). */
export function phoneColumns(raw: string | null | undefined): { phone: string | null; phoneDigest: string | null } {
  if (!raw) return { phone: null, phoneDigest: null };
  const normal = normalizePhone(raw);
  return { phone: normal ?? raw.trim(), phoneDigest: phoneDigest(raw) };
}

/** Migration helper (a migration file may export only its class). */
/** Existing clear numbers: encrypt, digest, then empty the old column (kept, unused: no table rebuild). */
export async function encryptClearPhones(queryRunner: Pick<QueryRunner, 'query'>): Promise<number> {
  let n = 0;
  for (;;) {
    const rows: Array<{ id: number | string; phone: string }> = await queryRunner.query(
      `SELECT id, phone FROM member WHERE phone IS NOT NULL ORDER BY id LIMIT 500`,
    );
    if (!rows.length) return n;
    for (const r of rows) {
      await queryRunner.query(`UPDATE member SET phone_enc = ?, phone_digest = ?, phone = NULL WHERE id = ?`, [
        encryptPii(r.phone),
        phoneDigest(r.phone),
        Number(r.id),
      ]);
      n++;
    }
  }
}
