/**
 * Loads pages from the COMPILED weapp output (dist/weapp) with miniprogram-simulate: the real
 * WXML templates (compiled by the official wcc), the real Taro runtime and our page bundles.
 * Build first: `npm run build:weapp`.
 */
const path = require('path');

module.exports = {
  rootDir: path.resolve(__dirname, '../..'),
  roots: ['<rootDir>/tests/weapp-simulate'],
  testEnvironment: 'jsdom',
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: path.join(__dirname, 'tsconfig.json') }],
  },
  // The compiled bundles are plain ES5 from webpack: run them as they are.
  transformIgnorePatterns: ['/node_modules/', '/dist/'],
  testTimeout: 30000,
};
