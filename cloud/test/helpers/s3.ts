/**
 * A local S3-compatible server for one test file: s3rver, in-process on a spare loopback port with a
 * temp directory and one bucket, so the real @aws-sdk/client-s3 talks real S3 HTTP (signatures,
 * XML listings, 404s) to it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
const S3rver = require('s3rver');

export interface S3Handle {
  endpoint: string;
  bucket: string;
  /** UPLOAD_STORAGE=s3 and the S3_* variables that point the app at this server. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startS3(bucket = 'hub-test'): Promise<S3Handle> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-s3-'));
  // s3rver's default credentials are S3RVER / S3RVER; it checks the SigV4 signature with them
  const server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir, configureBuckets: [{ name: bucket }] });
  const addr = (await server.run()) as AddressInfo;
  const endpoint = `http://127.0.0.1:${addr.port}`;
  return {
    endpoint,
    bucket,
    env: {
      UPLOAD_STORAGE: 's3',
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: bucket,
      S3_ACCESS_KEY_ID: 'S3RVER',
      S3_SECRET_ACCESS_KEY: 'S3RVER',
      S3_FORCE_PATH_STYLE: '1',
      S3_PREFIX: 'uploads/',
    },
    stop: async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
