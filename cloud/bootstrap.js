/**
 * Production/dev entry of the long-running server: starts the compiled app (npm run build:cloud).
 * Settings come from the environment (cloud/src/config/env.ts).
 */
const path = require('path');
const { Bootstrap } = require('@midwayjs/bootstrap');

const baseDir = path.join(__dirname, 'dist', 'cloud', 'src');

Bootstrap.configure({
  // the repository root (package.json: app name); logs go to stdout only
  appDir: path.join(__dirname, '..'),
  baseDir,
  // the compiled sources only: never scan the TypeScript next to them
  ignore: ['**/*.d.ts', '**/*.map'],
}).run();
