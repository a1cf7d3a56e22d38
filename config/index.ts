import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import devConfig from './dev';
import prodConfig from './prod';

// Test runners export NODE_ENV=test; babel-preset-taro then emits CommonJS modules, which defeats
// tree shaking and doubles the main package (all of zod's locales). A build is a build.
if (process.env.NODE_ENV === 'test') process.env.NODE_ENV = 'production';

const root = path.resolve(__dirname, '..');
const contractsDir = path.join(root, 'contracts');
const taroEnv = process.env.TARO_ENV ?? 'weapp';
// Compiled with the app's babel preset (and browserslist): the shared contracts outside src, and
// zod, which ships modern syntax (?. ?? class fields) that older WeChat engines cannot parse.
const compileInclude = [contractsDir, (file: string) => /[\\/]node_modules[\\/]zod[\\/]/.test(file)];

// The mini-program talks to the cloud by absolute URL (set TARO_APP_API_BASE for real builds);
// the h5 build is served by the cloud itself, so it calls the same origin.
const apiBase = taroEnv === 'h5' ? '' : process.env.TARO_APP_API_BASE || 'http://127.0.0.1:7001';

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'community-private-domain-hub',
    date: '2026-11-1',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${taroEnv}`,
    plugins: [],
    defineConstants: {
      API_BASE: JSON.stringify(apiBase),
    },
    alias: {
      '@contracts': contractsDir,
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: compileInclude },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
    h5: {
      publicPath: '/h5/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: compileInclude },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      webpackChain(chain) {
        // Taro splits only initial chunks on h5, so every lazily loaded page carried its own copy
        // of zod and the shared api code; share them across page chunks too.
        const splitChunks = chain.optimization.get('splitChunks');
        if (splitChunks) chain.optimization.splitChunks({ ...splitChunks, chunks: 'all' });
        // The h5 build is a dev preview/test surface served locally; size hints are noise here.
        chain.performance.hints(false);
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
  };
  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig);
  return merge({}, baseConfig, prodConfig);
});
