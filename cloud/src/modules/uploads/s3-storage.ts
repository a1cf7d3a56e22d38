/**
 * Uploads in an S3-compatible bucket (Tencent COS, Alibaba OSS, AWS S3 and MinIO all speak the S3
 * API) through the official @aws-sdk/client-s3. Objects are private: members' photos are served by
 * our file route streaming from the bucket (GET /api/files/:name), so deleting an account's photos
 * takes effect at our URL, and a CDN may sit in front of that route.
 */
import type { Readable } from 'stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { checkName, type FileStorage, SAFE_FILE_NAME, type StoredEntry, type StoredFile } from './file-storage';
import type { S3Settings } from './storage-settings';

const CONTENT_TYPES: Record<string, string> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

function notFound(err: unknown): boolean {
  if (!(err instanceof S3ServiceException)) return false;
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata?.httpStatusCode === 404;
}

export class S3FileStorage implements FileStorage {
  readonly client: S3Client;

  constructor(
    private readonly s: S3Settings,
    client?: S3Client,
  ) {
    this.client =
      client ??
      new S3Client({
        region: s.region,
        endpoint: s.endpoint,
        forcePathStyle: s.forcePathStyle,
        credentials: s.accessKeyId && s.secretAccessKey ? { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } : undefined,
        // a slow bucket must not hold a request for ever; the SDK retries throttling and 5xx itself
        maxAttempts: 3,
      });
  }

  private key(name: string): string {
    checkName(name);
    return `${this.s.prefix}${name}`;
  }

  async put(name: string, data: Buffer): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.s.bucket,
        Key: this.key(name),
        Body: data,
        ContentLength: data.length,
        ContentType: CONTENT_TYPES[name.split('.').pop() ?? ''] ?? 'application/octet-stream',
      }),
    );
  }

  async get(name: string): Promise<StoredFile | null> {
    if (!SAFE_FILE_NAME.test(name)) return null;
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.s.bucket, Key: this.key(name) }));
      if (!r.Body) return null;
      return { stream: r.Body as Readable, size: Number(r.ContentLength ?? 0) };
    } catch (err) {
      if (notFound(err)) return null;
      throw err;
    }
  }

  async exists(name: string): Promise<boolean> {
    if (!SAFE_FILE_NAME.test(name)) return false;
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.s.bucket, Key: this.key(name) }));
      return true;
    } catch (err) {
      if (notFound(err)) return false;
      throw err;
    }
  }

  async delete(name: string): Promise<void> {
    // S3 answers 204 for a missing key too: idempotent as the interface asks
    await this.client.send(new DeleteObjectCommand({ Bucket: this.s.bucket, Key: this.key(name) }));
  }

  async *list(): AsyncIterable<StoredEntry> {
    // paged by StartAfter (the last key seen), which every S3-compatible service supports; keys come
    // back in order, so this is the same walk as continuation tokens without their opaque state
    let after: string | undefined;
    for (;;) {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.s.bucket, Prefix: this.s.prefix, StartAfter: after, MaxKeys: 1000 }));
      const contents = page.Contents ?? [];
      for (const o of contents) {
        const name = (o.Key ?? '').slice(this.s.prefix.length);
        // keys under a deeper "folder" or not made by us are not reported
        if (!SAFE_FILE_NAME.test(name)) continue;
        yield { name, size: Number(o.Size ?? 0), modifiedAt: o.LastModified ?? new Date(0) };
      }
      if (!page.IsTruncated || !contents.length) return;
      after = contents[contents.length - 1].Key;
    }
  }
}
