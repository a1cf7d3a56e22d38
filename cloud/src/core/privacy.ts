/**
 * 「我的数据」 sections contributed by other domains (contest entries, registrations, orders…).
 * A domain marks a method of a singleton provider with `@PrivacyExport('section')`; identity's export
 * lists every section under `activity`. (Erasure goes through the MemberDeleted event instead.)
 */
import type { ClassType } from '@midwayjs/core';
import { type IMidwayContainer, Provide, Scope, ScopeEnum } from '@midwayjs/core';

export type PrivacyExporter = (memberId: number) => Promise<Array<Record<string, unknown>>>;

const marked: Array<{ section: string; target: ClassType<object>; method: string }> = [];

export function PrivacyExport(section: string): MethodDecorator {
  return (target, key) => {
    marked.push({ section, target: (target as { constructor: (typeof marked)[number]['target'] }).constructor, method: String(key) });
  };
}

@Provide()
@Scope(ScopeEnum.Singleton)
export class PrivacyRegistry {
  private readonly exporters = new Map<string, PrivacyExporter>();

  register(section: string, exporter: PrivacyExporter): void {
    this.exporters.set(section, exporter);
  }

  /** Wire the @PrivacyExport methods (called once at start). */
  async start(container: IMidwayContainer): Promise<void> {
    for (const m of marked) {
      const instance = (await container.getAsync(m.target)) as Record<string, PrivacyExporter>;
      this.register(m.section, (memberId) => instance[m.method](memberId));
    }
  }

  async exportFor(memberId: number): Promise<Record<string, Array<Record<string, unknown>>>> {
    const out: Record<string, Array<Record<string, unknown>>> = {};
    for (const [section, exporter] of this.exporters) out[section] = await exporter(memberId);
    return out;
  }
}
