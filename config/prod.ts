import type { UserConfigExport } from '@tarojs/cli';

export default {
  // Production builds: minified, no source maps — the weapp main package must stay small.
  mini: { enableSourceMap: false, minifyXML: { collapseWhitespace: true } },
  h5: { enableSourceMap: false },
} satisfies UserConfigExport<'webpack5'>;
