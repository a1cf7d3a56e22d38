/** The deploy description lists every timer function the code declares, with the same schedule. */
import * as fs from 'fs';
import * as path from 'path';

test('cloud/f.yml names each timer function of job-functions.ts with its cron, plus the HTTP web function', () => {
  const code = fs.readFileSync(path.join(__dirname, '../../src/functions/job-functions.ts'), 'utf8');
  const yml = fs.readFileSync(path.join(__dirname, '../../f.yml'), 'utf8');
  const declared = [...code.matchAll(/functionName: '([^']+)' \}\)\s*\n\s*@ServerlessTrigger\(ServerlessTriggerType\.TIMER, \{ type: 'cron', value: '([^']+)' \}\)\s*\n\s*async (\w+)/g)].map(
    (m) => `${m[1]}|${m[2]}|${m[3]}`,
  );
  const listed = [...yml.matchAll(/^ {2}([a-z-]+):\n {4}handler: jobFunctions\.(\w+)\n {4}events:\n {6}- timer:\n {10}type: cron\n {10}value: '([^']+)'/gm)].map((m) => `${m[1]}|${m[3]}|${m[2]}`);
  expect(declared.length).toBeGreaterThan(5);
  expect(listed.sort()).toEqual(declared.sort());
  expect(yml).toMatch(/^ {2}api:\n(?: {4}.*\n)*? {4}command: node cloud\/bootstrap\.js/m);
  for (const v of ['DATABASE_URL', 'WECOM_CONTACT_SECRET', 'WECOM_ENCODING_AES_KEY', 'NODE_ENV: production']) expect(yml).toContain(v);
});
