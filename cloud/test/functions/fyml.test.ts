/** The deploy description lists every timer function the code declares, with the same schedule. */
import * as fs from 'fs';
import * as path from 'path';

test('cloud/f.yml names each timer function of job-functions.ts with its cron, plus the HTTP function', () => {
  const code = fs.readFileSync(path.join(__dirname, '../../src/functions/job-functions.ts'), 'utf8');
  const yml = fs.readFileSync(path.join(__dirname, '../../f.yml'), 'utf8');
  const declared = [
    ...code.matchAll(
      /functionName: '([^']+)' \}\)\s*\n\s*@ServerlessTrigger\(ServerlessTriggerType\.TIMER, \{ type: 'cron', value: '([^']+)' \}\)\s*\n\s*async (\w+)/g,
    ),
  ].map((m) => `${m[1]}|${m[2]}|${m[3]}`);
  const listed = [
    ...yml.matchAll(/^ {2}([a-z-]+):\n {4}handler: jobFunctions\.(\w+)\n {4}events:\n {6}- timer:\n {10}type: cron\n {10}value: '([^']+)'/gm),
  ].map((m) => `${m[1]}|${m[3]}|${m[2]}`);
  expect(declared.length).toBeGreaterThan(5);
  expect(listed.sort()).toEqual(declared.sort());
  // the HTTP function: fc-starter's handler and initializer, exported by the compiled http-entry
  expect(yml).toMatch(
    /^ {2}api:\n {4}handler: cloud\/dist\/cloud\/src\/functions\/http-entry\.handler\n {4}initializer: cloud\/dist\/cloud\/src\/functions\/http-entry\.initializer\n/m,
  );
  const entry = fs.readFileSync(path.join(__dirname, '../../src/functions/http-entry.ts'), 'utf8');
  expect(entry).toMatch(/^export const initializer = /m);
  expect(entry).toMatch(/^export const handler = /m);
  // every variable production refuses to start without is in the function's environment
  for (const v of [
    'NODE_ENV: production',
    'DATABASE_URL',
    'PUBLIC_BASE_URL',
    'WECOM_CONTACT_SECRET',
    'WECOM_ENCODING_AES_KEY',
    'PII_ENC_KEYS',
    'PII_HASH_KEY',
    'SIGNING_SECRET',
    'POS_KEY_SECRET',
    'COUPON_CODE_SECRET',
    'WECHATPAY_APIV3_KEY',
    'UPLOAD_STORAGE: s3',
    'S3_BUCKET',
  ]) {
    expect(yml).toContain(v);
  }
});
