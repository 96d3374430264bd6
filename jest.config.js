// One jest run, five projects: pure domain rules, functions against the real embedded database,
// the same functions on the Cloudbase path (node-sdk over the emulator), compiled weapp pages in
// miniprogram-simulate, and the H5 app and back office in headless Chromium.
const swc = ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } }, target: 'es2020' } }];
const moduleNameMapper = {
  '^@dinghuo/shared$': '<rootDir>/shared/src/index.ts',
  '^@dinghuo/shared/(.*)$': '<rootDir>/shared/src/$1',
};
const base = { transform: { '^.+\\.(t|j)sx?$': swc }, moduleNameMapper, rootDir: __dirname };

module.exports = {
  // Generous on purpose: the tests wait for conditions, so a passing test never waits this long;
  // on a loaded 2-core machine (a build beside the suite) CPU-bound tests take 3-6x their idle time.
  testTimeout: 180000,
  projects: [
    { ...base, displayName: 'shared', testEnvironment: 'node', testMatch: ['<rootDir>/shared/test/**/*.test.ts', '<rootDir>/test/*.test.ts'] },
    {
      ...base,
      displayName: 'functions',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/cloudfunctions/**/*.test.ts', '<rootDir>/scripts/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/noInternal.ts'],
    },
    {
      // The same functions tests on the Cloudbase path: the local runtime over CloudbaseStore through
      // the real @cloudbase/node-sdk against the emulator (scripts/local/testing/testRuntime.ts; the
      // demo data is loaded into the emulator as a fixture). Every function's test (cloudfunctions/*/) runs here; some
      // scale down for HTTP: badInput runs a quarter of its generated cases (fingerprints read from
      // the emulator), concurrency splits smaller rushes over three processes with their own SDK
      // clients. Left out only the *.cloudbase.test.ts, which are on the emulator already and run
      // in the functions project.
      ...base,
      displayName: 'functions-cloudbase',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/cloudfunctions/*/*.test.ts', '<rootDir>/cloudfunctions/contract.test.ts'],
      testPathIgnorePatterns: ['\\.cloudbase\\.test\\.ts$'],
      setupFiles: ['<rootDir>/scripts/local/testing/cloudbaseProject.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/noInternal.ts'],
    },
    {
      ...base,
      displayName: 'weapp',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/miniprogram/test/weapp/**/*.test.ts'],
      globalSetup: '<rootDir>/miniprogram/test/weapp/globalSetup.ts',
    },
    {
      ...base,
      displayName: 'e2e',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/test/e2e/globalSetup.ts',
      setupFilesAfterEnv: ['<rootDir>/test/setup/noInternal.ts'],
    },
  ],
};
