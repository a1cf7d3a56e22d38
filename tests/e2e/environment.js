/**
 * Jest environment for the e2e tests: plain node, plus — when a test (or a hook) fails — a
 * full-page screenshot of every page the harness still has open, written to .tmp/e2e-shots/,
 * and the console errors / failed requests those pages collected. It reacts to test_fn_failure,
 * which jest-circus dispatches (and awaits) before afterEach hooks can close the pages.
 */
const fs = require('fs');
const path = require('path');
const { TestEnvironment } = require('jest-environment-node');

const SHOTS_DIR = path.resolve(__dirname, '..', '..', '.tmp', 'e2e-shots');

function testTitle(test) {
  const parts = [];
  for (let t = test; t && t.name !== 'ROOT_DESCRIBE_BLOCK'; t = t.parent) parts.unshift(t.name);
  return parts.join(' › ');
}

function slug(text) {
  return (
    text
      .replace(/[^\p{L}\p{N}._-]+/gu, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 120) || 'test'
  );
}

class E2EEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    this.testFile = path.basename(context.testPath).replace(/\.e2e\.ts$/, '');
  }

  async handleTestEvent(event) {
    if (event.name === 'test_fn_failure') await this.capture(testTitle(event.test));
    else if (event.name === 'hook_failure') await this.capture(`${event.hook.type}${event.test ? ` ${testTitle(event.test)}` : ''}`);
  }

  async capture(title) {
    // The harness (loaded inside this environment's global) registers every open page here.
    const open = this.global.__e2eOpenPages;
    if (!open || open.size === 0) return;
    fs.mkdirSync(SHOTS_DIR, { recursive: true });
    let i = 0;
    for (const entry of open) {
      i += 1;
      const { page, issues } = entry;
      if (page.isClosed()) continue;
      const file = path.join(SHOTS_DIR, `${slug(this.testFile)}--${slug(title)}${open.size > 1 ? `-${i}` : ''}.png`);
      const lines = [`[e2e] failed: ${title}`, `[e2e]   page ${page.url()}`];
      try {
        await page.screenshot({ path: file, fullPage: true, timeout: 5000 });
        lines.push(`[e2e]   screenshot ${path.relative(process.cwd(), file)}`);
      } catch (err) {
        lines.push(`[e2e]   screenshot failed: ${err.message.split('\n')[0]}`);
      }
      for (const [kind, list] of Object.entries(issues)) {
        for (const item of list.slice(0, 10)) lines.push(`[e2e]   ${kind}: ${typeof item === 'string' ? item : JSON.stringify(item)}`);
      }
      process.stderr.write(`${lines.join('\n')}\n`);
    }
  }
}

module.exports = E2EEnvironment;
