/** The file-storage interface both implementations (local disk, S3) share, and its name rules. */
import type { Readable } from 'stream';

export const FILE_STORAGE = 'fileStorage';

/** 24 hex characters, optional _t (thumbnail), one of our extensions. Nothing else is ever stored or served. */
export const SAFE_FILE_NAME = /^[a-f0-9]{24}(?:_t)?\.(?:jpg|png|webp)$/;

export interface StoredFile {
  stream: Readable;
  size: number;
}

/** One stored object as list() reports it (the orphan sweep compares names with the upload rows). */
export interface StoredEntry {
  name: string;
  size: number;
  /** When it was written: a sweep leaves young files alone (their row may be on its way). */
  modifiedAt: Date;
}

export interface FileStorage {
  /** Store (or replace) the bytes under `name`. */
  put(name: string, data: Buffer): Promise<void>;
  /** The bytes as a stream, or null when there is no such file (or the name is not a safe one). */
  get(name: string): Promise<StoredFile | null>;
  exists(name: string): Promise<boolean>;
  /** Idempotent: deleting a missing file is fine. */
  delete(name: string): Promise<void>;
  /** Every stored file with a safe name, in no particular order, read page by page. */
  list(): AsyncIterable<StoredEntry>;
}

export function checkName(name: string): void {
  if (!SAFE_FILE_NAME.test(name)) throw new Error(`unsafe file name: ${name}`);
}
