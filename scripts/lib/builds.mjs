// Build-if-stale for the three things the server serves: the cloud (tsc), the member h5 (Taro)
// and the ops/sidebar pages (Vite). Used by `npm start` and `npm run bench`.
//
// A target is stale when its output is missing, its last build through this module failed, or a
// source file/folder is newer than the start of its last successful build. Folder mtimes are
// included so deleting a source file also counts as a change. Builds done by hand (`npm run build`)
// leave no stamp; then "newest source newer than newest output" decides.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const STAMP_FILE = path.join(ROOT, 'node_modules', '.cache', 'hub-builds.json');
const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.tmp', 'coverage', '.cache', '.swc']);

/** Newest mtime under the given paths (files and folders), skipping build output and deps. */
export function newestMtime(paths) {
  let newest = { mtimeMs: 0, file: null };
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.mtimeMs > newest.mtimeMs) newest = { mtimeMs: st.mtimeMs, file: p };
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p)) {
        if (!SKIP_DIRS.has(name)) visit(path.join(p, name));
      }
    }
  };
  for (const p of paths) visit(path.resolve(ROOT, p));
  return newest;
}

function newestOutput(dir) {
  let newest = 0;
  let count = 0;
  const visit = (p) => {
    let st;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of fs.readdirSync(p)) visit(path.join(p, name));
    } else {
      count += 1;
      if (st.mtimeMs > newest) newest = st.mtimeMs;
    }
  };
  visit(dir);
  return { newest, count };
}

/** The cloud's inputs and output folder, read from its tsconfig the way tsc reads it. */
function cloudProject() {
  const tsconfig = path.join(ROOT, 'cloud', 'tsconfig.build.json');
  if (!fs.existsSync(tsconfig)) throw new Error('cloud/tsconfig.build.json does not exist');
  const require = createRequire(import.meta.url);
  const ts = require('typescript');
  const host = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, host);
  const configFiles = [tsconfig, path.join(ROOT, 'cloud', 'tsconfig.json')];
  const outDir = parsed.options.outDir ?? path.join(ROOT, 'cloud', 'dist');
  // Folders holding the inputs (so deletions count), plus every input file and the configs.
  const dirs = new Set(parsed.fileNames.map((f) => path.dirname(f)));
  return { sources: [...parsed.fileNames, ...dirs, ...configFiles, path.join(ROOT, 'cloud', 'bootstrap.js')], outDir };
}

export const TARGETS = {
  cloud: {
    script: 'build:cloud',
    describe: () => {
      const p = cloudProject();
      return { sources: p.sources, outDir: p.outDir };
    },
  },
  h5: {
    script: 'build:h5',
    describe: () => ({
      sources: ['src', 'config', 'contracts', 'package.json', 'babel.config.js', 'tsconfig.json', 'types', 'global.d.ts'],
      outDir: path.join(ROOT, 'dist', 'h5'),
    }),
  },
  web: {
    script: 'build:web',
    describe: () => ({
      sources: ['web', 'contracts'],
      outDir: path.join(ROOT, 'web', 'dist'),
    }),
  },
};

function readStamps() {
  try {
    return JSON.parse(fs.readFileSync(STAMP_FILE, 'utf8'));
  } catch {
    return {};
  }
}

function writeStamp(name, stamp) {
  const stamps = readStamps();
  stamps[name] = stamp;
  fs.mkdirSync(path.dirname(STAMP_FILE), { recursive: true });
  fs.writeFileSync(STAMP_FILE, JSON.stringify(stamps, null, 2));
}

/** Why `name` needs a build, or null when its output is current. */
export function staleReason(name) {
  const { sources, outDir } = TARGETS[name].describe();
  const out = newestOutput(outDir);
  if (out.count === 0) return `${path.relative(ROOT, outDir)}/ is missing`;
  const src = newestMtime(sources);
  const stamp = readStamps()[name];
  const rel = src.file ? path.relative(ROOT, src.file) : '?';
  if (stamp) {
    if (!stamp.ok) return 'its last build failed';
    if (src.mtimeMs > stamp.startedAt) return `${rel} changed since the last build`;
    return null;
  }
  if (src.mtimeMs > out.newest) return `${rel} is newer than the build output`;
  return null;
}

function runNpmScript(script) {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    // Each tool picks its own production defaults for a one-off build; a NODE_ENV left in the
    // caller's shell (or npm start's development) must not leak into the bundles.
    delete env.NODE_ENV;
    const child = spawn('npm', ['run', '--silent', script], {
      cwd: ROOT,
      env,
      // Build chatter goes to stderr so callers that print results on stdout stay clean.
      stdio: ['ignore', process.stderr, process.stderr],
      // Own process group, so an interrupted caller can stop npm *and* the compiler under it
      // (npm exits on SIGTERM without stopping its script).
      detached: true,
    });
    const killGroup = () => {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    };
    const onSignal = (sig) => {
      killGroup();
      process.exit(128 + (os.constants.signals[sig] ?? 0));
    };
    // Callers with their own signal handling exit through process.exit -> 'exit'; for callers
    // without (npm start while building), stand in for the default "die on Ctrl-C".
    const own = ['SIGINT', 'SIGTERM', 'SIGHUP'].filter((s) => process.listenerCount(s) === 0);
    for (const s of own) process.on(s, onSignal);
    process.on('exit', killGroup);
    const done = () => {
      for (const s of own) process.removeListener(s, onSignal);
      process.removeListener('exit', killGroup);
    };
    child.on('error', (err) => {
      done();
      reject(err);
    });
    child.on('exit', (code, signal) => {
      done();
      if (code === 0) resolve();
      else reject(new Error(`npm run ${script} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

/**
 * Build each named target that is stale, in order. Logs what it builds, why, and how long it took.
 * Throws on the first failed build.
 */
export async function ensureBuilt(names, { log = (m) => process.stderr.write(`${m}\n`), force = false } = {}) {
  for (const name of names) {
    const reason = force ? 'forced' : staleReason(name);
    if (!reason) {
      log(`${name}: up to date`);
      continue;
    }
    const script = TARGETS[name].script;
    log(`${name}: building with \`npm run ${script}\` (${reason}) ...`);
    const startedAt = Date.now();
    try {
      await runNpmScript(script);
    } catch (err) {
      writeStamp(name, { ok: false, startedAt, finishedAt: Date.now() });
      throw err;
    }
    writeStamp(name, { ok: true, startedAt, finishedAt: Date.now() });
    log(`${name}: built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  }
}
