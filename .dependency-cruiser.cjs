/**
 * Module boundaries, checked by `npm test` (scripts/lint.sh). A rule broken is a failed run.
 * - no import cycles anywhere;
 * - a domain module (cloud/src/modules/<m>/) uses another one only through its public face:
 *   `index.ts` / `public.ts` / a `*.public.ts` file, or its `events.ts` (the typed domain events others hear);
 * - contracts/ is shared by the server and every client: it imports nothing from them;
 * - the simulator stands in for WeChat/WeCom: from the app it may read configuration only.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles hide initialisation order bugs; break them with an event or a public face.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'module-public-face',
      severity: 'error',
      comment: 'Another module is used through its index.ts / *.public.ts only, never its internals or tables.',
      from: { path: '^cloud/src/modules/([^/]+)/' },
      to: {
        path: '^cloud/src/modules/[^/]+/',
        pathNot: ['^cloud/src/modules/$1/', '^cloud/src/modules/[^/]+/(index|public|events|[^/]+[.]public)[.]ts$'],
      },
    },
    {
      name: 'core-below-modules',
      severity: 'error',
      comment: 'core/ is the shared kernel; modules build on it, not the other way round.',
      from: { path: '^cloud/src/core/' },
      to: { path: '^cloud/src/modules/' },
    },
    {
      name: 'contracts-stand-alone',
      severity: 'error',
      comment: 'contracts/ is shared by the server and every client; it imports nothing from them.',
      from: { path: '^contracts/' },
      to: { path: '^(cloud|src|web|tests|scripts)/' },
    },
    {
      name: 'simulator-config-only',
      severity: 'error',
      comment: 'The simulator stands in for WeChat/WeCom; from the app it reads configuration only.',
      from: { path: '^cloud/simulator/' },
      to: { path: '^cloud/src/', pathNot: ['^cloud/src/config/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js', '.mjs', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
