/**
 * Column builders for migrations written with TypeORM's Table API, so one migration set creates the
 * same schema on SQLite and MySQL/MariaDB. Times are UTC `datetime` (millisecond precision on MySQL).
 */
import type { QueryRunner, TableColumnOptions } from 'typeorm';

export function columnKit(queryRunner: QueryRunner) {
  const mysql = queryRunner.connection.driver.options.type === 'mysql';
  return {
    id: (): TableColumnOptions => ({ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' }),
    int: (name: string, opts: { nullable?: boolean; default?: number } = {}): TableColumnOptions => ({
      name,
      type: 'integer',
      isNullable: !!opts.nullable,
      ...(opts.default !== undefined ? { default: opts.default } : {}),
    }),
    str: (name: string, length: number, opts: { nullable?: boolean; default?: string } = {}): TableColumnOptions => ({
      name,
      type: 'varchar',
      length: String(length),
      isNullable: !!opts.nullable,
      ...(opts.default !== undefined ? { default: `'${opts.default.replace(/'/g, "''")}'` } : {}),
    }),
    text: (name: string, opts: { nullable?: boolean } = {}): TableColumnOptions => ({ name, type: 'text', isNullable: !!opts.nullable }),
    bool: (name: string, def: boolean): TableColumnOptions => ({ name, type: 'boolean', isNullable: false, default: def ? 1 : 0 }),
    time: (name: string, opts: { nullable?: boolean } = {}): TableColumnOptions => ({
      name,
      type: 'datetime',
      ...(mysql ? { precision: 3 } : {}),
      isNullable: !!opts.nullable,
    }),
  };
}
