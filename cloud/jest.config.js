/** Cloud tests: Midway app per test file against SQLite (default) or MariaDB (TEST_MYSQL_URL). */
const path = require('path');

module.exports = {
  rootDir: path.join(__dirname, '..'),
  roots: ['<rootDir>/cloud/test'],
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'test', 'tsconfig.json'), diagnostics: false }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  maxWorkers: 2,
  testTimeout: 30000,
  // Midway keeps loggers/timers briefly after close; do not let that hang the run.
  forceExit: true,
};
