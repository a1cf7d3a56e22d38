/**
 * Browser end-to-end tests: a real server (node cloud/bootstrap.js, built by `npm run build`)
 * driven through Chromium. Each test file starts its own server (spare ports) and browser; with
 * E2E_DATABASE_URL each server start gets a fresh database of its own on that MariaDB, so files may
 * run in parallel workers.
 */
const path = require('path');

const root = path.resolve(__dirname, '../..');

module.exports = {
  rootDir: root,
  roots: ['<rootDir>/tests/e2e'],
  testMatch: ['<rootDir>/tests/e2e/**/*.e2e.ts'],
  // Node environment plus a screenshot of every open page when a test fails.
  testEnvironment: '<rootDir>/tests/e2e/environment.js',
  transform: {
    // Type errors are the typecheck step's job (tests/tsconfig.json); here we only transpile.
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: path.join(root, 'tests', 'tsconfig.json'), diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  moduleNameMapper: {
    '^@contracts$': '<rootDir>/contracts/index.ts',
    '^@contracts/(.*)$': '<rootDir>/contracts/$1',
  },
  // the long files first on a clean clone (no timings cached): see sequencer.js
  testSequencer: '<rootDir>/tests/e2e/sequencer.js',
  testTimeout: 120000,
  maxWorkers: 2,
};
