/**
 * WeChat Pay key material for development and tests only: a merchant key pair (we sign requests
 * with the private half; the simulator verifies with the public half) and a platform key pair (the
 * simulator signs answers and notifications; we verify with the public half, as with WeChat Pay's
 * public-key mode, id PUB_KEY_ID_…), plus a 32-byte APIv3 key for the AES-256-GCM resources.
 * Generated once per process; nothing is written to disk or committed. Production reads real keys
 * from the environment (cloud/src/modules/payment/settings.ts) and never calls this.
 */
import { generateKeyPairSync, randomBytes } from 'crypto';

export interface DevPayKeys {
  mchid: string;
  merchantSerial: string;
  merchantPrivateKey: string;
  merchantPublicKey: string;
  platformPublicKeyId: string;
  platformPrivateKey: string;
  platformPublicKey: string;
  apiV3Key: string;
}

const SLOT = Symbol.for('community-hub.devPayKeys');

function pair() {
  return generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

export function devPayKeys(): DevPayKeys {
  const g = globalThis as unknown as Record<symbol, DevPayKeys | undefined>;
  if (!g[SLOT]) {
    const merchant = pair();
    const platform = pair();
    g[SLOT] = {
      mchid: '1900000109',
      merchantSerial: randomBytes(20).toString('hex').toUpperCase(),
      merchantPrivateKey: merchant.privateKey,
      merchantPublicKey: merchant.publicKey,
      platformPublicKeyId: `PUB_KEY_ID_0119000001092026${randomBytes(6).toString('hex').toUpperCase()}`,
      platformPrivateKey: platform.privateKey,
      platformPublicKey: platform.publicKey,
      // APIv3 keys are 32 printable characters
      apiV3Key: randomBytes(24).toString('base64url').slice(0, 32),
    };
  }
  return g[SLOT]!;
}
