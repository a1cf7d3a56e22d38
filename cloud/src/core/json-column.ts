/**
 * The one way a JSON value lives in a text column (the same on SQLite and MariaDB):
 * `@Column({ type: 'text', transformer: jsonColumn<string[]>() })`. The entity property holds the value.
 */
import type { ValueTransformer } from 'typeorm';

export function jsonColumn<T>(): ValueTransformer {
  return {
    to: (v: T | null | undefined) => (v === undefined ? undefined : JSON.stringify(v ?? null)),
    from: (v: string | null) => (v == null ? (null as unknown as T) : (JSON.parse(v) as T)),
  };
}
