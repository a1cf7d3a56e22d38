#!/usr/bin/env node
// `npm start`: build whatever is missing or stale (cloud, member h5, ops/sidebar pages), then run
// the server in the foreground in development mode. The server itself migrates, seeds the demo
// data once, starts the WeChat/WeCom simulator and prints its URLs and demo logins.
//
//   npm start                  build what is stale, then serve
//   npm start -- --skip-build  serve whatever is built now
//   npm start -- --rebuild     build everything again first
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, ensureBuilt } from './lib/builds.mjs';

const args = new Set(process.argv.slice(2));
const log = (m) => process.stderr.write(`[start] ${m}\n`);

if (args.has('--help') || args.has('-h')) {
  process.stdout.write('usage: npm start [-- --skip-build | --rebuild]\n');
  process.exit(0);
}

if (!fs.existsSync(path.join(ROOT, 'node_modules'))) {
  log('node_modules is missing: run `npm install` first.');
  process.exit(1);
}

if (!args.has('--skip-build')) {
  const t0 = Date.now();
  try {
    await ensureBuilt(['cloud', 'h5', 'web'], { log, force: args.has('--rebuild') });
  } catch (err) {
    log(`${err.message} — fix the error above and run \`npm start\` again.`);
    process.exit(1);
  }
  log(`builds ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

const entry = path.join(ROOT, 'cloud', 'bootstrap.js');
if (!fs.existsSync(entry)) {
  log('cloud/bootstrap.js does not exist.');
  process.exit(1);
}

// npm start is the local development run: simulator on, demo data seeded (the server's defaults
// for development). A NODE_ENV=production left in the shell would turn both off, so override it.
const child = spawn(process.execPath, [entry], {
  cwd: ROOT,
  env: { ...process.env, NODE_ENV: 'development' },
  stdio: 'inherit',
});

// Ctrl-C reaches the whole process group (npm, this script and the server) and npm forwards it
// once more: pass each signal on once, ignore echoes within a second, and treat a signal that
// comes later as "stop now".
let lastSignalAt = 0;
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    const now = Date.now();
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (lastSignalAt === 0) child.kill(sig);
    else if (now - lastSignalAt > 1000) {
      log('second signal: killing the server');
      child.kill('SIGKILL');
    }
    lastSignalAt = now;
  });
}

// `kill <npm pid>`: npm 11 exits on SIGTERM without stopping the script it runs, which would leave
// the server holding its port. When started by npm, stop the server once npm is gone (Linux /proc).
function parentOf(pid) {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may contain spaces, so split after ')'.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return 0;
  }
}
function commandOf(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}
if (process.env.npm_lifecycle_event === 'start' && process.platform === 'linux') {
  // npm runs scripts through `sh -c`; npm itself is the nearest ancestor whose command names npm.
  let npmPid = process.ppid;
  for (let i = 0; i < 3 && npmPid > 1 && !/\bnpm\b|npm-cli/.test(commandOf(npmPid)); i += 1) npmPid = parentOf(npmPid);
  if (npmPid > 1 && /\bnpm\b|npm-cli/.test(commandOf(npmPid))) {
    const watchdog = setInterval(() => {
      try {
        process.kill(npmPid, 0);
      } catch {
        clearInterval(watchdog);
        log('npm has exited: stopping the server');
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      }
    }, 1000);
    watchdog.unref();
  }
}

child.on('error', (err) => {
  log(`could not start the server: ${err.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (signal) {
    // Report death by signal the shell way (128 + signal number).
    process.exit(128 + (os.constants.signals[signal] ?? 0));
  }
  process.exit(code ?? 1);
});
