// The functions-cloudbase jest project: every runtime a test starts runs on the emulator.
process.env.DINGHUO_TEST_STORE = 'cloudbase';
