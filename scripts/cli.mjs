#!/usr/bin/env node
// `npm run admin -- …` and `npm run migrate`: run the compiled command-line tools of the cloud
// (cloud/src/cli). In development (NODE_ENV=development/test, with the TypeScript toolchain) the
// cloud is rebuilt first when stale; production runs what was built for the deploy, never rebuilds.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT, ensureBuilt } from './lib/builds.mjs';

const [tool, ...args] = process.argv.slice(2);
const entry = path.join(ROOT, 'cloud', 'dist', 'cloud', 'src', 'cli', `${tool}.js`);
const devMode = ['development', 'test'].includes(process.env.NODE_ENV ?? '');
if (devMode && fs.existsSync(path.join(ROOT, 'node_modules', 'typescript')) && !args.includes('--help') && !args.includes('-h')) {
  try {
    await ensureBuilt(['cloud'], { log: (m) => process.stderr.write(`[${tool}] ${m}\n`) });
  } catch (err) {
    process.stderr.write(`[${tool}] ${err.message}\n`);
    process.exit(1);
  }
}
if (!fs.existsSync(entry)) {
  process.stderr.write(`[${tool}] ${path.relative(ROOT, entry)} is missing: run \`npm run build:cloud\` first\n`);
  process.exit(1);
}
const child = spawn(process.execPath, [entry, ...args], { cwd: ROOT, stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(signal ? 1 : (code ?? 1)));
