/**
 * Settings of the classes domain, read from the environment once (defaults fit the issue: two
 * no-shows in 60 days block registration for 30 days). The lead may fold these into config/env.ts.
 */
import { Config, Init, Provide, Scope, ScopeEnum } from '@midwayjs/core';
import type { AppEnv } from '../../config/env';
import { z } from 'zod';

const Schema = z.object({
  CLASS_NOSHOW_LIMIT: z.coerce.number().int().min(1).default(2),
  CLASS_NOSHOW_WINDOW_DAYS: z.coerce.number().int().min(1).default(60),
  CLASS_NOSHOW_BLOCK_DAYS: z.coerce.number().int().min(0).default(30),
  /** Check-in opens this long before start and stays open this long after the end; then no-shows are recorded. */
  CLASS_CHECKIN_OPENS_MINUTES: z.coerce.number().int().min(0).default(120),
  CLASS_CHECKIN_GRACE_MINUTES: z.coerce.number().int().min(0).default(120),
  /** The door code turns every this many seconds; a code is accepted this much before and after its turn (scan, network, clocks). */
  CLASS_CHECKIN_CODE_SECONDS: z.coerce.number().int().min(10).max(600).default(30),
  CLASS_CHECKIN_CODE_SKEW_SECONDS: z.coerce.number().int().min(0).max(300).default(20),
  /** Subscribe-message template ids from the mini-program console (the defaults work with the simulator). */
  /** Seat hoarding: people one registration may bring, and upcoming bookings one member may hold. */
  CLASS_MAX_PARTY: z.coerce.number().int().min(1).default(6),
  CLASS_MAX_ACTIVE_BOOKINGS: z.coerce.number().int().min(1).default(6),
  CLASS_TEMPLATE_REMINDER_24H: z.string().min(1).max(64).default('tmpl_class_reminder_24h'),
  CLASS_TEMPLATE_REMINDER_2H: z.string().min(1).max(64).default('tmpl_class_reminder_2h'),
  CLASS_TEMPLATE_PROMOTED: z.string().min(1).max(64).default('tmpl_class_waitlist_promoted'),
});

export type ClassesConfig = z.infer<typeof Schema>;

export function loadClassesConfig(source: NodeJS.ProcessEnv = process.env): ClassesConfig {
  const parsed = Schema.safeParse(source);
  if (!parsed.success) {
    throw new Error(`Invalid classes configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return parsed.data;
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class ClassesSettings {
  config!: ClassesConfig;

  @Config('hub')
  env!: AppEnv;

  /** SIGNING_SECRET (production refuses to start without it); a fixed development value otherwise. */
  signingSecret(): string {
    return this.env?.SIGNING_SECRET ?? 'development-only-signing-secret';
  }

  @Init()
  init(): void {
    this.config = loadClassesConfig();
  }

  noShowRule() {
    return { noShowLimit: this.config.CLASS_NOSHOW_LIMIT, windowDays: this.config.CLASS_NOSHOW_WINDOW_DAYS, blockDays: this.config.CLASS_NOSHOW_BLOCK_DAYS };
  }

  doorCodeRule() {
    return { periodSeconds: this.config.CLASS_CHECKIN_CODE_SECONDS, skewSeconds: this.config.CLASS_CHECKIN_CODE_SKEW_SECONDS };
  }

  limits() {
    return { maxParty: this.config.CLASS_MAX_PARTY, maxActiveBookings: this.config.CLASS_MAX_ACTIVE_BOOKINGS };
  }

  templates() {
    return {
      reminder24h: this.config.CLASS_TEMPLATE_REMINDER_24H,
      reminder2h: this.config.CLASS_TEMPLATE_REMINDER_2H,
      promoted: this.config.CLASS_TEMPLATE_PROMOTED,
    };
  }
}
