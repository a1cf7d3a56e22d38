/**
 * Multi-row INSERT text for the ledger's bulk writes on MariaDB. `core/bulk-insert` passes
 * thousands of `?` values per statement, which mysql2 escapes one by one (a generic escaper, a
 * Date formatter per date); at a million lines that was a tenth of the import's CPU. Here the
 * common values (numbers, plain text, the same few dates) are written straight into the text,
 * and only text with characters MySQL needs escaped goes through mysql2's own `escape`.
 * The connection runs with `timezone: 'Z'`, so dates are written as UTC, as the driver would.
 */
import { escape } from 'mysql2';
import type { EntityManager } from 'typeorm';
import type { BulkValue } from '../../core/bulk-insert';

// the characters mysql2's escape rewrites (NUL, backspace, tab, newline, return, ^Z, quotes, backslash)
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[\0\b\t\n\r\x1a"'\\]/;

export function sqlDate(d: Date): string {
  return `'${d.toISOString().slice(0, 23).replace('T', ' ')}'`;
}

export function sqlValue(v: BulkValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
  if (typeof v === 'string') return NEEDS_ESCAPE.test(v) ? escape(v) : `'${v}'`;
  if (typeof v === 'boolean') return v ? '1' : '0';
  return sqlDate(v);
}

/** `(a,b,c)` for one row. */
export function sqlTuple(row: BulkValue[]): string {
  let s = '(';
  for (let i = 0; i < row.length; i++) s += (i ? ',' : '') + sqlValue(row[i]);
  return s + ')';
}

/** INSERT … VALUES of ready tuples (MariaDB only), in statements of `chunk` rows; `ignoreKey` skips rows whose unique key is there. */
export async function insertTuples(
  em: EntityManager,
  table: string,
  columns: string[],
  tuples: string[],
  opts: { ignoreKey?: string; chunk?: number } = {},
): Promise<void> {
  const chunk = opts.chunk ?? 1000;
  const head = `INSERT INTO \`${table}\` (${columns.map((c) => `\`${c}\``).join(',')}) VALUES `;
  const tail = opts.ignoreKey ? ` ON DUPLICATE KEY UPDATE \`${opts.ignoreKey}\` = \`${opts.ignoreKey}\`` : '';
  for (let i = 0; i < tuples.length; i += chunk) await em.query(head + tuples.slice(i, i + chunk).join(',') + tail);
}
