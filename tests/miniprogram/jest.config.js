/**
 * Component tests of the mini-program pages: jsdom + @testing-library/react, with
 * @tarojs/components and @tarojs/taro replaced by small stand-ins (stubs/).
 * ts-jest transpiles only (isolatedModules): type checking is `npm run typecheck`'s job.
 */
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '../..'),
  roots: ['<rootDir>/tests/miniprogram'],
  testEnvironment: 'jsdom',
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  transform: {
    '^.+\\.tsx?$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.json') }],
  },
  moduleNameMapper: {
    '^@contracts/(.*)$': '<rootDir>/contracts/$1',
    '^@tarojs/taro$': '<rootDir>/tests/miniprogram/stubs/taro.ts',
    '^@tarojs/components$': '<rootDir>/tests/miniprogram/stubs/components.tsx',
    '\\.css$': '<rootDir>/tests/miniprogram/stubs/style.ts',
  },
  setupFiles: ['<rootDir>/tests/miniprogram/setup.ts'],
  clearMocks: true,
};
