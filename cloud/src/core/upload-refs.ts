/**
 * Which uploaded files are still in use, asked of every domain that keeps them (like the privacy
 * registry): a domain marks a method of a singleton provider with `@ReferencesUploads(source, columns)`
 * answering the upload ids and file names its records point at. The uploads sweep deletes only
 * files no domain claims (modules/uploads/sweep.ts), so uploads never reads another domain's tables.
 *
 * `columns` names the `table.column`s the method reads: a test checks that every column that looks
 * like it holds an image (url, file, photo, cover …) is covered by some source or listed as not one.
 */
import type { ClassType } from '@midwayjs/core';
import { ApplicationContext, type IMidwayContainer, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { EntityManager } from 'typeorm';
import { FILES_PATH } from '../../../contracts/uploads';

export interface UploadRefs {
  ids?: Iterable<number>;
  names?: Iterable<string>;
}

export type UploadReferrer = () => Promise<UploadRefs>;

const marked: Array<{ source: string; columns: string[]; target: ClassType<object>; method: string }> = [];

export function ReferencesUploads(source: string, columns: string[]): MethodDecorator {
  return (target, key) => {
    marked.push({ source, columns, target: (target as { constructor: (typeof marked)[number]['target'] }).constructor, method: String(key) });
  };
}

/** The `table.column`s every source declared (for the coverage test). */
export function declaredUploadColumns(): Array<{ source: string; column: string }> {
  return marked.flatMap((m) => m.columns.map((column) => ({ source: m.source, column })));
}

const FILE_NAME = /[a-f0-9]{24}(?:_t)?\.(?:jpg|png|webp)/g;
const IN_URL = new RegExp(`${FILES_PATH.replace(/\//g, '\\/')}\\/([a-f0-9]{24}(?:_t)?\\.(?:jpg|png|webp))`, 'g');

/** File names of our uploads inside a URL or any text (JSON with picUrl …). */
export function uploadNamesIn(text: string | null | undefined): string[] {
  if (!text) return [];
  return Array.from(text.matchAll(IN_URL), (m) => m[1]);
}

/**
 * For a domain's own table: the upload names its columns point at. `kind: 'url'` columns hold URLs
 * or text with URLs (only rows mentioning FILES_PATH are read); `kind: 'name'` columns hold bare names.
 */
export async function uploadNamesInColumns(em: EntityManager, table: string, columns: Array<{ column: string; kind: 'url' | 'name' }>): Promise<string[]> {
  const out: string[] = [];
  for (const { column, kind } of columns) {
    const where = kind === 'url' ? `${column} LIKE '%${FILES_PATH}/%'` : `${column} IS NOT NULL`;
    const rows = (await em.query(`SELECT ${column} AS v FROM ${table} WHERE ${where}`)) as Array<{ v: string | null }>;
    for (const r of rows) {
      if (kind === 'url') out.push(...uploadNamesIn(r.v));
      else if (r.v) out.push(...(String(r.v).match(FILE_NAME) ?? []));
    }
  }
  return out;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class UploadReferenceRegistry {
  @ApplicationContext()
  container!: IMidwayContainer;

  private extra = new Map<string, UploadReferrer>();

  /** Tests and late-bound sources may add one directly. */
  register(source: string, referrer: UploadReferrer): void {
    this.extra.set(source, referrer);
  }

  sources(): string[] {
    return [...new Set([...marked.map((m) => m.source), ...this.extra.keys()])];
  }

  /** Everything every domain points at now. A source that fails fails the whole answer (never sweep on a partial view). */
  async collect(): Promise<{ ids: Set<number>; names: Set<string> }> {
    const ids = new Set<number>();
    const names = new Set<string>();
    const referrers: UploadReferrer[] = [...this.extra.values()];
    for (const m of marked) {
      const instance = (await this.container.getAsync(m.target)) as Record<string, UploadReferrer>;
      referrers.push(() => instance[m.method]());
    }
    for (const referrer of referrers) {
      const refs = await referrer();
      for (const id of refs.ids ?? []) ids.add(Number(id));
      for (const n of refs.names ?? []) names.add(n);
    }
    return { ids, names };
  }
}
