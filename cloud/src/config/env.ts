/**
 * Every setting comes from the environment, parsed once here. The README's configuration table
 * lists the same variables; keep the two in step.
 */
import * as path from 'path';
import { z } from 'zod';
import { parseKeyring } from '../core/pii';

const bool = z.enum(['1', '0', 'true', 'false', 'on', 'off', 'yes', 'no']).transform((v) => ['1', 'true', 'on', 'yes'].includes(v));

const EnvSchema = z.object({
  /** Unset = production rules: the server never guesses it is on a developer's machine (`npm start` sets development). */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('production'),
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
  /** With the demo seed: a year of till receipts (default on; tests that do not read them switch it off to start faster). */
  SEED_DEMO_RECEIPTS: bool.optional(),
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
  /** `json` (one JSON object per line, the production default) or `text`. */
  LOG_FORMAT: z.enum(['json', 'text']).optional(),
  /**
   * Who may set X-Forwarded-For: comma-separated IPs / CIDRs of the load balancers (e.g.
   * `10.0.0.0/8,127.0.0.1`). Unset = nobody: the socket's address is the client IP.
   */
  TRUSTED_PROXIES: z.string().optional(),
  /** redis://… shares limits and locks across instances in Redis; unset = in the database. */
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  /** When set, /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`. */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * Development and browser tests only (refused in production): jobs that run every minute run
   * every this many seconds instead, so a test waits seconds for the real scheduler, not minutes.
   */
  JOBS_MINUTE_SECONDS: z.coerce.number().int().min(1).max(59).optional(),
  /** Run pending migrations when the server starts. Off in production: `npm run migrate` once per deploy. */
  MIGRATE_ON_START: bool.optional(),
  /** Keys for personal data at rest: "id:<base64 32 bytes>[,older…]"; the first encrypts (core/pii.ts). */
  PII_ENC_KEYS: z.string().optional(),
  /** HMAC key of the phone digests used for exact lookup (core/pii.ts). */
  PII_HASH_KEY: z.string().min(16).optional(),
  /** Secret that signs share tokens and rotating check-in codes; required in production. */
  SIGNING_SECRET: z.string().min(16).optional(),
});

/** Values that exist only so development and tests talk to the simulator; production refuses them. */
export const DEV_DEFAULT_SECRETS: Readonly<Record<string, string>> = {
  WECHAT_APPID: 'wx_dev_appid',
  WECHAT_APPSECRET: 'dev_app_secret',
  WECOM_CORP_ID: 'ww_dev_corp',
  WECOM_CONTACT_SECRET: 'dev_contact_secret',
  WECOM_AGENT_SECRET: 'dev_agent_secret',
  WECOM_CALLBACK_TOKEN: 'dev_callback_token',
  WECOM_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

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
  seedDemoReceipts: boolean;
  wechatApiBase: string;
  wecomApiBase: string;
  dataDir: string;
  logFormat: 'json' | 'text';
  migrateOnStart: boolean;
  /** Parsed TRUSTED_PROXIES (empty: trust no X-Forwarded-For). */
  trustedProxies: string[];
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
    // the development defaults are public (they are in this repository): never accept them as secrets
    const devValues = Object.entries(DEV_DEFAULT_SECRETS)
      .filter(([key, value]) => source[key] === value)
      .map(([key]) => key);
    if (devValues.length) throw new Error(`Invalid environment configuration: production refuses the development values of ${devValues.join(', ')}`);
    if (env.SEED_DEMO || env.SEED_SHOWCASE) {
      throw new Error('Invalid environment configuration: SEED_DEMO / SEED_SHOWCASE are refused in production (demo accounts have published passwords)');
    }
    if (env.JOBS_MINUTE_SECONDS) throw new Error('Invalid environment configuration: JOBS_MINUTE_SECONDS is refused in production (jobs keep their schedules)');
    if (env.SIMULATOR)
      throw new Error('Invalid environment configuration: SIMULATOR is refused in production (point WECHAT_API_BASE / WECOM_API_BASE at it instead)');
    if (env.DATABASE_URL && !/^mysql:\/\//.test(env.DATABASE_URL))
      throw new Error('Invalid environment configuration: production needs DATABASE_URL=mysql://…');
  }
  const trustedProxies = (env.TRUSTED_PROXIES ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of trustedProxies) {
    if (!/^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(p)) throw new Error(`Invalid environment configuration:\n  TRUSTED_PROXIES: "${p}" is not an IP address or CIDR`);
  }
  if (env.PII_ENC_KEYS) {
    try {
      parseKeyring(env.PII_ENC_KEYS);
    } catch (err) {
      throw new Error(`Invalid environment configuration:\n  ${(err as Error).message}`);
    }
  }
  const simulatorEnabled = production ? false : (env.SIMULATOR ?? true);
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
    seedDemoReceipts: seedDemo && (env.SEED_DEMO_RECEIPTS ?? true),
    wechatApiBase: env.WECHAT_API_BASE ?? (simulatorEnabled ? `${simBase}/wechat` : 'https://api.weixin.qq.com'),
    wecomApiBase: env.WECOM_API_BASE ?? (simulatorEnabled ? `${simBase}/wecom` : 'https://qyapi.weixin.qq.com'),
    dataDir: path.resolve(process.cwd(), env.DATA_DIR),
    logFormat: env.LOG_FORMAT ?? (production ? 'json' : 'text'),
    migrateOnStart: env.MIGRATE_ON_START ?? !production,
    trustedProxies,
  };
}
