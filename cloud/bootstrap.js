/**
 * Production/dev entry of the long-running server: starts the compiled app (npm run build:cloud).
 * Settings come from the environment (cloud/src/config/env.ts).
 */
const path = require('path');
const { format } = require('util');
const { Bootstrap } = require('@midwayjs/bootstrap');

const baseDir = path.join(__dirname, 'dist', 'cloud', 'src');

// Production rules apply unless NODE_ENV names another mode (env.ts): there, the bootstrap's own
// lines (start, signals, a failed start) are JSON lines like the app's.
const mode = process.env.NODE_ENV || 'production';
const json = (process.env.LOG_FORMAT || (mode === 'production' ? 'json' : 'text')) === 'json';
const line = (level, args) =>
  `${JSON.stringify({ time: new Date().toISOString(), level, pid: process.pid, msg: args.map((a) => (a instanceof Error ? a.stack : a)).length ? format(...args.map((a) => (a instanceof Error ? a.stack : a))) : '' })}\n`;
const jsonLogger = {
  info: (...a) => process.stdout.write(line('info', a)),
  debug: () => {},
  verbose: () => {},
  warn: (...a) => process.stderr.write(line('warn', a)),
  error: (...a) => process.stderr.write(line('error', a)),
  write: (...a) => process.stdout.write(line('info', a)),
};

Bootstrap.configure({
  // the repository root (package.json: app name); logs go to stdout only
  appDir: path.join(__dirname, '..'),
  baseDir,
  // the compiled sources only: never scan the TypeScript next to them
  ignore: ['**/*.d.ts', '**/*.map'],
  ...(json ? { logger: jsonLogger } : {}),
}).run();
