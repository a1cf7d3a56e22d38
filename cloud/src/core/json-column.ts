/**
 * The one way a JSON value lives in a text column (the same on SQLite and MariaDB):
 * `@Column({ type: 'text', transformer: jsonColumn<string[]>({ fallback: [] }) })`. The entity
 * property holds the value; the stored text is plain `JSON.stringify` (SQL NULL stays NULL for a
 * nullable column). Rows read with raw SQL go through `parseJsonText`, the same reader.
 */
import type { ValueTransformer } from 'typeorm';

/**
 * A JSON column's stored text as a value. Empty or unreadable text gives `fallback`: one bad stored
 * value must not turn every read of the row into a 500.
 */
export function parseJsonText<T>(text: string | null | undefined, fallback: T): T {
  if (text == null || text === '') return fresh(fallback);
  try {
    return JSON.parse(text) as T;
  } catch {
    return fresh(fallback);
  }
}

/** A copy of an object / array fallback, so a caller changing it does not change the next row's. */
const fresh = <T>(v: T): T => (v !== null && typeof v === 'object' ? structuredClone(v) : v);

export interface JsonColumnOptions<T> {
  /** What a NULL, empty or unreadable stored text reads as (default null). */
  fallback?: T;
  /** A null value is stored as SQL NULL (not the text "null"); for nullable columns. */
  nullable?: boolean;
}

export function jsonColumn<T>(options: JsonColumnOptions<T> = {}): ValueTransformer {
  const fallback = (options.fallback ?? null) as T;
  return {
    to: (v: T | null | undefined) => (v === undefined ? undefined : v === null && options.nullable ? null : JSON.stringify(v ?? null)),
    from: (v: string | null) => parseJsonText<T>(v, fallback),
  };
}

/** A JSON column read as a list of strings whatever it held (anything but an array reads as []). */
export function stringList(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
}
