/**
 * Every setting comes from the environment, parsed once here. The README's configuration table
 * lists the same variables; keep the two in step.
 */
import * as path from 'path';
import { z } from 'zod';
import { parseKeyring } from '../core/pii';

const bool = z
  .enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no'])
  .transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(7001),
  HOST: z.string().default('0.0.0.0'),
  /** mysql://user:pass@host:port/db selects MySQL/MariaDB through mysql2; unset = embedded SQLite. */
  DATABASE_URL: z.string().optional(),
  /** Where the embedded database and uploads live. */
  DATA_DIR: z.string().default('data'),
  /** Public URL of this server, used in links and the sidebar's OAuth redirect. */
  PUBLIC_BASE_URL: z.string().optional(),
  /** Start the local WeChat/WeCom simulator in-process (never in production). */
  SIMULATOR: bool.optional(),
  SIMULATOR_PORT: z.coerce.number().int().min(0).max(65535).default(7071),
  SEED_DEMO: bool.optional(),
  /** On top of the demo seed: a live contest, classes, a channel code with customers (src/seed/showcase.service.ts). */
  SEED_SHOWCASE: bool.optional(),
  WECHAT_API_BASE: z.string().optional(),
  WECHAT_APPID: z.string().default('wx_dev_appid'),
  WECHAT_APPSECRET: z.string().default('dev_app_secret'),
  WECOM_API_BASE: z.string().optional(),
  WECOM_CORP_ID: z.string().default('ww_dev_corp'),
  /** Secret of the customer-contact (客户联系) app: external contacts, tags, welcome, contact ways. */
  WECOM_CONTACT_SECRET: z.string().default('dev_contact_secret'),
  WECOM_AGENT_ID: z.string().default('1000002'),
  /** Secret of the self-built app (自建应用) that hosts the sidebar: OAuth and JS-SDK tickets. */
  WECOM_AGENT_SECRET: z.string().default('dev_agent_secret'),
  WECOM_CALLBACK_TOKEN: z.string().default('dev_callback_token'),
  /** 43 characters, from the WeCom admin console. */
  WECOM_ENCODING_AES_KEY: z.string().length(43).default('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'),
  /** Member sessions live this many days; staff sessions 7 days. */
  MEMBER_SESSION_DAYS: z.coerce.number().int().positive().default(30),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  /** Keys for personal data at rest: "id:<base64 32 bytes>[,older…]"; the first encrypts (core/pii.ts). */
  PII_ENC_KEYS: z.string().optional(),
  /** HMAC key of the phone digests used for exact lookup (core/pii.ts). */
  PII_HASH_KEY: z.string().min(16).optional(),
  /** Behind a reverse proxy: take the client address from X-Forwarded-For (login and vote limits key on it). */
  TRUST_PROXY: bool.optional(),
  /** Secret that signs share tokens and rotating check-in codes; required in production. */
  SIGNING_SECRET: z.string().min(16).optional(),
});

const PRODUCTION_REQUIRED = [
  'DATABASE_URL',
  'PUBLIC_BASE_URL',
  'WECHAT_APPID',
  'WECHAT_APPSECRET',
  'WECOM_CORP_ID',
  'WECOM_CONTACT_SECRET',
  'WECOM_AGENT_ID',
  'WECOM_AGENT_SECRET',
  'WECOM_CALLBACK_TOKEN',
  'WECOM_ENCODING_AES_KEY',
  'PII_ENC_KEYS',
  'PII_HASH_KEY',
  'SIGNING_SECRET',
] as const;

export type AppEnv = z.infer<typeof EnvSchema> & {
  dbKind: 'sqlite' | 'mysql';
  simulatorEnabled: boolean;
  seedDemo: boolean;
  seedShowcase: boolean;
  wechatApiBase: string;
  wecomApiBase: string;
  dataDir: string;
};

export function loadEnv(source: NodeJS.ProcessEnv = process.env): AppEnv {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid environment configuration:\n${lines}`);
  }
  const env = parsed.data;
  const production = env.NODE_ENV === 'production';
  if (production) {
    // the dev defaults only fit the simulator: production must name every credential itself
    const missing = PRODUCTION_REQUIRED.filter((key) => !source[key]);
    if (missing.length) throw new Error(`Invalid environment configuration: production needs ${missing.join(', ')}`);
  }
  if (env.PII_ENC_KEYS) {
    try {
      parseKeyring(env.PII_ENC_KEYS);
    } catch (err) {
      throw new Error(`Invalid environment configuration:\n  ${(err as Error).message}`);
    }
  }
  const simulatorEnabled = production ? false : env.SIMULATOR ?? true;
  const simBase = `http://127.0.0.1:${env.SIMULATOR_PORT}`;
  if (production && (!env.WECHAT_API_BASE || !env.WECOM_API_BASE)) {
    // Production must name the real hosts explicitly; defaults exist only for the simulator.
    env.WECHAT_API_BASE ??= 'https://api.weixin.qq.com';
    env.WECOM_API_BASE ??= 'https://qyapi.weixin.qq.com';
  }
  const seedDemo = env.SEED_DEMO ?? env.NODE_ENV === 'development';
  return {
    ...env,
    dbKind: env.DATABASE_URL && /^mysql:\/\//.test(env.DATABASE_URL) ? 'mysql' : 'sqlite',
    simulatorEnabled,
    seedDemo,
    // needs the demo store; never in production (it drives the simulator)
    seedShowcase: !production && seedDemo && (env.SEED_SHOWCASE ?? env.NODE_ENV === 'development'),
    wechatApiBase: env.WECHAT_API_BASE ?? (simulatorEnabled ? `${simBase}/wechat` : 'https://api.weixin.qq.com'),
    wecomApiBase: env.WECOM_API_BASE ?? (simulatorEnabled ? `${simBase}/wecom` : 'https://qyapi.weixin.qq.com'),
    dataDir: path.resolve(process.cwd(), env.DATA_DIR),
  };
}
