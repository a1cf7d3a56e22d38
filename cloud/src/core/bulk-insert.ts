/**
 * Multi-row INSERT with plain `?` placeholders, for bulk writers (journey evaluation, outbound
 * fan-out). TypeORM's query builder names and scans every parameter, which grows quadratically with
 * hundreds of rows; this builds the statement directly. Values: string | number | null | Date |
 * boolean (stored as the drivers store them: UTC datetime text on SQLite, 0/1 for booleans).
 */
import type { EntityManager } from 'typeorm';
import { rawTime } from './db';

export type BulkValue = string | number | boolean | Date | null;

/**
 * `ignoreDuplicate`: a unique column, or `true` for any unique key of the table (composite ones
 * too); rows whose key is already there are skipped instead of failing.
 */
export async function bulkInsert(
  em: EntityManager,
  table: string,
  columns: string[],
  rows: BulkValue[][],
  opts: { ignoreDuplicate?: string | true; chunk?: number } = {},
): Promise<void> {
  const chunk = opts.chunk ?? 1000;
  const sqlite = em.connection.options.type !== 'mysql';
  const q = (name: string) => (sqlite ? `"${name}"` : `\`${name}\``);
  const value = (v: BulkValue): string | number | null | Date => {
    if (v instanceof Date) return rawTime(sqlite ? 'sqlite' : 'mysql', v);
    if (typeof v === 'boolean') return v ? 1 : 0;
    return v;
  };
  const tuple = `(${columns.map(() => '?').join(',')})`;
  const key = opts.ignoreDuplicate === true ? columns[0] : opts.ignoreDuplicate;
  const target = opts.ignoreDuplicate === true ? '' : `(${q(key!)})`;
  const onDup = !key ? '' : sqlite ? ` ON CONFLICT${target} DO NOTHING` : ` ON DUPLICATE KEY UPDATE ${q(key)} = ${q(key)}`;
  for (let i = 0; i < rows.length; i += chunk) {
    const part = rows.slice(i, i + chunk);
    const params: Array<string | number | null | Date> = [];
    for (const r of part) for (const v of r) params.push(value(v));
    await em.query(`INSERT INTO ${q(table)} (${columns.map(q).join(',')}) VALUES ${new Array(part.length).fill(tuple).join(',')}${onDup}`, params);
  }
}
