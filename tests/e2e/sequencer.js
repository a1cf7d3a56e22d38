/**
 * Order of the e2e files across the two workers. Jest runs the slowest files first when it has
 * timings from an earlier run in its cache; a clean clone (CI) has none, so jest falls back to file
 * size, and the two long crawl files (small files, minutes each) started last and ran on alone at
 * the end. Without a cached timing, these files go first in this order (longest first, measured);
 * the rest follow by size as before.
 */
const path = require('path');
const Sequencer = require('@jest/test-sequencer').default;

/** Seconds a file took in a full e2e run on the 2-core box (rough; only the order matters). */
const KNOWN_SECONDS = {
  'crawl.e2e.ts': 240,
  'crawl-roles.e2e.ts': 180,
  'preorder.e2e.ts': 100,
};

class E2ESequencer extends Sequencer {
  sort(tests) {
    // with timings from an earlier run, jest's own order (failed first, then slowest first)
    if (tests.some((t) => super.time(t) != null)) return super.sort(tests);
    const known = (t) => KNOWN_SECONDS[path.basename(t.path)];
    const first = tests.filter(known).sort((a, b) => known(b) - known(a));
    return [...first, ...super.sort(tests.filter((t) => !known(t)))];
  }
}

module.exports = E2ESequencer;
