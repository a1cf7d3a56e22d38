/**
 * Where uploaded bytes live: one small interface (put / get / delete / list, plus a cheap exists)
 * with two implementations chosen by UPLOAD_STORAGE — the local disk (the dev default) and an
 * S3-compatible bucket (COS, OSS, S3; s3-storage.ts). Callers inject FILE_STORAGE and never know
 * which. Names are opaque, flat and safe (checked by SAFE_FILE_NAME before any key or path is built).
 */
import * as fs from 'fs';
import * as path from 'path';
import { randomBytes } from 'crypto';
import { Config, Init, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { AppEnv } from '../../config/env';
import { loadStorageSettings } from './storage-settings';

export { FILE_STORAGE, SAFE_FILE_NAME, checkName, type FileStorage, type StoredEntry, type StoredFile } from './file-storage';
import { checkName, FILE_STORAGE, SAFE_FILE_NAME, type FileStorage, type StoredEntry, type StoredFile } from './file-storage';

/** DATA_DIR/uploads/<first two chars>/<name>; writes go to a temp file and are renamed into place. */
export class LocalDiskStorage implements FileStorage {
  constructor(readonly root: string) {}

  static at(root: string): LocalDiskStorage {
    return new LocalDiskStorage(root);
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

  async get(name: string): Promise<StoredFile | null> {
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

  async delete(name: string): Promise<void> {
    await fs.promises.rm(this.file(name), { force: true });
  }

  async *list(): AsyncIterable<StoredEntry> {
    let shards: string[];
    try {
      shards = await fs.promises.readdir(this.root);
    } catch {
      return; // nothing uploaded yet
    }
    for (const shard of shards.sort()) {
      if (!/^[a-f0-9]{2}$/.test(shard)) continue;
      let names: string[];
      try {
        names = await fs.promises.readdir(path.join(this.root, shard));
      } catch {
        continue;
      }
      for (const name of names.sort()) {
        // temp files of a write in progress (and anything else) are not ours to report
        if (!SAFE_FILE_NAME.test(name)) continue;
        try {
          const st = await fs.promises.stat(path.join(this.root, shard, name));
          if (st.isFile()) yield { name, size: st.size, modifiedAt: st.mtime };
        } catch {
          // deleted meanwhile
        }
      }
    }
  }
}

/**
 * The FILE_STORAGE every caller injects: the local disk under DATA_DIR/uploads, or the
 * S3-compatible bucket when UPLOAD_STORAGE=s3 (loaded lazily: the SDK is not needed on disk).
 */
@Provide(FILE_STORAGE)
@Scope(ScopeEnum.Singleton)
export class ConfiguredFileStorage implements FileStorage {
  @Config('hub')
  env!: AppEnv;

  private impl!: FileStorage;

  /** Which implementation is in use (`local` or `s3`), for logs and tests. */
  kind: 'local' | 's3' = 'local';

  @Init()
  init(): void {
    const settings = loadStorageSettings(process.env, this.env.NODE_ENV);
    if (settings.kind === 's3') {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: the S3 SDK loads only when configured
      const { S3FileStorage } = require('./s3-storage') as typeof import('./s3-storage');
      this.impl = new S3FileStorage(settings.s3);
      this.kind = 's3';
    } else {
      this.impl = new LocalDiskStorage(path.join(this.env.dataDir, 'uploads'));
    }
  }

  put(name: string, data: Buffer): Promise<void> {
    return this.impl.put(name, data);
  }

  get(name: string): Promise<StoredFile | null> {
    return this.impl.get(name);
  }

  exists(name: string): Promise<boolean> {
    return this.impl.exists(name);
  }

  delete(name: string): Promise<void> {
    return this.impl.delete(name);
  }

  list(): AsyncIterable<StoredEntry> {
    return this.impl.list();
  }
}
