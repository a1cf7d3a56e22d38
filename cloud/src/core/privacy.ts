/**
 * 「我的数据」 sections contributed by other domains (contest entries, registrations, orders…).
 * A domain marks a method of a singleton provider with `@PrivacyExport('section')`; identity's export
 * lists every section under `activity`. Erasure goes through the MemberDeleted event; the few links
 * that must be gone when the deletion commits (a WeCom contact still pointing at the member) are cut
 * by `@PrivacyErase('name')` methods, run inside identity's deletion transaction.
 */
import type { ClassType } from '@midwayjs/core';
import type { EntityManager } from 'typeorm';
import { type IMidwayContainer, Provide, Scope, ScopeEnum } from '@midwayjs/core';

export type PrivacyExporter = (memberId: number) => Promise<Array<Record<string, unknown>>>;

export type PrivacyEraser = (em: EntityManager, memberId: number) => Promise<void>;

const marked: Array<{ section: string; target: ClassType<object>; method: string }> = [];
const markedErasers: Array<{ section: string; target: ClassType<object>; method: string }> = [];

export function PrivacyExport(section: string): MethodDecorator {
  return (target, key) => {
    marked.push({ section, target: (target as { constructor: (typeof marked)[number]['target'] }).constructor, method: String(key) });
  };
}

/** A method `(em, memberId)` run in the account deletion's own transaction. */
export function PrivacyErase(section: string): MethodDecorator {
  return (target, key) => {
    markedErasers.push({ section, target: (target as { constructor: (typeof marked)[number]['target'] }).constructor, method: String(key) });
  };
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class PrivacyRegistry {
  private readonly exporters = new Map<string, PrivacyExporter>();
  private readonly erasers = new Map<string, PrivacyEraser>();

  register(section: string, exporter: PrivacyExporter): void {
    this.exporters.set(section, exporter);
  }

  /** Wire the @PrivacyExport methods (called once at start). */
  async start(container: IMidwayContainer): Promise<void> {
    for (const m of marked) {
      const instance = (await container.getAsync(m.target)) as Record<string, PrivacyExporter>;
      this.register(m.section, (memberId) => instance[m.method](memberId));
    }
    for (const m of markedErasers) {
      const instance = (await container.getAsync(m.target)) as Record<string, PrivacyEraser>;
      this.erasers.set(m.section, (em, memberId) => instance[m.method](em, memberId));
    }
  }

  /** Run every eraser in the caller's (the deletion's) transaction. */
  async eraseFor(em: EntityManager, memberId: number): Promise<void> {
    for (const erase of this.erasers.values()) await erase(em, memberId);
  }

  async exportFor(memberId: number): Promise<Record<string, Array<Record<string, unknown>>>> {
    const out: Record<string, Array<Record<string, unknown>>> = {};
    for (const [section, exporter] of this.exporters) out[section] = await exporter(memberId);
    return out;
  }
}
