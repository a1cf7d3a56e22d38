/**
 * Where uploaded bytes live. One small interface so an object-storage implementation (COS/OSS)
 * can replace the local disk without touching the callers; names are opaque, flat and safe
 * (checked by SAFE_FILE_NAME before any path is built).
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import type { Readable } from 'stream';
import { Config, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { AppEnv } from '../../config/env';

export const FILE_STORAGE = 'fileStorage';

/** 24 hex characters, optional _t (thumbnail), one of our extensions. Nothing else is ever stored or served. */
export const SAFE_FILE_NAME = /^[a-f0-9]{24}(?:_t)?\.(?:jpg|png|webp)$/;

export interface StoredFile {
  stream: Readable;
  size: number;
}

export interface FileStorage {
  put(name: string, data: Buffer): Promise<void>;
  open(name: string): Promise<StoredFile | null>;
  exists(name: string): Promise<boolean>;
  remove(name: string): Promise<void>;
}

/** A storage that can list what it holds (the orphaned-file sweep); object stores list by prefix. */
export interface ListableStorage {
  list(): AsyncIterable<{ name: string; modifiedAt: Date }>;
}

export function canList(storage: FileStorage): storage is FileStorage & ListableStorage {
  return typeof (storage as Partial<ListableStorage>).list === 'function';
}

function checkName(name: string): void {
  if (!SAFE_FILE_NAME.test(name)) throw new Error(`unsafe file name: ${name}`);
}

/** DATA_DIR/uploads/<first two chars>/<name>; writes go to a temp file and are renamed into place. */
@Provide(FILE_STORAGE)
@Scope(ScopeEnum.Singleton)
export class LocalDiskStorage implements FileStorage, ListableStorage {
  @Config('hub')
  env?: AppEnv;

  private rootDir?: string;

  static at(root: string): LocalDiskStorage {
    const s = new LocalDiskStorage();
    s.rootDir = root;
    return s;
  }

  get root(): string {
    if (this.rootDir) return this.rootDir;
    if (!this.env) throw new Error('hub config missing');
    return path.join(this.env.dataDir, 'uploads');
  }

  private file(name: string): string {
    checkName(name);
    return path.join(this.root, name.slice(0, 2), name);
  }

  async put(name: string, data: Buffer): Promise<void> {
    const target = this.file(name);
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
    await fs.promises.writeFile(tmp, data);
    await fs.promises.rename(tmp, target);
  }

  async open(name: string): Promise<StoredFile | null> {
    if (!SAFE_FILE_NAME.test(name)) return null;
    const file = this.file(name);
    try {
      const st = await fs.promises.stat(file);
      if (!st.isFile()) return null;
      return { stream: fs.createReadStream(file), size: st.size };
    } catch {
      return null;
    }
  }

  async exists(name: string): Promise<boolean> {
    if (!SAFE_FILE_NAME.test(name)) return false;
    try {
      return (await fs.promises.stat(this.file(name))).isFile();
    } catch {
      return false;
    }
  }

  async remove(name: string): Promise<void> {
    await fs.promises.rm(this.file(name), { force: true });
  }

  /** Every stored file (only our own names; half-written temp files are skipped). */
  async *list(): AsyncIterable<{ name: string; modifiedAt: Date }> {
    let dirs: string[];
    try {
      dirs = await fs.promises.readdir(this.root);
    } catch {
      return;
    }
    for (const dir of dirs) {
      if (!/^[a-f0-9]{2}$/.test(dir)) continue;
      const names = await fs.promises.readdir(path.join(this.root, dir)).catch(() => [] as string[]);
      for (const name of names) {
        if (!SAFE_FILE_NAME.test(name) || name.slice(0, 2) !== dir) continue;
        const st = await fs.promises.stat(path.join(this.root, dir, name)).catch(() => null);
        if (st?.isFile()) yield { name, modifiedAt: st.mtime };
      }
    }
  }
}
