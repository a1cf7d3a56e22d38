/**
 * Production-mode tests: the built server (`npm run build` first) started exactly as the README's
 * deployment guide says — NODE_ENV=production, a private MariaDB (TEST_MYSQL_URL), the WeChat/WeCom
 * simulator standing in through the configured base URLs — plus two instances on one database and
 * the HTTP cloud function invoked locally.
 */
const path = require('path');

const root = path.resolve(__dirname, '../..');

module.exports = {
  rootDir: root,
  roots: ['<rootDir>/tests/production'],
  testMatch: ['<rootDir>/tests/production/**/*.test.ts'],
  testEnvironment: 'node',
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: path.join(root, 'tests', 'tsconfig.json'), diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
  testTimeout: 180000,
  maxWorkers: 2,
};
