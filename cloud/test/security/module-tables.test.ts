/**
 * Module boundaries in raw SQL: dependency-cruiser stops a module importing another module's
 * entities, but a query string can still name another module's table. Every table belongs to the
 * module whose entity declares it; no module's code (migrations aside) may read or write a table
 * another module owns — it asks that module's public face instead.
 */
import fs from 'node:fs';
import path from 'node:path';

const MODULES = path.join(__dirname, '../../src/modules');

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' ? [] : sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

const modules = fs
  .readdirSync(MODULES, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name);
const files = new Map(modules.map((m) => [m, sourceFiles(path.join(MODULES, m)).map((f) => ({ f, text: fs.readFileSync(f, 'utf8') }))]));

/** table → owning module, from the entities' @Entity names. */
function owners(): Map<string, string> {
  const owner = new Map<string, string>();
  for (const [m, list] of files)
    for (const { text } of list) for (const match of text.matchAll(/@Entity\(\s*(?:\{\s*name:\s*)?'([a-z0-9_]+)'/g)) owner.set(match[1], m);
  return owner;
}

/** Table names a piece of code puts after FROM / JOIN / INTO / UPDATE in a string. */
function tablesNamed(text: string): string[] {
  return [...text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE)\s+`?([a-z][a-z0-9_]*)`?/g)].map((m) => m[1]);
}

test('the scan reads table names after FROM / JOIN / INTO / UPDATE', () => {
  expect(tablesNamed('SELECT a FROM wecom_outbound o JOIN `member` m ON 1 WHERE x IN (SELECT 1 FROM tag)')).toEqual(['wecom_outbound', 'member', 'tag']);
  expect(tablesNamed('INSERT INTO receipt_line (a) VALUES (?)')).toEqual(['receipt_line']);
  expect(tablesNamed('UPDATE class_session SET taken = taken + 1')).toEqual(['class_session']);
});

test('every table has one owning module, and no module names another module’s table in SQL', () => {
  const owner = owners();
  expect(owner.size).toBeGreaterThan(50);
  const crossings: string[] = [];
  for (const [m, list] of files)
    for (const { f, text } of list)
      for (const t of tablesNamed(text)) {
        const o = owner.get(t);
        if (o && o !== m) crossings.push(`${path.relative(MODULES, f)} names ${t} (owned by ${o})`);
      }
  expect(crossings).toEqual([]);
});
