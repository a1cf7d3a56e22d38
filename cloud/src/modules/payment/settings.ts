/**
 * WeChat Pay settings, read from the environment once. Outside production the defaults point at
 * the simulator's /pay face (next to WECHAT_API_BASE) with keys generated in this process
 * (config/pay-dev-keys.ts); production must give every credential or the server refuses to start.
 */
import { Config, Init, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import { z } from 'zod';
import type { AppEnv } from '../../config/env';
import { devPayKeys } from '../../config/pay-dev-keys';

const Schema = z.object({
  WECHATPAY_API_BASE: z.string().url().optional(),
  WECHATPAY_MCHID: z.string().min(1).optional(),
  /** Serial number of the merchant API certificate. */
  WECHATPAY_MERCHANT_SERIAL: z.string().min(1).optional(),
  /** Merchant API private key, PEM (newlines may be written as \n). */
  WECHATPAY_MERCHANT_PRIVATE_KEY: z.string().min(1).optional(),
  /** WeChat Pay public key id (PUB_KEY_ID_…) and the public key, PEM. */
  WECHATPAY_PUBLIC_KEY_ID: z.string().min(1).optional(),
  WECHATPAY_PUBLIC_KEY: z.string().min(1).optional(),
  /** The 32-character APIv3 key. */
  WECHATPAY_APIV3_KEY: z.string().length(32).optional(),
  /** Where WeChat Pay posts notifications (https in production); default PUBLIC_BASE_URL + /api/pay/notify. */
  WECHATPAY_NOTIFY_URL: z.string().url().optional(),
  /** Unpaid pre-orders give their stock back after this many minutes. */
  PREORDER_PAY_MINUTES: z.coerce.number().int().min(1).max(120).default(15),
});

export interface PayConfig {
  baseUrl: string;
  appid: string;
  mchid: string;
  merchantSerial: string;
  merchantPrivateKey: string;
  platformPublicKeyId: string;
  platformPublicKey: string;
  apiV3Key: string;
  notifyUrl: string;
  payMinutes: number;
  /** The simulator's control URL when the pay face is the simulator (dev H5 cashier), else null. */
  simulatorUrl: string | null;
}

const pem = (v: string) => v.replace(/\\n/g, '\n');

export function loadPayConfig(env: AppEnv, source: NodeJS.ProcessEnv = process.env): PayConfig {
  const parsed = Schema.safeParse(source);
  if (!parsed.success) throw new Error(`Invalid WeChat Pay configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const c = parsed.data;
  const production = env.NODE_ENV === 'production';
  const given = [
    c.WECHATPAY_MCHID,
    c.WECHATPAY_MERCHANT_SERIAL,
    c.WECHATPAY_MERCHANT_PRIVATE_KEY,
    c.WECHATPAY_PUBLIC_KEY_ID,
    c.WECHATPAY_PUBLIC_KEY,
    c.WECHATPAY_APIV3_KEY,
  ];
  if (production && given.some((v) => !v)) {
    throw new Error(
      'Invalid WeChat Pay configuration: production needs WECHATPAY_MCHID, WECHATPAY_MERCHANT_SERIAL, WECHATPAY_MERCHANT_PRIVATE_KEY, WECHATPAY_PUBLIC_KEY_ID, WECHATPAY_PUBLIC_KEY, WECHATPAY_APIV3_KEY',
    );
  }
  const dev = given.every(Boolean) ? null : devPayKeys();
  // the simulator's faces sit side by side: …/wechat → …/pay
  const simBase = !production && /\/wechat\/?$/.test(env.wechatApiBase) ? env.wechatApiBase.replace(/\/wechat\/?$/, '') : null;
  const baseUrl = c.WECHATPAY_API_BASE ?? (simBase ? `${simBase}/pay/` : 'https://api.mch.weixin.qq.com/');
  const publicBase = (env.PUBLIC_BASE_URL ?? `http://127.0.0.1:${env.PORT}`).replace(/\/+$/, '');
  return {
    baseUrl: baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`,
    appid: env.WECHAT_APPID,
    mchid: c.WECHATPAY_MCHID ?? dev!.mchid,
    merchantSerial: c.WECHATPAY_MERCHANT_SERIAL ?? dev!.merchantSerial,
    merchantPrivateKey: c.WECHATPAY_MERCHANT_PRIVATE_KEY ? pem(c.WECHATPAY_MERCHANT_PRIVATE_KEY) : dev!.merchantPrivateKey,
    platformPublicKeyId: c.WECHATPAY_PUBLIC_KEY_ID ?? dev!.platformPublicKeyId,
    platformPublicKey: c.WECHATPAY_PUBLIC_KEY ? pem(c.WECHATPAY_PUBLIC_KEY) : dev!.platformPublicKey,
    apiV3Key: c.WECHATPAY_APIV3_KEY ?? dev!.apiV3Key,
    notifyUrl: c.WECHATPAY_NOTIFY_URL ?? `${publicBase}/api/pay/notify`,
    payMinutes: c.PREORDER_PAY_MINUTES,
    simulatorUrl: !production && simBase && !c.WECHATPAY_API_BASE ? simBase : null,
  };
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class PaySettings {
  @Config('hub')
  env!: AppEnv;

  config!: PayConfig;

  @Init()
  init(): void {
    this.config = loadPayConfig(this.env);
  }
}
