import path from 'path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import TsconfigPathsPlugin from 'tsconfig-paths-webpack-plugin';
import devConfig from './dev';
import prodConfig from './prod';

/**
 * Taro runs from miniprogram/ (it reads ./config/index.ts from its working directory).
 * Each platform builds into its own folder so weapp and h5 do not clobber each other:
 * miniprogram/dist/weapp and miniprogram/dist/h5.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const platform = process.env.TARO_ENV ?? 'weapp';

export default defineConfig<'webpack5'>(async (merge) => {
  const tsconfigPaths = (chain: any) => {
    chain.resolve.plugin('tsconfig-paths').use(TsconfigPathsPlugin, [{ configFile: path.join(ROOT, 'tsconfig.json') }]);
  };
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'dinghuo',
    date: '2026-11-25',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${platform}`,
    plugins: [],
    defineConstants: {},
    env: {
      // The Cloudbase environment id for Taro.cloud.init (weapp). Empty means the DevTools default.
      TARO_APP_CLOUD_ENV: JSON.stringify(process.env.TARO_APP_CLOUD_ENV ?? ''),
    },
    alias: {
      '@dinghuo/shared': path.join(ROOT, 'shared', 'src'),
      '@': path.join(ROOT, 'miniprogram', 'src'),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: process.env.TARO_CACHE !== '0' },
    mini: {
      // page styles do not depend on the order of shared component styles
      miniCssExtractPluginOption: { ignoreOrder: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      webpackChain: tsconfigPaths,
      // the zod-free shared modules the app imports values from (@dinghuo/shared/labels, /fen)
      compile: { include: [path.join(ROOT, 'shared', 'src')] },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      output: { filename: 'js/[name].[hash:8].js', chunkFilename: 'js/[name].[chunkhash:8].js' },
      miniCssExtractPluginOption: { ignoreOrder: true, filename: 'css/[name].[hash].css', chunkFilename: 'css/[name].[chunkhash].css' },
      router: { mode: 'hash' },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false, config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' } },
      },
      webpackChain: tsconfigPaths,
      compile: { include: [path.join(ROOT, 'shared', 'src')] },
    },
  };
  if (process.env.NODE_ENV === 'development') return merge({}, baseConfig, devConfig);
  return merge({}, baseConfig, prodConfig);
});
