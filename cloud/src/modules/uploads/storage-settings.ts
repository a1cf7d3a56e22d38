/**
 * Where uploads are stored, read from the environment once. UPLOAD_STORAGE=local (the default: the
 * disk under DATA_DIR/uploads) or s3 (an S3-compatible bucket: Tencent COS, Alibaba OSS, AWS S3,
 * MinIO …, through @aws-sdk/client-s3). Several instances or cloud functions need s3: their disks
 * are not shared.
 */
import { z } from 'zod';

const bool = z.enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no']).transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

const Schema = z.object({
  UPLOAD_STORAGE: z.enum(['local', 's3']).default('local'),
  /** e.g. https://cos.ap-shanghai.myqcloud.com (COS), https://oss-cn-hangzhou.aliyuncs.com (OSS); unset = AWS. */
  S3_ENDPOINT: z.string().url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  S3_BUCKET: z.string().min(3).max(63).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style URLs (endpoint/bucket/key): MinIO and local servers need it; COS and OSS want virtual-hosted (off). */
  S3_FORCE_PATH_STYLE: bool.default(false),
  /** Key prefix inside the bucket, so one bucket can hold several environments. */
  S3_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*\/$/, 'letters, digits, . _ - and /, ending with /')
    .default('uploads/'),
});

export interface S3Settings {
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  prefix: string;
}

export type StorageSettings = { kind: 'local' } | { kind: 's3'; s3: S3Settings };

export function loadStorageSettings(source: NodeJS.ProcessEnv = process.env, nodeEnv?: string): StorageSettings {
  const parsed = Schema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid upload storage configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const c = parsed.data;
  if (c.UPLOAD_STORAGE === 'local') return { kind: 'local' };
  if (!c.S3_BUCKET) throw new Error('Invalid upload storage configuration: UPLOAD_STORAGE=s3 needs S3_BUCKET');
  // the SDK's default credential chain (instance roles) is fine; half a key pair never is
  if (!!c.S3_ACCESS_KEY_ID !== !!c.S3_SECRET_ACCESS_KEY)
    throw new Error('Invalid upload storage configuration: set both S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY, or neither');
  if ((nodeEnv ?? source.NODE_ENV ?? 'production') === 'production' && c.S3_ENDPOINT && !c.S3_ENDPOINT.startsWith('https://')) {
    throw new Error('Invalid upload storage configuration: production needs an https:// S3_ENDPOINT');
  }
  return {
    kind: 's3',
    s3: {
      endpoint: c.S3_ENDPOINT,
      region: c.S3_REGION,
      bucket: c.S3_BUCKET,
      accessKeyId: c.S3_ACCESS_KEY_ID,
      secretAccessKey: c.S3_SECRET_ACCESS_KEY,
      forcePathStyle: c.S3_FORCE_PATH_STYLE,
      prefix: c.S3_PREFIX,
    },
  };
}
