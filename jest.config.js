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
      // the real @cloudbase/node-sdk against the emulator (scripts/local/testing/testRuntime.ts).
      // Left out: tests already on the emulator (*.cloudbase.test.ts), and three that do not fit
      // this machine's time over HTTP yet — badInput (fast-check, a whole-database fingerprint per
      // case), concurrency (300/600 concurrent submits through one SDK client: more than its 100
      // sockets and request timeout allow; the Cloudbase rush is in orders.cloudbase.test.ts and
      // submit.cloudbase.test.ts) and dispatcher (timing windows of 20 ms around a hanging send).
      // backoffice, fulfilment and supply seed their own data through the store (thousands of SDK
      // requests); backoffice and fulfilment have their Cloudbase runs in *.cloudbase.test.ts.
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
