/**
 * Architecture rules, checked by the tests (test/architecture.test.ts):
 * shared/ is the pure domain package — no I/O, no Taro, no Cloudbase, no database, no Node
 * built-ins — and nothing in shared/ reaches into the functions, the app or the scripts.
 */
module.exports = {
  forbidden: [
    {
      name: 'shared-is-pure',
      severity: 'error',
      comment: 'shared/ must not import I/O, platform or framework modules',
      from: { path: '^shared/src' },
      to: {
        path: [
          '^node_modules/@tarojs/',
          '^node_modules/@cloudbase/',
          '^node_modules/wx-server-sdk',
          '^node_modules/better-sqlite3',
          '^node_modules/exceljs',
          '^node_modules/react',
        ],
      },
    },
    {
      name: 'shared-no-node-builtins',
      severity: 'error',
      comment: 'shared/ runs in the mini-program too: no fs, http, crypto, child_process...',
      from: { path: '^shared/src' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-stays-inside',
      severity: 'error',
      from: { path: '^shared/src' },
      to: { path: '^(cloudfunctions|miniprogram|scripts)/' },
    },
    {
      name: 'app-not-into-backend',
      severity: 'error',
      comment: 'the mini-program talks to the functions only through its client module',
      from: { path: '^miniprogram/src' },
      to: { path: '^(cloudfunctions|scripts)/|^node_modules/(better-sqlite3|@cloudbase/node-sdk)' },
    },
    {
      name: 'functions-not-into-local-runtime',
      severity: 'error',
      comment: 'deployed function code must not depend on the local runtime (better-sqlite3)',
      from: { path: '^cloudfunctions/', pathNot: '\\.test\\.ts$|/testing/' },
      to: { path: '^scripts/|^node_modules/better-sqlite3' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '^(miniprogram/dist|\\.build)/' },
  },
};
