/** What `npm start` prints once the server listens: where to go and how to sign in (demo only). */
import type { WebApp } from '../core/web.middleware';
import type { SeedResult } from './seed.service';
import type { ShowcaseResult } from './showcase.service';

export function printStartBanner(port: number, seeded: SeedResult | null, apps: WebApp[], showcase: ShowcaseResult | null = null): void {
  const base = `http://localhost:${port}`;
  const lines: string[] = ['', `社区私域中枢 is running on ${base}`, ''];
  const names: Record<string, string> = { h5: 'Member H5 (mini-program)', admin: 'Ops page', sidebar: 'WeCom sidebar' };
  for (const app of apps) lines.push(`  ${(names[app.name] ?? app.name).padEnd(26)} ${base}${app.prefix}/`);
  lines.push(`  ${'Health'.padEnd(26)} ${base}/api/health`);
  lines.push(`  ${'OpenAPI'.padEnd(26)} ${base}/api/openapi.json  (viewer: ${base}/api/docs)`);
  if (seeded?.accounts.length) {
    lines.push('', seeded.created ? 'Demo accounts (seeded just now):' : 'Demo accounts:');
    const rows = [['username', 'role', 'password', 'WeCom userid'], ...seeded.accounts.map((a) => [a.username, a.role, a.password, a.wecomUserId ?? ''])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => `  | ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
    const rule = `  +${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
    lines.push(rule, fmt(rows[0]), rule, ...rows.slice(1).map(fmt), rule);
    lines.push('  (demo passwords for local use only; change or remove these accounts anywhere else)');
  }
  if (showcase) lines.push('', ...showcaseLines(showcase));
  lines.push('');
  process.stdout.write(lines.join('\n') + '\n');
}

/** What the showcase (SEED_SHOWCASE) put on stage, so the first start says where to look. */
export function showcaseLines(s: ShowcaseResult): string[] {
  const parts: string[] = [];
  if (s.contest) parts.push(`菜谱大赛「${s.contest.title}」${s.contest.entries} 个作品 / ${s.contest.votes} 票 / ${s.contest.pending} 个待审核`);
  if (s.pastContest?.dishName) parts.push(`往期获奖菜「${s.pastContest.dishName}」`);
  if (s.classes) parts.push(`${s.classes} 门课程活动`);
  if (s.channel) parts.push(`渠道活码「${s.channel.name}」${s.channel.customers} 位客户`);
  const out = [
    `Showcase data${s.created ? ` (created just now, ${(s.ms / 1000).toFixed(1)} s)` : ''}: ${parts.join('，') || 'none'}  (SEED_SHOWCASE=0 to leave it out)`,
  ];
  for (const why of s.skipped) out.push(`  skipped: ${why}`);
  return out;
}
