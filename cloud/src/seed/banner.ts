/** What `npm start` prints once the server listens: where to go and how to sign in (demo only). */
import type { WebApp } from '../core/web.middleware';
import type { SeedResult } from './seed.service';

export function printStartBanner(port: number, seeded: SeedResult | null, apps: WebApp[]): void {
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
  lines.push('');
  process.stdout.write(lines.join('\n') + '\n');
}
