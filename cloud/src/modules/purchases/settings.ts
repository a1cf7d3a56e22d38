/**
 * Settings of the purchases domain, read from the environment once. POS_KEY_SECRET derives every
 * store key's HMAC secret (so no secret is stored); it must be set in production.
 */
import { z } from 'zod';

const DEV_SECRET = 'dev-pos-key-secret-change-me';

const Schema = z.object({
  POS_KEY_SECRET: z.string().min(16).default(DEV_SECRET),
  /** Signed POS requests accepted per key per minute, chain-wide (all instances together, core/limits). */
  POS_PUSH_PER_MIN: z.coerce.number().int().min(1).default(120),
  /** Folder for uploaded import files (default DATA_DIR/imports). */
  PURCHASES_IMPORT_DIR: z.string().optional(),
  /** Member code validity in seconds (the mini-program rotates it every 60 s). */
  MEMBER_CODE_VALID_SECONDS: z.coerce.number().int().min(30).max(600).default(90),
  /** Coupon code signing key (journey coupons are redeemed by a code derived from their id). */
  COUPON_CODE_SECRET: z.string().min(16).default('dev-coupon-code-secret-change-me'),
});

export type PurchasesConfig = z.infer<typeof Schema>;

export function loadPurchasesConfig(source: NodeJS.ProcessEnv = process.env): PurchasesConfig {
  const parsed = Schema.safeParse(source);
  if (!parsed.success) throw new Error(`Invalid purchases configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (source.NODE_ENV === 'production' && parsed.data.POS_KEY_SECRET === DEV_SECRET) throw new Error('POS_KEY_SECRET must be set in production');
  return parsed.data;
}
